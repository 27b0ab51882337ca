"""The same content rendered twice: a PDF (WeasyPrint) and a Word document (python-docx)."""

from __future__ import annotations

import io
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from lueckenlos.lib.svg import weasyprint_svg
from lueckenlos.reports.content import report_content
from lueckenlos.reports.docx import report_docx
from lueckenlos.reports.pdf import report_html, report_pdf
from lueckenlos.reports.tests.conftest import REPORT_YEAR

INTRODUCTION = "Ein Jahr der Präventionskette.\n\nIm zweiten Absatz: was kommt."


@pytest.fixture
def content(town, english):
    return report_content(town.kommune, REPORT_YEAR, introduction=INTRODUCTION)


def test_the_html_has_cover_contents_introduction_and_sections(content):
    html = report_html(content)
    assert "<h1>Prevention report Teststadt 2024</h1>" in html
    # The contents link every chapter; page numbers come from target-counter in the CSS.
    for anchor in ("introduction", "section-inventory", "section-gaps", "section-indicators"):
        assert f'<a href="#{anchor}">' in html
        assert f'id="{anchor}"' in html
    assert "<p>Ein Jahr der Präventionskette.</p>" in html
    assert "<p>Im zweiten Absatz: was kommt.</p>" in html
    # Header rows repeat on every page (thead), figures are inline SVG with a text
    # alternative, and nothing is fetched from anywhere.
    assert "<thead>" in html
    assert html.count('src="data:image/svg+xml;base64,') == 5
    assert 'src="http' not in html


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")
def test_the_pdf_renders_with_pages_and_a_first_page_that_is_not_blank(content, tmp_path):
    from PIL import Image

    data = report_pdf(content)
    assert data.startswith(b"%PDF")
    target = tmp_path / "bericht.pdf"
    target.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    # Cover, contents, introduction and three sections each start a page.
    assert pages >= 6
    assert "Prevention report Teststadt 2024" in info.stdout  # the document's title
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "bericht.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    low, high = Image.open(image).convert("L").getextrema()
    assert low < 128 < high  # dark text on white


def test_the_docx_has_real_headings_tables_with_header_rows_and_images(content):
    document = docx.Document(io.BytesIO(report_docx(content)))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "Introduction") in headings
    assert ("Heading 1", "Inventory") in headings
    assert ("Heading 1", "Gap analysis") in headings
    assert ("Heading 1", "Indicators and trends") in headings
    assert ("Heading 2", "Most urgent areas") in headings
    assert ("Heading 2", "Kinderarmut") in headings
    texts = [p.text for p in document.paragraphs]
    assert "Ein Jahr der Präventionskette." in texts
    assert "Im zweiten Absatz: was kommt." in texts

    matrix = document.tables[0]
    assert matrix.rows[0].cells[0].text == "Field of action"
    assert matrix.rows[0].cells[-1].text == "All life phases"
    assert matrix.rows[-1].cells[-1].text == "5"
    # The header row is repeated on every page Word breaks the table across.
    assert matrix.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None

    # Charts and maps as pictures, each with its text alternative.
    assert len(document.inline_shapes) == 5
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr")
    assert document.core_properties.title == "Prevention report Teststadt 2024"


def test_a_report_of_one_section_without_introduction(town, english):
    content = report_content(town.kommune, REPORT_YEAR, sections=["inventory"])
    document = docx.Document(io.BytesIO(report_docx(content)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Inventory"]
    assert len(document.inline_shapes) == 0
    assert report_pdf(content).startswith(b"%PDF")


def test_legend_gradients_are_given_in_units_weasyprint_paints():
    svg = (
        '<svg><g><path d="M0,0h240v16h-240Z" fill="url(#gradient_0)" stroke="#ddd"/></g>'
        '<defs><linearGradient id="gradient_0" x1="0" x2="1" y1="0" y2="0">'
        '<stop offset="0" stop-color="red"/></linearGradient>'
        '<linearGradient id="other" x1="0" x2="1"></linearGradient></defs></svg>'
    )
    fixed = weasyprint_svg(svg)
    assert (
        '<linearGradient id="gradient_0" gradientUnits="userSpaceOnUse" x1="0" x2="240" '
        'y1="0" y2="0">' in fixed
    )
    # A gradient that fills no legend rectangle is left as it was.
    assert '<linearGradient id="other" x1="0" x2="1">' in fixed
    assert weasyprint_svg("<svg></svg>") == "<svg></svg>"
