"""The prevention report as an A4 PDF, made with WeasyPrint from reports/pdf/report.html.

Cover, contents with page numbers (CSS target-counter), the introduction and the chosen
sections; figures are the SVGs of the chart pipeline, inline. Nothing is fetched: the URL
fetcher allows inline data only, and the fonts are the machine's own (fontconfig).
"""

from __future__ import annotations

import dataclasses
import logging

from django.template.loader import render_to_string

from lueckenlos.lib.svg import weasyprint_svg
from lueckenlos.reports.content import Block, Figure, ReportContent, placed

# WeasyPrint reports each step of its work at INFO: not worth a line in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CONTENT_TYPE = "application/pdf"


def _for_weasyprint(block: Block) -> Block:
    if isinstance(block, Figure):
        return dataclasses.replace(block, svg=weasyprint_svg(block.svg))
    return block


def report_html(content: ReportContent) -> str:
    sections = [
        (section, placed([_for_weasyprint(block) for block in section.blocks]))
        for section in content.sections
    ]
    return render_to_string("reports/pdf/report.html", {"report": content, "sections": sections})


def report_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=report_html(content), url_fetcher=fetcher).write_pdf()
