"""The roles, the request cases and the world of the permission test over every URL.

Shared by tests/test_permissions_every_url.py and the rule modules of each area
(tests/permission_rules_*.py), which say who may do what at their addresses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.services import invitation_create
from lueckenlos.accounts.tests.personas import World
from lueckenlos.catalogue.models import Schedule, Service, ServiceAtLocation
from lueckenlos.interop.hsds import serialize
from tests.factories import ServiceFactory

ROLES = (
    "anonymous",
    "provider_a",
    "provider_b",
    "coordinator_marzahn",
    "coordinator_pankow",
    "county_coordinator",
    "steering_marzahn",
    "admin",
)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
# Who reads Marzahn's non-public data as a whole; provider editors read their own providers'.
MARZAHN_READERS = frozenset(
    {"coordinator_marzahn", "county_coordinator", "steering_marzahn", "admin"}
)
PANKOW_READERS = frozenset({"coordinator_pankow", "admin"})
MARZAHN_COORDINATORS = frozenset({"coordinator_marzahn", "county_coordinator", "admin"})
READ_ONLY_ROLES = frozenset({"steering_marzahn"})

LOGIN = "/konto/anmelden/"
ADMIN_LOGIN = "/admin/login/"


@dataclass(frozen=True)
class Redirect:
    """A redirect (301/302) to an address starting with `to`."""

    to: str


Outcome = int | Redirect


@dataclass
class Case:
    """One request and the outcome each role must get."""

    what: str
    url: str
    expect: dict[str, Outcome]
    method: str = "get"
    data: dict[str, Any] | None = None


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome, *, anonymous: Outcome) -> dict[str, Outcome]:
    return {role: outcome if role in SIGNED_IN else anonymous for role in ROLES}


def only(roles: frozenset[str] | set[str], yes: Outcome, no: Outcome) -> dict[str, Outcome]:
    return {role: yes if role in roles else no for role in ROLES}


def workspace(passes, yes: Outcome, *, not_found=frozenset()) -> dict[str, Outcome]:
    """A workspace page: anonymous to the sign-in; roles that pass the page's need get `yes`,
    unless the record is outside their reach (`not_found`: 404); everyone else 403."""
    outcomes: dict[str, Outcome] = {}
    for role in ROLES:
        if role == "anonymous":
            outcomes[role] = Redirect(LOGIN)
        elif role in passes:
            outcomes[role] = 404 if role in not_found else yes
        else:
            outcomes[role] = 403
    return outcomes


def api_write(roles: frozenset[str] | set[str], yes: int, *, hidden_from=frozenset()):
    """A write: anonymous 401, roles allowed `yes`, roles that cannot even read the record
    404, the others 403. Roles without any writing role (steering members) are refused
    before the record is looked up: 403."""
    expect = {}
    for role in ROLES:
        if role == "anonymous":
            expect[role] = 401
        elif role in roles:
            expect[role] = yes
        elif role in hidden_from and role not in READ_ONLY_ROLES:
            expect[role] = 404
        else:
            expect[role] = 403
    return expect


@dataclass
class Objects:
    """The personas' world and what the URLs are filled with."""

    world: World
    active_pankow: Service
    sal_a: ServiceAtLocation
    taxonomy_code: str
    hsds_taxonomy_id: str
    hsds_term_id: str
    invitation_token: str
    reset_uid: str
    reset_token: str

    @property
    def m(self) -> str:
        return self.world.marzahn.slug

    @property
    def p(self) -> str:
        return self.world.pankow.slug


def build_objects(world: World) -> Objects:
    active_pankow = ServiceFactory(
        kommune=world.pankow, organization=world.pankow_org, name="Pankower Spielgruppe"
    )
    # A dated event, so that the calendar file of the active offer exists.
    Schedule.objects.create(
        service=world.active_a,
        kind=Schedule.Kind.EVENT,
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2),
    )
    vocabularies = serialize.Vocabularies()
    taxonomy = vocabularies.sorted_taxonomies()[0]
    mail.outbox = []
    invitation_create(
        kommune=world.marzahn,
        email="neu@example.org",
        role=Membership.Role.STEERING_MEMBER,
        invited_by=world.users["coordinator_marzahn"],
        base_url="http://testserver",
    )
    (token,) = re.findall(r"/konto/einladung/([^/\s]+)/", mail.outbox[-1].body)
    # Someone who never signs in here: a sign-in changes the hash that reset tokens rest on.
    someone = world.users["stranger"]
    return Objects(
        world=world,
        active_pankow=active_pankow,
        sal_a=ServiceAtLocation.objects.get(service=world.active_a),
        taxonomy_code="life_phase",
        hsds_taxonomy_id=taxonomy["id"],
        hsds_term_id=next(iter(vocabularies.by_hsds_id)),
        invitation_token=token,
        reset_uid=urlsafe_base64_encode(force_bytes(someone.pk)),
        reset_token=default_token_generator.make_token(someone),
    )


# --- the table: route -> the requests made to it ---------------------------------------

Rule = Callable[[Objects], list[Case]]


# Who reads which draft through the API (and Verein B's location, which has no active offer).
DRAFT_READERS = {
    "draft_a": MARZAHN_READERS | {"provider_a"},
    "draft_b": MARZAHN_READERS | {"provider_b"},
    "draft_pankow": PANKOW_READERS,
}
