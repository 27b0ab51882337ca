"""Invitations and members of a Kommune's workspace (coordinators).

A coordinator invites a person by e-mail to a role here (lueckenlos.accounts.services.
invitation_create sends the one-time link), follows the open and accepted invitations,
and sees who holds which role: the Kommune's own members, and those of the Kommunen that
contain it (a county's coordinators act here too).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lueckenlos.accounts.models import Invitation, Membership
from lueckenlos.accounts.permissions import READING_ROLES
from lueckenlos.accounts.services import invitation_create
from lueckenlos.areas.models import Kommune
from lueckenlos.workspace.access import WorkspaceAccess, workspace_view
from lueckenlos.workspace.navigation import render
from lueckenlos.workspace.records_forms import InvitationForm, add_service_errors


def _containing(kommune: Kommune) -> list[Kommune]:
    """The Kommunen that contain this one, nearest first."""
    found = []
    parent = kommune.parent
    while parent is not None and parent not in found:
        found.append(parent)
        parent = parent.parent
    return found


@workspace_view("coordinator")
@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    access: WorkspaceAccess = request.workspace
    kommune = access.kommune
    form = InvitationForm(request.POST if request.method == "POST" else None, kommune=kommune)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                kommune=kommune,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organizations=form.cleaned_data["organizations"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s as %(role)s is sent.")
                % {"email": invitation.email, "role": invitation.get_role_display()},
            )
            return redirect("workspace:invitations", kommune.slug)
    invited = (
        Invitation.objects.filter(kommune=kommune)
        .select_related("invited_by", "accepted_by")
        .prefetch_related("organizations")
    )
    containing = _containing(kommune)
    return render(
        request,
        "workspace/invitations.html",
        {
            "form": form,
            "open_invitations": [i for i in invited if i.accepted_at is None],
            "accepted_invitations": [i for i in invited if i.accepted_at is not None],
            "now": timezone.now(),
            "members": Membership.objects.filter(kommune=kommune)
            .select_related("user")
            .prefetch_related("organizations")
            .order_by("role", "user__last_name", "user__email"),
            "inherited": Membership.objects.filter(kommune__in=containing, role__in=READING_ROLES)
            .select_related("user", "kommune")
            .order_by("kommune__name", "role", "user__email"),
        },
    )
