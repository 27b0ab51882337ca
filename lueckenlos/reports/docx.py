"""The prevention report as a Word document (DOCX), for the administration to edit.

The same `ReportContent` as the PDF: real heading styles (Word's navigation pane and its
table of contents work), a contents field Word fills in when the document is opened,
tables with a header row repeated on every page, charts and maps as PNG with their text
alternative (the picture's description), page numbers in the footer, German as the
document's language. No text is an image except inside the charts.
"""

from __future__ import annotations

import io
import struct

from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from lueckenlos.reports.content import Figure, Heading, Paragraph, ReportContent, Table, placed

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Liberation Sans"  # metric-compatible with Arial, which Word has everywhere
TEXT_WIDTH = Cm(17)
MAX_FIGURE_HEIGHT = Cm(20)
HEADER_FILL = "E8EEF4"
NOTE_COLOUR = RGBColor(0x44, 0x44, 0x44)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC ...): Word computes its result; `placeholder` shows until then."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    shown = paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    shown._r.append(end)


def _language_tag() -> str:
    language = get_language() or "de"
    return {"de": "de-DE", "en": "en-GB"}.get(language, language)


def _setup(document, content: ReportContent) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(20), Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    section.different_first_page_header_footer = True  # no page number on the cover
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(_("Page") + " ")
    _field(footer, "PAGE", "1")
    footer.add_run(" " + pgettext("page 3 of 10", "of") + " ")
    _field(footer, "NUMPAGES", "1")

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    # The language of every run (spelling, hyphenation) and the East Asian font fallback.
    run_properties = normal.element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), _language_tag())
    run_properties.append(language)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "TOC Heading"):
        document.styles[name].font.name = FONT

    properties = document.core_properties
    properties.title = content.title
    properties.author = content.kommune.name
    properties.language = _language_tag()
    properties.comments = "lueckenlos"
    # Ask Word to update the fields (the contents) when the document is opened.
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings = document.settings.element
    # Word wants its settings in the schema's order: updateFields before decimalSymbol.
    follower = settings.find(qn("w:decimalSymbol"))
    if follower is not None:
        follower.addprevious(update)
    else:
        settings.append(update)


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(8.5)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(document, block: Table) -> None:
    if block.caption:
        document.add_paragraph(block.caption, style="Caption")
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    _repeat_header(header)
    for cell, column in zip(header.cells, block.columns, strict=True):
        _cell_text(cell, column.header, bold=True, right=column.numeric)
        _shade(cell, HEADER_FILL)
    for position, values in enumerate(block.rows):
        total = block.total_row and position == len(block.rows) - 1
        cells = table.add_row().cells
        for index, (cell, column, value) in enumerate(
            zip(cells, block.columns, values, strict=True)
        ):
            _cell_text(cell, value, bold=total or index == 0, right=column.numeric)
    document.add_paragraph()


def _figure(document, block: Figure) -> None:
    png = block.png()
    # A PNG's size stands in its header (IHDR): width and height, four bytes each.
    width, height = struct.unpack(">II", png[16:24])
    if height * TEXT_WIDTH > width * MAX_FIGURE_HEIGHT:  # a tall chart: fit the page's height
        document.add_picture(io.BytesIO(png), height=MAX_FIGURE_HEIGHT)
    else:
        document.add_picture(io.BytesIO(png), width=TEXT_WIDTH)
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    # The text alternative: Word reads it out and shows it as the picture's "Alt Text".
    properties = document.inline_shapes[-1]._inline.docPr
    properties.set("title", block.title)
    properties.set("descr", block.description)
    caption = document.add_paragraph(style="Caption")
    caption.add_run(block.title).bold = True
    if block.description:
        caption.add_run(" — " + block.description)


def report_docx(content: ReportContent) -> bytes:
    document = Document()
    _setup(document, content)

    document.add_paragraph(content.title, style="Title")
    for text in (
        content.kommune.name,
        _("Reporting year %(year)s") % {"year": content.year},
        _("As of %(date)s") % {"date": date_format(content.created, "DATE_FORMAT")},
    ):
        document.add_paragraph(text).runs[0].font.size = Pt(12)
    _page_break(document)

    # Not a heading: the contents must not list themselves.
    document.add_paragraph(_("Contents"), style="TOC Heading")
    _field(
        document.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        _("The contents appear when Word updates the fields (F9)."),
    )
    _page_break(document)

    if content.introduction:
        document.add_heading(_("Introduction"), level=1)
        for text in content.introduction:
            document.add_paragraph(text)

    for number, section in enumerate(content.sections):
        if content.introduction or number:
            _page_break(document)
        document.add_heading(section.title, level=1)
        for item in placed(section.blocks):
            block = item.block
            if isinstance(block, Heading):
                document.add_heading(block.text, level=min(block.level, 3))
            elif isinstance(block, Paragraph):
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.keep_with_next = item.keep_with_next
                run = paragraph.add_run(block.text)
                if block.note:
                    run.font.size = Pt(8.5)
                    run.font.color.rgb = NOTE_COLOUR
            elif isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Figure):
                _figure(document, block)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
