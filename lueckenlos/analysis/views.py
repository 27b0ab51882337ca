"""The gap analysis page of the workspace and the detail of one cell of its matrix.

Views stay thin: they read the choices (forms.py), ask the cached computations (coverage,
reach, priority, transitions) and hand their results, charts and map to the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lueckenlos.analysis.basis import analysis_basis
from lueckenlos.analysis.charts import coverage_heatmap, priority_bars
from lueckenlos.analysis.coverage import CoverageMatrix, coverage
from lueckenlos.analysis.forms import COVERAGE, MAP_MEASURES, NEED, PRIORITY, REACH, GapForm
from lueckenlos.analysis.maps import choropleth
from lueckenlos.analysis.priority import AreaPriority, priority
from lueckenlos.analysis.reach import reach
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.analysis.suppression import Figure
from lueckenlos.analysis.transitions import transitions
from lueckenlos.areas.models import AreaLevel
from lueckenlos.workspace.access import workspace_view
from lueckenlos.workspace.navigation import render


@dataclass
class AreaRow:
    """One line of the area table: the priority with the reach of the chosen cell."""

    entry: AreaPriority
    reach: Figure | None
    offers: int


def _choices(request: HttpRequest):
    kommune = request.workspace.kommune
    basis = analysis_basis(kommune)
    levels = list(AreaLevel.objects.for_kommune(kommune))
    form = GapForm(request.GET or None, levels=levels, basis=basis)
    chosen = form.choices()
    form.show(chosen)
    return basis, form, chosen


@workspace_view("reader")
@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    kommune = request.workspace.kommune
    basis, form, chosen = _choices(request)
    level = chosen.level
    selection = TermSelection.cell(chosen.phase, chosen.field)
    state = basis.state
    matrix_report = coverage(kommune, level=level, state=state)
    shown_matrix = _matrix_of(matrix_report.areas, request.GET.get("area")) or (
        matrix_report.kommune
    )
    reach_report = reach(
        kommune, [selection], distances=(chosen.distance_m,), level=level, state=state
    )
    reached = reach_report.result(selection, chosen.distance_m)
    priorities = priority(
        kommune, level=level, weights=chosen.weights, distance_m=chosen.distance_m, state=state
    )
    offers_in_cell = {
        m.area.pk: m.cell(chosen.phase, chosen.field).offers for m in matrix_report.areas
    }
    reach_by_area = {entry.area.pk: entry.figure for entry in reached.areas}
    rows = [
        AreaRow(entry, reach_by_area.get(entry.area.pk), offers_in_cell.get(entry.area.pk, 0))
        for entry in priorities.areas
    ]
    measure_label = dict(MAP_MEASURES)[chosen.measure]
    map_values = {
        PRIORITY: {row.entry.area.pk: row.entry.score for row in rows},
        NEED: {row.entry.area.pk: row.entry.need_value for row in rows},
        REACH: {
            row.entry.area.pk: row.reach.percent if row.reach is not None else None for row in rows
        },
        COVERAGE: {row.entry.area.pk: float(row.offers) for row in rows},
    }[chosen.measure]
    cell_offers = basis.offers.mask(selection)
    cell_label = selection.label(basis.names)
    area_map = (
        choropleth(
            basis,
            level,
            map_values,
            measure_label=str(measure_label),
            offer_mask=cell_offers if chosen.measure in (REACH, COVERAGE) else None,
            offers_label=(
                _("locations of the offers for %(cell)s") % {"cell": cell_label}
                if chosen.measure in (REACH, COVERAGE)
                else _("locations of all offers")
            ),
        )
        if level is not None
        else None
    )
    return render(
        request,
        "analysis/gaps.html",
        {
            "form": form,
            "chosen": chosen,
            "level": level,
            "cell_label": cell_label,
            "matrix_report": matrix_report,
            "matrix": shown_matrix,
            "matrix_rows": _matrix_rows(shown_matrix, matrix_report.kommune),
            "reach_report": reach_report,
            "reached": reached,
            "priorities": priorities,
            "area_rows": rows,
            "transition_report": transitions(kommune, level=level, state=state),
            "heatmap": coverage_heatmap(matrix_report, shown_matrix),
            "priority_chart": priority_bars(priorities) if priorities.areas else None,
            "area_map": area_map,
            "query": _query_without(request, "area"),
        },
    )


@workspace_view("reader")
@require_safe
def gap_cell(request: HttpRequest) -> HttpResponse:
    """One cell of the matrix: the offers behind it, and where it is empty or weak."""
    kommune = request.workspace.kommune
    basis, form, chosen = _choices(request)
    phases = {p.code: p for p in basis.phases}
    fields = {f.code: f for f in basis.fields}
    phase, field = request.GET.get("phase", ""), request.GET.get("field", "")
    if phase not in phases or field not in fields:
        raise Http404
    report = coverage(kommune, level=chosen.level, state=basis.state)
    cell = report.kommune.cell(phase, field)
    by_area = [(m.area, m.cell(phase, field), m.row(phase).children) for m in report.areas]
    return render(
        request,
        "analysis/gap_cell.html",
        {
            "chosen": chosen,
            "phase": phases[phase],
            "field": fields[field],
            "cell": cell,
            "children": report.kommune.row(phase).children,
            "offers": report.offers_in(cell),
            "by_area": by_area,
            "empty_areas": report.empty_areas(phase, field),
            "weak_areas": report.weak_areas(phase, field),
            "report": report,
            "back_query": _query_without(request, "phase", "field"),
        },
    )


def _matrix_of(matrices: list[CoverageMatrix], pk: str | None) -> CoverageMatrix | None:
    for matrix in matrices:
        if pk and str(matrix.area.pk) == pk:
            return matrix
    return None


def _matrix_rows(matrix: CoverageMatrix, kommune_matrix: CoverageMatrix) -> list[dict]:
    """The rows of the matrix, each cell with the Kommune's cell beside it."""
    return [
        {
            "row": row,
            "cells": [
                {"cell": cell, "kommune": kommune_row.cells[i]} for i, cell in enumerate(row.cells)
            ],
        }
        for row, kommune_row in zip(matrix.rows, kommune_matrix.rows, strict=True)
    ]


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
