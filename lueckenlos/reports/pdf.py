"""The prevention report as an A4 PDF, made with WeasyPrint from reports/pdf/report.html.

Cover, contents with page numbers (CSS target-counter), the introduction and the chosen
sections; figures are the SVGs of the chart pipeline, inline. Nothing is fetched: the URL
fetcher allows inline data only, and the fonts are the machine's own (fontconfig).
"""

from __future__ import annotations

import dataclasses
import logging
import re

from django.template.loader import render_to_string

from lueckenlos.reports.content import Block, Figure, ReportContent, placed

# WeasyPrint reports each step of its work at INFO: not worth a line in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CONTENT_TYPE = "application/pdf"


# A gradient fill of a Vega legend: `<path d="M0,0h240v16h-240Z" fill="url(#gradient_0)"`.
_GRADIENT_FILL = re.compile(
    r'<path d="M0,0h(?P<w>[\d.]+)v(?P<h>[\d.]+)h-[\d.]+Z" fill="url\(#(?P<id>[\w-]+)\)"'
)
_GRADIENT = re.compile(r'<linearGradient id="(?P<id>[\w-]+)"(?P<attrs>[^>]*)>')
_COORDINATE = re.compile(r'\b(?P<name>[xy][12])="(?P<value>[\d.eE+-]+)"')


def weasyprint_svg(svg: str) -> str:
    """The SVG with its legends' colour gradients drawn by WeasyPrint too.

    WeasyPrint (70) leaves a gradient in bounding-box units (SVG's default, which Vega
    uses for its legends) unpainted, so a map's legend lost its colour ramp. Each such
    gradient fills one rectangle drawn from 0,0, so the same gradient in the rectangle's
    own units (userSpaceOnUse) is identical, and WeasyPrint paints it."""
    sizes = {m["id"]: (float(m["w"]), float(m["h"])) for m in _GRADIENT_FILL.finditer(svg)}

    def in_user_units(match: re.Match) -> str:
        size = sizes.get(match["id"])
        if size is None or "gradientUnits" in match["attrs"]:
            return match.group(0)
        width, height = size

        def scaled(coordinate: re.Match) -> str:
            extent = width if coordinate["name"].startswith("x") else height
            return f'{coordinate["name"]}="{float(coordinate["value"]) * extent:g}"'

        attrs = _COORDINATE.sub(scaled, match["attrs"])
        return f'<linearGradient id="{match["id"]}" gradientUnits="userSpaceOnUse"{attrs}>'

    return _GRADIENT.sub(in_user_units, svg) if sizes else svg


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
