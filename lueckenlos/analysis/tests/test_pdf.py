"""The printable report (WeasyPrint) and the workspace's download links, on Teststadt."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.analysis import exports
from lueckenlos.analysis.report import report_html, report_pdf

BASE = "/teststadt/arbeitsbereich/luecken/"


@pytest.fixture
def analysis(teststadt, english) -> exports.GapAnalysis:
    return exports.gap_analysis(teststadt.kommune, level="Planungsraum")


def test_the_report_holds_the_matrix_the_top_areas_and_the_method(analysis):
    html = report_html(analysis)
    assert "<h1>Gap analysis Teststadt</h1>" in html
    assert escape(analysis.priority.formula_text()) in html
    assert escape(analysis.coverage.method_text()) in html
    # The areas with a priority, by rank; Cölln has none and is not among them.
    top = html.split("Most urgent areas", 2)[2].split("</table>")[0]
    assert top.index("Bruch") < top.index("Anger")
    assert "Cölln" not in top
    # Transitions: Cölln has no bridge from the family into childcare.
    transitions = html.split("<h2>Transitions</h2>")[1]
    assert "Cölln" in transitions.split("Familie → Krippe / Kita")[1].split("</tr>")[0]
    # The map and charts, inline, each with its text alternative.
    assert html.count('src="data:image/svg+xml;base64,') == 3
    assert 'src="http' not in html


def test_the_pdf_renders(analysis):
    data = report_pdf(analysis)
    assert data.startswith(b"%PDF")


def test_each_part_starts_a_page(analysis):
    from weasyprint import HTML

    # Title, method, matrix, top areas, transitions, map and charts: pages of their own.
    assert len(HTML(string=report_html(analysis)).render().pages) >= 6


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils' pdftoppm")
def test_the_first_page_is_not_blank(analysis, tmp_path):
    from PIL import Image

    data = report_pdf(analysis)

    (tmp_path / "report.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    low, high = Image.open(image).convert("L").getextrema()
    assert low < 128 < high  # not a blank page: there is dark text on white


@pytest.fixture
def reader(teststadt, client: Client, settings, english) -> Client:
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(member("koordination", teststadt.kommune, Membership.Role.COORDINATOR))
    return client


def test_a_reader_downloads_the_xlsx_with_the_pages_choices(teststadt, reader):
    response = reader.get(BASE + "export.xlsx", {"level": teststadt.region_level.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="lueckenanalyse-teststadt.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    areas = [row[2] for row in workbook["Areas"].iter_rows(min_row=2, values_only=True)]
    assert sorted(areas) == ["Ost", "West"]  # the level chosen on the page


def test_a_reader_downloads_one_table_as_csv(teststadt, reader):
    response = reader.get(BASE + "export.csv", {"tabelle": "uebergaenge"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").startswith("Transition;")
    assert reader.get(BASE + "export.csv", {"tabelle": "nichts"}).status_code == 404


def test_a_reader_downloads_the_pdf(reader):
    response = reader.get(BASE + "export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_provider_editor_gets_no_export(teststadt, client, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    client.force_login(member("kita", teststadt.kommune, Membership.Role.PROVIDER_EDITOR))
    assert client.get(BASE + "export.xlsx").status_code == 403
