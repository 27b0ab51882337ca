"""The people of the permission tests, one per role, and what they work on.

Berlin (a city) contains Marzahn-Hellersdorf; Pankow stands beside it. In Marzahn, Kita A
and Verein B are two providers, each with an active offer and a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from lueckenlos.accounts.models import Membership
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory


@dataclass
class World:
    berlin: Kommune
    marzahn: Kommune
    pankow: Kommune
    kita_a: Organization
    verein_b: Organization
    pankow_org: Organization
    active_a: Service
    draft_a: Service
    draft_b: Service
    draft_pankow: Service
    location_a: Location
    location_b: Location
    users: dict[str, AbstractUser | None]  # persona name -> user (None: anonymous)


def member(username: str, kommune: Kommune, role: str, *organizations: Organization):
    user = get_user_model().objects.create_user(username, f"{username}@example.org")
    membership = Membership.objects.create(user=user, kommune=kommune, role=role)
    membership.organizations.set(organizations)
    return user


def build_world(marzahn: Kommune, pankow: Kommune) -> World:
    berlin = Kommune.objects.create(name="Berlin", slug="berlin", kind=Kommune.Kind.CITY)
    marzahn.parent = berlin
    marzahn.save(update_fields=["parent"])
    kita_a = OrganizationFactory(kommune=marzahn, name="Kita A")
    verein_b = OrganizationFactory(kommune=marzahn, name="Verein B")
    pankow_org = OrganizationFactory(kommune=pankow, name="Pankower Träger")
    draft = Service.Status.DRAFT
    location_a = LocationFactory(kommune=marzahn, organization=kita_a, name="Haus A")
    location_b = LocationFactory(kommune=marzahn, organization=verein_b, name="Haus B")
    world = World(
        berlin=berlin,
        marzahn=marzahn,
        pankow=pankow,
        kita_a=kita_a,
        verein_b=verein_b,
        pankow_org=pankow_org,
        active_a=ServiceFactory(kommune=marzahn, organization=kita_a, name="Krabbelgruppe"),
        draft_a=ServiceFactory(
            kommune=marzahn, organization=kita_a, name="Elterncafé", status=draft
        ),
        draft_b=ServiceFactory(
            kommune=marzahn, organization=verein_b, name="Hausaufgaben", status=draft
        ),
        draft_pankow=ServiceFactory(kommune=pankow, organization=pankow_org, status=draft),
        location_a=location_a,
        location_b=location_b,
        users={},
    )
    world.active_a.locations.add(location_a)
    role = Membership.Role
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", None)
    world.users = {
        "anonymous": None,
        "stranger": get_user_model().objects.create_user("stranger", "s@example.org"),
        "provider_a": member("provider_a", marzahn, role.PROVIDER_EDITOR, kita_a),
        "provider_b": member("provider_b", marzahn, role.PROVIDER_EDITOR, verein_b),
        "steering_marzahn": member("steering_marzahn", marzahn, role.STEERING_MEMBER),
        "coordinator_marzahn": member("coordinator_marzahn", marzahn, role.COORDINATOR),
        "coordinator_pankow": member("coordinator_pankow", pankow, role.COORDINATOR),
        "county_coordinator": member("county_coordinator", berlin, role.COORDINATOR),
        "admin": admin,
    }
    return world
