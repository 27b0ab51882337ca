"""The demo's logins in Marzahn-Hellersdorf: a coordinator, a steering group member (reads
the workspace, changes nothing) and a provider editor.

Created once (running again changes nothing, not even a password someone changed) and
never in production. The demo waives the second factor, so both sign in with the password.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from lueckenlos.accounts.models import Membership
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.demo.loader import refuse_in_production

KOMMUNE_SLUG = "marzahn-hellersdorf"
COORDINATOR_EMAIL = "koordination@marzahn-hellersdorf.example"
STEERING_EMAIL = "steuerung@marzahn-hellersdorf.example"
PROVIDER_EMAIL = "traeger@marzahn-hellersdorf.example"
# Printed on the console at every start; a demo installation holds only public data.
DEMO_PASSWORD = "lueckenlos-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    detail: str


def _demo_provider(kommune: Kommune) -> Organization | None:
    """The provider with the most active offers (then by name): a stable, telling choice."""
    return (
        Organization.objects.filter(kommune=kommune)
        .annotate(active=Count("services", filter=Q(services__status=Service.Status.ACTIVE)))
        .filter(active__gt=0)
        .order_by("-active", "name")
        .first()
    )


def _account(email: str, first_name: str, last_name: str):
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def ensure_demo_logins() -> list[DemoLogin]:
    """Create the demo's three logins if missing; return them (empty without Marzahn-Hellersdorf,
    e.g. with --only-bezirke)."""
    refuse_in_production()
    kommune = Kommune.objects.filter(slug=KOMMUNE_SLUG).first()
    if kommune is None:
        return []
    coordinator = _account(COORDINATOR_EMAIL, "Kim", "Koordination")
    Membership.objects.get_or_create(
        user=coordinator, kommune=kommune, role=Membership.Role.COORDINATOR
    )
    logins = [
        DemoLogin(
            role=str(Membership.Role.COORDINATOR.label),
            email=COORDINATOR_EMAIL,
            password=DEMO_PASSWORD,
            detail=kommune.name,
        )
    ]
    steering = _account(STEERING_EMAIL, "Sam", "Steuerung")
    Membership.objects.get_or_create(
        user=steering, kommune=kommune, role=Membership.Role.STEERING_MEMBER
    )
    logins.append(
        DemoLogin(
            role=str(Membership.Role.STEERING_MEMBER.label),
            email=STEERING_EMAIL,
            password=DEMO_PASSWORD,
            detail=kommune.name,
        )
    )
    membership = Membership.objects.filter(
        user__username=PROVIDER_EMAIL, kommune=kommune, role=Membership.Role.PROVIDER_EDITOR
    ).first()
    if membership is None:
        provider = _demo_provider(kommune)
        if provider is None:
            return logins
        membership = Membership.objects.create(
            user=_account(PROVIDER_EMAIL, "Toni", "Träger"),
            kommune=kommune,
            role=Membership.Role.PROVIDER_EDITOR,
        )
        membership.organizations.add(provider)
    names = ", ".join(membership.organizations.order_by("name").values_list("name", flat=True))
    logins.append(
        DemoLogin(
            role=str(Membership.Role.PROVIDER_EDITOR.label),
            email=PROVIDER_EMAIL,
            password=DEMO_PASSWORD,
            detail=names,
        )
    )
    return logins
