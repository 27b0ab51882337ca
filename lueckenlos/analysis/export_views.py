"""Downloads of the gap analysis from the workspace: CSV, XLSX and the PDF report.

The links carry the gap page's own query (level, distance, weights), so a download holds
what the page shows; CSV holds one table, chosen by ?tabelle= (default: the area table).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from lueckenlos.analysis import exports
from lueckenlos.analysis.basis import analysis_basis
from lueckenlos.analysis.forms import GapForm
from lueckenlos.areas.models import AreaLevel
from lueckenlos.workspace.access import workspace_view

# ?tabelle= in German, as the URL paths are.
CSV_TABLES = {
    "matrix": exports.MATRIX,
    "gebiete": exports.AREAS,
    "erreichbarkeit": exports.REACH,
    "uebergaenge": exports.TRANSITIONS,
}


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    kommune = request.workspace.kommune
    table = CSV_TABLES.get(request.GET.get("tabelle", "gebiete"))
    if table is None:
        raise Http404
    levels = list(AreaLevel.objects.for_kommune(kommune))
    form = GapForm(request.GET or None, levels=levels, basis=analysis_basis(kommune))
    chosen = form.choices()
    analysis = exports.gap_analysis(
        kommune, level=chosen.level, distance_m=chosen.distance_m, weights=chosen.weights
    )
    response = HttpResponse(
        exports.export_bytes(analysis, fmt, table=table),
        content_type=exports.CONTENT_TYPES[fmt],
    )
    name = exports.export_file_name(analysis, fmt, table=table)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@workspace_view("reader")
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, exports.CSV)


@workspace_view("reader")
@require_safe
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, exports.XLSX)


@workspace_view("reader")
@require_safe
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, exports.PDF)
