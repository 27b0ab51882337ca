"""Update rounds (Aktualisierungsrunden): the coordinator asks every provider to review its
offers within a window and follows the response rate; steering members read along."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lueckenlos.freshness.models import UpdateRound
from lueckenlos.freshness.queries import RoundProgress, update_round_progress
from lueckenlos.freshness.services import MailReport, update_round_start
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.records_forms import UpdateRoundForm, add_service_errors


@dataclass
class RoundRow:
    update_round: UpdateRound
    progress: RoundProgress
    running: bool


def _report_messages(request: HttpRequest, report: MailReport) -> None:
    """Say what the start sent, and whom it could not ask."""
    messages.success(
        request,
        ngettext(
            "The round has started: %(emails)d e-mail went out, asking about %(offers)d offers.",
            "The round has started: %(emails)d e-mails went out, asking about %(offers)d offers.",
            report.emails,
        )
        % {"emails": report.emails, "offers": report.offers},
    )
    if report.without_address:
        names = sorted({offer.organization.name for offer in report.without_address})
        messages.warning(
            request,
            ngettext(
                "%(count)d offer could not be asked: no e-mail address for its provider "
                "or itself (%(providers)s).",
                "%(count)d offers could not be asked: no e-mail address for their provider "
                "or themselves (%(providers)s).",
                len(report.without_address),
            )
            % {"count": len(report.without_address), "providers": ", ".join(names)},
        )
    if report.failed:
        messages.error(
            request,
            _("Sending failed to: %(addresses)s. Try them again with a reminder later.")
            % {"addresses": ", ".join(report.failed)},
        )


@workspace_view("reader")
@require_http_methods(["GET", "HEAD", "POST"])
def update_rounds(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    form = None
    if access.can_coordinate:
        form = UpdateRoundForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        raise PermissionDenied  # steering members read the rounds, they start none
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            update_round, report = update_round_start(
                kommune=access.kommune,
                title=form.cleaned_data["title"],
                message=form.cleaned_data["message"],
                ends=form.cleaned_data["ends"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _report_messages(request, report)
            return redirect("workspace:update_round", access.kommune.slug, update_round.pk)
    today = timezone.localdate()
    rows = [
        RoundRow(update_round, update_round_progress(update_round), update_round.ends >= today)
        for update_round in UpdateRound.objects.filter(kommune=access.kommune).select_related(
            "created_by"
        )
    ]
    return render(request, "workspace/update_rounds.html", {"rows": rows, "form": form})


@workspace_view("reader")
@require_safe
def update_round(request: HttpRequest, round_id: int) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    update_round = get_object_or_404(
        UpdateRound.objects.filter(kommune=access.kommune).select_related("created_by"),
        pk=round_id,
    )
    return render(
        request,
        "workspace/update_round.html",
        {
            "update_round": update_round,
            "progress": update_round_progress(update_round),
            "running": update_round.ends >= timezone.localdate(),
        },
    )
