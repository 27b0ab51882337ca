"""Who may enter a Kommune's workspace, and with what reach.

Every workspace view is wrapped by `workspace_view`: the Kommune comes from the address, the
user must be signed in (with the second factor where required) and hold a role there:

- "member": coordinators (a county's too), steering group members, provider editors of a
  provider of this Kommune, platform administrators;
- "reader": those who read the Kommune's non-public data as a whole (coordinators, steering
  group members, administrators);
- "coordinator": those who change it (coordinators and administrators).

The view finds `request.workspace` (a WorkspaceAccess) and looks records up through its
methods, so that a record of another Kommune, or another provider's, answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from lueckenlos.accounts import permissions
from lueckenlos.accounts.second_factor import login_and_second_factor_required
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service

Need = Literal["member", "reader", "coordinator"]


@dataclass
class WorkspaceAccess:
    """The signed-in user's reach in one Kommune's workspace."""

    kommune: Kommune
    user: Any

    @cached_property
    def can_coordinate(self) -> bool:
        return permissions.can_coordinate(self.user, self.kommune)

    @cached_property
    def can_read_all(self) -> bool:
        """Reads every record of the Kommune (coordinators, steering members, admins)."""
        return permissions.can_view_drafts(self.user, self.kommune)

    @cached_property
    def organizations(self) -> QuerySet[Organization]:
        """The providers of this Kommune the user edits as a provider editor."""
        return permissions.organizations_edited_by(self.user).filter(kommune=self.kommune)

    @cached_property
    def is_provider(self) -> bool:
        """A provider editor here, and nothing more (proposes changes, the coordinator decides)."""
        return not self.can_read_all and self.organizations.exists()

    @property
    def is_read_only(self) -> bool:
        """A steering group member: reads everything, changes nothing."""
        return self.can_read_all and not self.can_coordinate

    def allows(self, need: Need) -> bool:
        if need == "coordinator":
            return self.can_coordinate
        if need == "reader":
            return self.can_read_all
        return self.can_read_all or self.is_provider

    # Records within reach: the Kommune's (all of them for readers, a provider's own for
    # provider editors). Trash excluded; the trash pages use all_objects themselves.

    def offers(self) -> QuerySet[Service]:
        offers = Service.objects.filter(kommune=self.kommune)
        if self.can_read_all:
            return offers
        return offers.filter(organization__in=self.organizations)

    def organizations_in_reach(self) -> QuerySet[Organization]:
        organizations = Organization.objects.filter(kommune=self.kommune)
        if self.can_read_all:
            return organizations
        return organizations.filter(pk__in=self.organizations.values("pk"))

    def locations(self) -> QuerySet[Location]:
        locations = Location.objects.filter(kommune=self.kommune)
        if self.can_read_all:
            return locations
        return locations.filter(organization__in=self.organizations)

    def offer(self, offer_id: Any) -> Service:
        return get_object_or_404(self.offers(), pk=offer_id)

    def organization(self, organization_id: Any) -> Organization:
        return get_object_or_404(self.organizations_in_reach(), pk=organization_id)

    def location(self, location_id: Any) -> Location:
        return get_object_or_404(self.locations(), pk=location_id)


def workspace_view(need: Need = "member") -> Callable:
    """Decorate a view taking `kommune_slug`: sign-in, the role `need`s, request.workspace.

    Unknown Kommune: 404. Signed in without the role: 403 (the workspace is no secret, its
    contents are).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_and_second_factor_required
        @wraps(view)
        def wrapped(
            request: HttpRequest, kommune_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            kommune = get_object_or_404(Kommune, slug=kommune_slug)
            access = WorkspaceAccess(kommune=kommune, user=request.user)
            if not access.allows(need):
                raise PermissionDenied
            request.workspace = access
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
