"""The printable "Lückenanalyse <Kommune>": the gap analysis as an A4 PDF made with WeasyPrint.

Title page, method, the coverage matrix of the Kommune, the ten most urgent areas, the
transitions without a bridging offer, and the map and charts as the same SVGs the page
shows (charts.py and maps.py), each with its text alternative. The PDF is made from a
template (analysis/pdf/report.html) with no request to anywhere: the URL fetcher refuses
everything but inline data, and the fonts are the machine's own (fontconfig), so no
external font is ever fetched.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.analysis.exports import GapAnalysis
from lueckenlos.lib.svg import weasyprint_svg

log = logging.getLogger(__name__)
# WeasyPrint reports each step of its work at INFO: not worth a line in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TOP_AREAS = 10


@dataclass
class Figure:
    """An SVG for the report with its caption and text alternative."""

    title: str
    svg_data_uri: str
    description: str


def _data_uri(svg: str | bytes) -> str:
    data = weasyprint_svg(svg).encode() if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def report_figures(analysis: GapAnalysis) -> list[Figure]:
    """The page's map of priorities, its heat map of the matrix and its priority chart.

    A figure that fails to render is left out (and logged) rather than costing the
    coordinator the whole report: the tables carry the same figures."""
    from lueckenlos.analysis.basis import analysis_basis
    from lueckenlos.analysis.charts import coverage_heatmap, priority_bars
    from lueckenlos.analysis.maps import choropleth

    def priority_map():
        return choropleth(
            analysis_basis(analysis.kommune),
            analysis.level,
            {entry.area.pk: entry.score for entry in analysis.priority.areas},
            measure_label=_("Priority"),
            offers_label=_("locations of all offers"),
        )

    makers = [lambda: coverage_heatmap(analysis.coverage)]
    if analysis.level is not None:
        makers.insert(0, priority_map)
    if analysis.priority.areas:
        makers.append(lambda: priority_bars(analysis.priority))
    figures = []
    for make in makers:
        try:
            made = make()
        except Exception:  # a broken figure must not cost the whole report
            log.exception("a figure of the gap report was left out")
            continue
        figures.append(Figure(made.title, _data_uri(made.svg), made.description))
    return figures


def report_context(analysis: GapAnalysis) -> dict:
    coverage = analysis.coverage
    matrix_rows = [
        {
            "phase": row.phase.label,
            "ages": row.ages.label(),
            "children": row.children,
            "cells": row.cells,
        }
        for row in coverage.kommune.rows
    ]
    top = [entry for entry in analysis.priority.areas if entry.score is not None][:TOP_AREAS]
    without_bridge = [
        {
            "transition": row.transition.label,
            "from_phase": row.from_phase.label if row.from_phase else "",
            "to_phase": row.to_phase.label if row.to_phase else "",
            "offers": len(row.offers),
            "areas": row.areas_without,
            "area_count": len(row.areas),
        }
        for row in analysis.transitions.rows
    ]
    return {
        "title": _("Gap analysis %(kommune)s") % {"kommune": analysis.kommune.name},
        "analysis": analysis,
        "kommune": analysis.kommune,
        "level_name": analysis.level.name if analysis.level is not None else "",
        "created": timezone.localdate(),
        "fields": [term.label for term in coverage.fields],
        "matrix_rows": matrix_rows,
        "top_areas": top,
        "areas_counted": len(analysis.priority.areas),
        "transitions": without_bridge,
        "method_sections": analysis.method_sections(),
        "need": analysis.priority.need,
        "figures": report_figures(analysis),
    }


def report_html(analysis: GapAnalysis) -> str:
    return render_to_string("analysis/pdf/report.html", report_context(analysis))


def report_pdf(analysis: GapAnalysis) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only inline data (the figures): a report is never made from anything fetched.
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=report_html(analysis), url_fetcher=fetcher).write_pdf()
