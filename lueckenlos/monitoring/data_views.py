"""Indicator data in the workspace: definitions, upload with preview and commit, manual
entry, and the list of changes (batches) with their undo.

Coordinators (and administrators) write; the Kommune's other readers (steering group
members) see the definitions and the changes; provider editors get 403. Every change of
values is a batch that keeps what it replaced (lueckenlos.monitoring.services).
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lueckenlos.areas.models import Area
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError
from lueckenlos.interop.tabular import Table, TableError, read_table
from lueckenlos.monitoring.forms import DateForm, IndicatorForm, UploadForm, ValueRowForm
from lueckenlos.monitoring.imports import (
    IndicatorPlan,
    indicator_values_import,
    indicator_values_plan,
)
from lueckenlos.monitoring.models import (
    Indicator,
    IndicatorValue,
    PendingIndicatorImport,
    ValueBatch,
)
from lueckenlos.monitoring.services import (
    State,
    UndoRefused,
    indicator_create,
    indicator_update,
    indicator_values_save,
    seed_indicators,
    undo_refusal,
    value_batch_undo,
    values_diff,
)
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.views.records import user_label

# An upload left without commit is deleted by the next upload after this time.
PENDING_LIFETIME = dt.timedelta(days=1)
# Rows shown of a batch's changes and of a preview's problems; the counts are complete.
ROWS_SHOWN = 500
BATCHES_SHOWN = 100


def _indicator(access: WorkspaceAccess, code: str) -> Indicator:
    return get_object_or_404(Indicator, kommune=access.kommune, code=code)


# --- overview: definitions and changes -------------------------------------------------------


@workspace_view("reader")
@require_safe
def batches(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    indicators = (
        Indicator.objects.filter(kommune=access.kommune)
        .select_related("area_level")
        .annotate(value_count=Count("values"), latest=Max("values__reference_date"))
        .order_by("code")
    )
    shown = list(
        ValueBatch.objects.filter(kommune=access.kommune)
        .select_related("created_by", "undone_by")
        .order_by("-pk")[: BATCHES_SHOWN + 1]
    )
    rows = [(batch, user_label(batch.created_by)) for batch in shown[:BATCHES_SHOWN]]
    return render(
        request,
        "monitoring/data/batches.html",
        {
            "indicators": indicators,
            "batches": rows,
            "more_batches": len(shown) > BATCHES_SHOWN,
        },
    )


@workspace_view("reader")
@require_safe
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    batch = get_object_or_404(
        ValueBatch.objects.select_related("created_by", "undone_by"),
        kommune=access.kommune,
        pk=batch_id,
    )
    changes = batch.changes.select_related("indicator", "area").order_by(
        "indicator__code", "area__path", "reference_date"
    )
    rows = [
        (change, State.from_json(change.before), State.from_json(change.after))
        for change in changes[:ROWS_SHOWN]
    ]
    return render(
        request,
        "monitoring/data/batch.html",
        {
            "batch": batch,
            "by": user_label(batch.created_by),
            "undoes": ValueBatch.objects.filter(undone_by=batch).first(),
            "rows": rows,
            "change_count": batch.changes.count(),
        },
    )


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def batch_undo(request: HttpRequest, batch_id: int) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    batch = get_object_or_404(ValueBatch, kommune=access.kommune, pk=batch_id)
    if request.method == "POST":
        try:
            undo = value_batch_undo(batch=batch, acting_user=request.user)
        except UndoRefused as refused:
            messages.error(request, str(refused))
            return redirect("workspace:monitoring_batches", access.kommune.slug)
        messages.success(
            request,
            _("Change %(number)s is undone: %(count)s values are back as they were.")
            % {"number": batch.pk, "count": undo.created + undo.updated + undo.removed},
        )
        return redirect("workspace:monitoring_batch", access.kommune.slug, undo.pk)
    context = {"batch": batch, "by": user_label(batch.created_by), "refusal": undo_refusal(batch)}
    return render(request, "monitoring/data/batch_undo.html", context)


# --- upload, preview, commit --------------------------------------------------------------------


def _options(pending: PendingIndicatorImport) -> dict:
    return {
        "reference_date": pending.reference_date,
        "indicator_code": pending.indicator_code or None,
        "area_column": pending.area_column or None,
        "layout": pending.layout or None,
        "skip_unknown_areas": pending.skip_unknown_areas,
    }


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    form = UploadForm(request.POST or None, request.FILES or None, kommune=access.kommune)
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        pending = PendingIndicatorImport(
            kommune=access.kommune,
            filename=form.cleaned_data["file"].name[:255],
            data=form.cleaned_data["data"],
            sheet=form.table.sheet or "",
            layout=form.cleaned_data["layout"],
            reference_date=form.cleaned_data["reference_date"],
            indicator_code=indicator.code if indicator else "",
            area_column=form.cleaned_data["area_column"],
            skip_unknown_areas=form.cleaned_data["skip_unknown_areas"],
            created_by=request.user,
        )
        try:
            # Options that do not fit the file are told here, before anything is kept.
            indicator_values_plan(kommune=access.kommune, table=form.table, **_options(pending))
        except OptionError as exc:
            form.add_error(None, _without_command_words(str(exc)))
        else:
            PendingIndicatorImport.objects.filter(
                created_at__lt=timezone.now() - PENDING_LIFETIME
            ).delete()
            pending.save()
            return redirect("workspace:monitoring_import_preview", access.kommune.slug, pending.pk)
    return render(request, "monitoring/data/upload.html", {"form": form})


def _without_command_words(message: str) -> str:
    """The importer names the command's options; the page names its own fields."""
    for option, label in (
        ("--area-column", _("Column of the area codes")),
        ("--date", _("Reference date")),
        ("--indicator", _("Only this indicator")),
    ):
        message = message.replace(option, f"“{label}”")
    return message


def _pending_table(pending: PendingIndicatorImport) -> Table:
    return read_table(bytes(pending.data), filename=pending.filename, sheet=pending.sheet or None)


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pending_id: UUID) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    pending = get_object_or_404(
        PendingIndicatorImport, pk=pending_id, kommune=access.kommune, created_by=request.user
    )
    slug = access.kommune.slug
    try:
        table = _pending_table(pending)
        if request.method == "POST":
            try:
                report = indicator_values_import(
                    kommune=access.kommune,
                    table=table,
                    acting_user=request.user,
                    **_options(pending),
                )
            except ImportRejected:
                messages.error(
                    request, _("Nothing was imported: the file has errors, listed below.")
                )
            else:
                pending.delete()
                messages.success(
                    request,
                    _(
                        "Imported: %(created)s values created, %(updated)s updated, "
                        "%(unchanged)s unchanged."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
                return redirect("workspace:monitoring_batch", slug, report.batch.pk)
        plan = indicator_values_plan(kommune=access.kommune, table=table, **_options(pending))
    except (TableError, OptionError) as exc:
        messages.error(request, _without_command_words(str(exc)))
        return redirect("workspace:monitoring_import", slug)
    return render(request, "monitoring/data/preview.html", _preview_context(pending, plan, table))


def _preview_context(pending: PendingIndicatorImport, plan: IndicatorPlan, table: Table) -> dict:
    report = plan.report
    return {
        "pending": pending,
        "table": table,
        "report": report,
        "missing": sorted(report.missing.items()),
        "problems": plan.problems[:ROWS_SHOWN],
        "problem_count": len(plan.problems),
        "layout_label": {"long": _("long"), "wide": _("wide")}.get(report.layout, report.layout),
    }


# --- definitions --------------------------------------------------------------------------------


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def indicator_create_view(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    form = IndicatorForm(request.POST or None, instance=Indicator(kommune=access.kommune))
    if request.method == "POST" and form.is_valid():
        indicator = _save(form, lambda data: indicator_create(kommune=access.kommune, data=data))
        if indicator is not None:
            messages.success(request, _("“%(name)s” is created.") % {"name": indicator.name})
            return redirect("workspace:monitoring_batches", access.kommune.slug)
    return render(request, "monitoring/data/indicator_form.html", {"form": form, "indicator": None})


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def indicator_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    indicator = _indicator(access, code)
    form = IndicatorForm(request.POST or None, instance=_indicator(access, code))
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda data: indicator_update(indicator=indicator, data=data))
        if saved is not None:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("workspace:monitoring_batches", access.kommune.slug)
    return render(
        request, "monitoring/data/indicator_form.html", {"form": form, "indicator": indicator}
    )


def _save(form: IndicatorForm, write) -> Indicator | None:
    try:
        return write(form.data_for_save())
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@workspace_view("coordinator")
@require_POST
def seed(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    created = seed_indicators(access.kommune)
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)s standard indicator added: %(codes)s.",
                "%(count)s standard indicators added: %(codes)s.",
                len(created),
            )
            % {"count": len(created), "codes": ", ".join(i.code for i in created)},
        )
    else:
        messages.info(request, _("This Kommune has all standard indicators already."))
    return redirect("workspace:monitoring_batches", access.kommune.slug)


# --- manual entry -------------------------------------------------------------------------------


@workspace_view("coordinator")
@require_http_methods(["GET", "POST"])
def values_entry(request: HttpRequest, code: str) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    indicator = _indicator(access, code)
    dates = list(
        IndicatorValue.objects.filter(indicator=indicator)
        .order_by("-reference_date")
        .values_list("reference_date", flat=True)
        .distinct()
    )
    context = {"indicator": indicator, "rows": None, "day": None}
    if indicator.area_level_id is None:
        return render(request, "monitoring/data/values.html", context)
    source = request.POST if request.method == "POST" else request.GET
    date_form = DateForm(source if ("existing" in source or "new" in source) else None, dates=dates)
    context["date_form"] = date_form
    if not date_form.is_valid():
        return render(request, "monitoring/data/values.html", context)
    day = date_form.cleaned_data["day"]
    stored = {
        v.area_id: State.of(v)
        for v in IndicatorValue.objects.filter(indicator=indicator, reference_date=day)
    }
    # The areas of the level valid on the day, and those that have a value of that day
    # already (a statistics office may publish on areas before they were official).
    level_areas = Area.objects.for_kommune(access.kommune).filter(level_id=indicator.area_level_id)
    areas = list(
        (level_areas.valid_on(day) | level_areas.filter(pk__in=list(stored)))
        .only("pk", "name", "code", "kommune_id")
        .order_by("path")
    )
    data = request.POST if request.method == "POST" else None
    forms = [
        ValueRowForm(data, area=area, indicator=indicator, stored=stored.get(area.pk))
        for area in areas
    ]
    if request.method == "POST":
        valid = [form.is_valid() for form in forms]  # every row, for its errors
        wanted = {(indicator.pk, form.area.pk, day): form.state for form in forms}
        if all(valid) and not values_diff(wanted).changes:
            messages.info(request, _("No value was changed: nothing to save."))
            return redirect(f"{request.path}?new={day.isoformat()}")
        if all(valid):
            batch = indicator_values_save(
                indicator=indicator,
                reference_date=day,
                rows={form.area: form.state for form in forms},
                acting_user=request.user,
            )
            messages.success(
                request,
                _(
                    "Saved: %(created)s values created, %(updated)s changed, %(removed)s "
                    "removed, %(unchanged)s unchanged."
                )
                % {
                    "created": batch.created,
                    "updated": batch.updated,
                    "removed": batch.removed,
                    "unchanged": batch.unchanged,
                },
            )
            return redirect("workspace:monitoring_batch", access.kommune.slug, batch.pk)
        context["error_count"] = sum(1 for form in forms if form.errors)
    context.update(rows=forms, day=day)
    return render(request, "monitoring/data/values.html", context)
