"""Charts of the gap analysis: Vega-Lite specifications rendered to SVG on the server.

The one chart pipeline of lueckenlos (STYLE.md): a function here builds a Vega-Lite spec
from a result of the analysis, `render_svg` turns it into SVG with vl-convert (the Vega
engine compiled into the package: no browser, no network), and the same SVG serves the web
page and the printed report. Every SVG carries a <title> and a <desc> and is one image to
assistive technology (role="img"); the tables of the page are its full text alternative.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass

import vl_convert
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lueckenlos.analysis.coverage import CoverageMatrix, CoverageReport
from lueckenlos.analysis.priority import PriorityReport

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "sans-serif"
# Sequential colours that stay distinguishable without colour vision (and in grey print).
SCHEME = "viridis"
NO_VALUE_COLOUR = "#d9d9d9"
# A value is also written on each heat-map cell, so that colour is never the only carrier.
TEXT_DARK = "#1a1a1a"
TEXT_LIGHT = "#ffffff"

_ROOT = re.compile(r"<svg\b([^>]*)>")
# Roles and ARIA attributes the Vega renderer puts on every mark: inside role="img" they
# would only be noise (and axe reports some of them), so they go.
_MARK_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


@dataclass(frozen=True)
class Chart:
    """A rendered chart: its SVG (safe to inline), and its title and description."""

    key: str  # unique on a page: ids inside the SVG start with it
    title: str
    description: str
    spec: dict
    svg: str


def base_spec(**parts) -> dict:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "background": "white",
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 220},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
        },
        **parts,
    }


@functools.lru_cache(maxsize=256)
def _vega_svg(spec_json: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def render_svg(spec: dict, *, key: str, title: str, description: str) -> str:
    """The SVG of a Vega-Lite spec, with <title>, <desc> and role="img" on its root."""
    svg = _vega_svg(json.dumps(spec, sort_keys=True, default=str))
    svg = _MARK_ARIA.sub("", svg)
    match = _ROOT.search(svg)
    if match is None:  # vl-convert always answers with one <svg> root
        raise ValueError("no <svg> element in the rendered chart")
    title_id, desc_id = f"{key}-title", f"{key}-desc"
    root = (
        f'<svg{match.group(1)} role="img" aria-labelledby="{title_id}" '
        f'aria-describedby="{desc_id}" focusable="false">'
        f'<title id="{title_id}">{html.escape(title)}</title>'
        f'<desc id="{desc_id}">{html.escape(description)}</desc>'
    )
    return svg[: match.start()] + root + svg[match.end() :]


def chart(spec: dict, *, key: str, title: str, description: str) -> Chart:
    return Chart(
        key=key,
        title=title,
        description=description,
        spec=spec,
        svg=render_svg(spec, key=key, title=title, description=description),
    )


def coverage_heatmap(report: CoverageReport, matrix: CoverageMatrix | None = None) -> Chart:
    """The coverage matrix (of the Kommune, or of one area) as a heat map of offer counts."""
    matrix = matrix or report.kommune
    name = matrix.area.name if matrix.area is not None else report.kommune_name
    values = []
    for p, row in enumerate(matrix.rows):
        for f, cell in enumerate(row.cells):
            values.append(
                {
                    "phase": row.phase.label,
                    "phase_order": p,
                    "field": report.fields[f].label,
                    "field_order": f,
                    "offers": cell.offers,
                    "mark": (
                        _("empty")
                        if cell.is_empty
                        else f"{cell.offers} ({_('weak')})"
                        if cell.is_weak
                        else str(cell.offers)
                    ),
                }
            )
    highest = max((v["offers"] for v in values), default=0)
    phase_sort = {"field": "phase_order"}
    field_sort = {"field": "field_order"}
    spec = base_spec(
        data={"values": values},
        width={"step": 58},
        height={"step": 34},
        encoding={
            "x": {
                "field": "field",
                "type": "nominal",
                "sort": field_sort,
                "title": _("Field of action"),
                "axis": {"labelAngle": -40, "orient": "top"},
            },
            "y": {
                "field": "phase",
                "type": "nominal",
                "sort": phase_sort,
                "title": _("Life phase"),
            },
        },
        layer=[
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                "encoding": {
                    "color": {
                        "field": "offers",
                        "type": "quantitative",
                        "title": _("Offers"),
                        "scale": {"scheme": SCHEME, "reverse": True, "domainMin": 0},
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10},
                "encoding": {
                    "text": {"field": "mark"},
                    "color": {
                        "condition": {
                            "test": f"datum.offers > {highest / 2}",
                            "value": TEXT_LIGHT,
                        },
                        "value": TEXT_DARK,
                    },
                },
            },
        ],
    )
    return chart(
        spec,
        key="chart-matrix",
        title=_("Offers by life phase and field of action: %(name)s") % {"name": name},
        description=_(
            "Heat map of the coverage matrix: a darker cell has more offers; each cell "
            "names its number of offers, or says it is empty or weak. The table "
            "“Coverage matrix” gives the same figures."
        ),
    )


def priority_bars(report: PriorityReport) -> Chart:
    """The priority of each area as a bar chart, most urgent first."""
    values = [
        {"area": entry.area.name, "rank": entry.rank, "priority": round(entry.score, 1)}
        for entry in report.areas
        if entry.score is not None
    ]
    spec = base_spec(
        data={"values": values},
        width=360,
        height={"step": 18},
        mark={"type": "bar", "color": "#3b528b"},
        encoding={
            "y": {
                "field": "area",
                "type": "nominal",
                "sort": {"field": "rank"},
                "title": report.level_name or _("Area"),
            },
            "x": {
                "field": "priority",
                "type": "quantitative",
                "title": _("Priority (0–100)"),
                "scale": {"domain": [0, 100]},
            },
        },
    )
    left_out = len(report.areas) - len(values)
    description = _(
        "Bar chart of the priority of each area, the most urgent at the top. The table "
        "“Areas by priority” gives the same figures and how they were computed."
    )
    if left_out:
        description += " " + ngettext(
            "%(count)s area without a priority is not shown.",
            "%(count)s areas without a priority are not shown.",
            left_out,
        ) % {"count": left_out}
    return chart(
        spec,
        key="chart-priority",
        title=_("Priority by area: %(formula)s") % {"formula": report.formula_text()},
        description=description,
    )
