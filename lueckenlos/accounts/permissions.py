"""Who may read and change what: named predicates over memberships, used by API and admin.

Roles (Membership.Role) and what they allow:
- platform administrator (superuser): everything everywhere;
- coordinator of a Kommune: reads and changes everything of that Kommune and of the
  Kommunen it contains (a county's coordinator acts in its towns);
- provider editor: reads the drafts of, and changes, the offers and locations of the
  providers named in the membership; cannot publish or withdraw an offer (its status);
- steering group member: reads a Kommune's non-public data, changes nothing;
- everyone, signed in or not: reads public data, which are the active offers and the
  providers and locations they are delivered by and at.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from lueckenlos.accounts.models import Membership
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service

User = AbstractBaseUser | AnonymousUser

# The roles that act on the whole of a Kommune (and the Kommunen it contains).
READING_ROLES = (Membership.Role.COORDINATOR, Membership.Role.STEERING_MEMBER)


def is_platform_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _with_contained(kommune_ids: set[int]) -> set[int]:
    """The given Kommunen and every Kommune they contain, at any depth."""
    found = set(kommune_ids)
    frontier = set(kommune_ids)
    while frontier:
        frontier = (
            set(Kommune.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def _kommune_ids(user: User, roles: tuple[str, ...]) -> set[int]:
    if not _signed_in(user):
        return set()
    direct = set(
        Membership.objects.filter(user=user, role__in=roles).values_list("kommune_id", flat=True)
    )
    return _with_contained(direct)


def kommunen_editable_by(user: User) -> QuerySet[Kommune]:
    """The Kommunen whose providers, offers and locations the user may change as a whole."""
    if is_platform_admin(user):
        return Kommune.objects.all()
    return Kommune.objects.filter(pk__in=_kommune_ids(user, (Membership.Role.COORDINATOR,)))


def kommunen_readable_by(user: User) -> QuerySet[Kommune]:
    """The Kommunen whose non-public data (drafts, inactive offers) the user may read."""
    if is_platform_admin(user):
        return Kommune.objects.all()
    return Kommune.objects.filter(pk__in=_kommune_ids(user, READING_ROLES))


def organizations_edited_by(user: User) -> QuerySet[Organization]:
    """The providers named in the user's provider-editor memberships."""
    if not _signed_in(user):
        return Organization.objects.none()
    return Organization.objects.filter(
        editor_memberships__user=user,
        editor_memberships__role=Membership.Role.PROVIDER_EDITOR,
    ).distinct()


def can_view_drafts(user: User, kommune: Kommune) -> bool:
    """May the user read the Kommune's drafts and inactive offers (all of them)?"""
    return is_platform_admin(user) or kommune.pk in _kommune_ids(user, READING_ROLES)


def can_coordinate(user: User, kommune: Kommune) -> bool:
    """May the user change anything of the Kommune (coordinator or administrator)?"""
    return is_platform_admin(user) or kommune.pk in _kommune_ids(
        user, (Membership.Role.COORDINATOR,)
    )


def can_edit_for_organization(user: User, organization: Organization | None) -> bool:
    """May the user change offers and locations of this provider?"""
    if organization is None:
        return False
    if can_coordinate(user, organization.kommune):
        return True
    return organizations_edited_by(user).filter(pk=organization.pk).exists()


def can_edit_organization(user: User, organization: Organization) -> bool:
    """Providers themselves are the coordinator's to change (provider editors propose, in
    the workspace of issue 5)."""
    return can_coordinate(user, organization.kommune)


def can_create_service(user: User, organization: Organization) -> bool:
    return can_edit_for_organization(user, organization)


def can_edit_service(user: User, service: Service) -> bool:
    return can_edit_for_organization(user, service.organization)


def can_change_status(user: User, service: Service) -> bool:
    """Publishing and withdrawing an offer is the coordinator's decision."""
    return can_coordinate(user, service.kommune)


def can_edit_location(user: User, location: Location) -> bool:
    """Coordinators change any location of their Kommunen; provider editors their providers'."""
    if can_coordinate(user, location.kommune):
        return True
    return can_edit_for_organization(user, location.organization)


def may_write_at_all(user: User) -> bool:
    """Has the user any role that changes data? (Steering members and others read only.)"""
    if is_platform_admin(user):
        return True
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user,
        role__in=(Membership.Role.COORDINATOR, Membership.Role.PROVIDER_EDITOR),
    ).exists()


def services_visible_to(user: User, services: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """The offers the user may read: the active ones, and the others the roles allow."""
    services = Service.objects.all() if services is None else services
    if is_platform_admin(user):
        return services
    allowed = Q(status=Service.Status.ACTIVE)
    if _signed_in(user):
        allowed |= Q(kommune_id__in=_kommune_ids(user, READING_ROLES))
        allowed |= Q(organization__in=organizations_edited_by(user))
    return services.filter(allowed)


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    """Providers with at least one active offer, and those the user's roles let them see."""
    if is_platform_admin(user):
        return Organization.objects.all()
    allowed = Q(
        Exists(Service.objects.filter(organization=OuterRef("pk"), status=Service.Status.ACTIVE))
    )
    if _signed_in(user):
        allowed |= Q(kommune_id__in=_kommune_ids(user, READING_ROLES))
        allowed |= Q(pk__in=organizations_edited_by(user).values("pk"))
    return Organization.objects.filter(allowed)


def locations_visible_to(user: User) -> QuerySet[Location]:
    """Locations of at least one active offer, and those the user's roles let them see."""
    if is_platform_admin(user):
        return Location.objects.all()
    allowed = Q(
        Exists(Service.objects.filter(locations=OuterRef("pk"), status=Service.Status.ACTIVE))
    )
    if _signed_in(user):
        allowed |= Q(kommune_id__in=_kommune_ids(user, READING_ROLES))
        allowed |= Q(organization__in=organizations_edited_by(user))
    return Location.objects.filter(allowed)
