"""Back-office pages of the offer import, under the admin site: upload → map → preview → commit.

The uploaded file waits in a PendingImport between the steps; the commit builds the preview
again inside its transaction, so it writes what the rows say against the offers as they are
then. The admin (`lueckenlos/interop/admin.py`) mounts these views staff-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lueckenlos.interop.models import ImportMapping, PendingImport
from lueckenlos.interop.offers.fields import FIELDS_BY_KEY, Mapping, MappingError, propose_mapping
from lueckenlos.interop.offers.forms import CommitForm, LoadMappingForm, MappingForm, UploadForm
from lueckenlos.interop.offers.preview import CREATE, REJECTED, UNCHANGED, UPDATE, build_preview
from lueckenlos.interop.offers.services import (
    ImportRefused,
    import_mapping_save,
    offers_import,
    pending_import_create,
    pending_import_delete,
    pending_import_set_mapping,
)
from lueckenlos.interop.tabular import Table, TableError, read_table

PERMISSION = "interop.add_importrun"
# Rows shown per table of the preview page; the counts above them are complete.
ROWS_SHOWN = 500


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _context(request: HttpRequest, admin_site: AdminSite, **extra) -> dict:
    return {**admin_site.each_context(request), **extra}


def _table(pending: PendingImport) -> Table:
    return read_table(bytes(pending.data), filename=pending.filename, sheet=pending.sheet or None)


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, *, admin_site: AdminSite) -> HttpResponse:
    _allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = pending_import_create(
            kommune=form.cleaned_data["kommune"],
            filename=form.cleaned_data["file"].name,
            data=form.cleaned_data["data"],
            sheet=form.table.sheet or "",
            mapping=Mapping(columns=propose_mapping(form.table.columns)),
            acting_user=request.user,
        )
        return redirect("admin:interop_import_map", pk=pending.pk)
    return render(
        request,
        "interop/import_upload.html",
        _context(request, admin_site, form=form, title=_("Import offers: upload")),
    )


@require_http_methods(["GET", "POST"])
def map_columns(request: HttpRequest, pk, *, admin_site: AdminSite) -> HttpResponse:
    _allowed(request)
    pending = get_object_or_404(PendingImport, pk=pk)
    table = _table(pending)
    initial = Mapping.from_json(pending.mapping)
    load_form = LoadMappingForm(request.GET or None, kommune=pending.kommune)
    if "saved" in request.GET and load_form.is_valid():
        saved: ImportMapping = load_form.cleaned_data["saved"]
        initial = Mapping.from_json(
            {"columns": saved.columns, "defaults": saved.defaults, "values": saved.values}
        )
    form = MappingForm(
        request.POST or None, table=table, kommune=pending.kommune, initial_mapping=initial
    )
    if request.method == "POST" and form.is_valid():
        pending_import_set_mapping(pending=pending, mapping=form.mapping)
        if form.cleaned_data["save_as"]:
            import_mapping_save(
                kommune=pending.kommune, name=form.cleaned_data["save_as"], mapping=form.mapping
            )
        return redirect("admin:interop_import_preview", pk=pending.pk)
    samples = [row.values for row in table.rows[:3]]
    columns = [(column, [sample[column] for sample in samples]) for column in table.columns]
    return render(
        request,
        "interop/import_map.html",
        _context(
            request,
            admin_site,
            pending=pending,
            table=table,
            form=form,
            load_form=load_form,
            columns=columns,
            title=_("Import offers: columns"),
        ),
    )


@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk, *, admin_site: AdminSite) -> HttpResponse:
    _allowed(request)
    pending = get_object_or_404(PendingImport, pk=pk)
    mapping = Mapping.from_json(pending.mapping)
    form = CommitForm(request.POST if request.method == "POST" else None)
    try:
        table = _table(pending)
        if request.method == "POST" and form.is_valid():
            result = offers_import(
                kommune=pending.kommune,
                table=table,
                mapping=mapping,
                acting_user=request.user,
                skip_rejected=form.cleaned_data["skip_rejected"],
            )
            pending_import_delete(pending=pending)
            messages.success(request, result.preview.summary())
            return redirect(reverse("admin:interop_importrun_change", args=[result.run.pk]))
        shown = build_preview(table=table, kommune=pending.kommune, mapping=mapping)
    except ImportRefused as refused:
        messages.error(request, str(refused))
        shown = refused.preview
    except (TableError, MappingError) as exc:
        messages.error(request, str(exc))
        return redirect("admin:interop_import_map", pk=pending.pk)
    sections = [
        (action, label, [row for row in shown.rows if row.action == action])
        for action, label in (
            (REJECTED, _("Rejected")),
            (CREATE, _("To create")),
            (UPDATE, _("To update")),
            (UNCHANGED, _("Unchanged")),
        )
    ]
    return render(
        request,
        "interop/import_preview.html",
        _context(
            request,
            admin_site,
            pending=pending,
            preview=shown,
            totals=shown.totals,
            sections=[(a, label, rows[:ROWS_SHOWN], len(rows)) for a, label, rows in sections],
            issues=[(issue, issue.text(shown.filename)) for issue in shown.issues()[:ROWS_SHOWN]],
            issue_count=len(shown.issues()),
            mapped=[(FIELDS_BY_KEY[k].label, c) for k, c in mapping.columns.items()],
            form=form,
            title=_("Import offers: preview"),
        ),
    )
