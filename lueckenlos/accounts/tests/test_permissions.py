"""The role × action matrix of the named predicates: each role may do exactly this."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from lueckenlos.accounts import permissions as p
from lueckenlos.accounts.tests.personas import World

PERSONAS = [
    "anonymous",
    "stranger",
    "provider_a",
    "provider_b",
    "steering_marzahn",
    "coordinator_marzahn",
    "coordinator_pankow",
    "county_coordinator",
    "admin",
]


def user_of(world: World, persona: str):
    return world.users[persona] or AnonymousUser()


# action -> the personas allowed to do it; every other persona must be refused.
MATRIX = {
    "view drafts of Marzahn": {
        "steering_marzahn",
        "coordinator_marzahn",
        "county_coordinator",
        "admin",
    },
    "view drafts of Pankow": {"coordinator_pankow", "admin"},
    "edit Kita A's draft": {"provider_a", "coordinator_marzahn", "county_coordinator", "admin"},
    "edit Verein B's draft": {"provider_b", "coordinator_marzahn", "county_coordinator", "admin"},
    "edit Pankow's draft": {"coordinator_pankow", "admin"},
    "publish Kita A's draft": {"coordinator_marzahn", "county_coordinator", "admin"},
    "create an offer of Kita A": {
        "provider_a",
        "coordinator_marzahn",
        "county_coordinator",
        "admin",
    },
    "edit Kita A itself": {"coordinator_marzahn", "county_coordinator", "admin"},
    "edit Haus A": {"provider_a", "coordinator_marzahn", "county_coordinator", "admin"},
    "edit Haus B": {"provider_b", "coordinator_marzahn", "county_coordinator", "admin"},
    "write at all": {
        "provider_a",
        "provider_b",
        "coordinator_marzahn",
        "coordinator_pankow",
        "county_coordinator",
        "admin",
    },
}


def allowed(world: World, persona: str, action: str) -> bool:
    user = user_of(world, persona)
    return {
        "view drafts of Marzahn": lambda: p.can_view_drafts(user, world.marzahn),
        "view drafts of Pankow": lambda: p.can_view_drafts(user, world.pankow),
        "edit Kita A's draft": lambda: p.can_edit_service(user, world.draft_a),
        "edit Verein B's draft": lambda: p.can_edit_service(user, world.draft_b),
        "edit Pankow's draft": lambda: p.can_edit_service(user, world.draft_pankow),
        "publish Kita A's draft": lambda: p.can_change_status(user, world.draft_a),
        "create an offer of Kita A": lambda: p.can_create_service(user, world.kita_a),
        "edit Kita A itself": lambda: p.can_edit_organization(user, world.kita_a),
        "edit Haus A": lambda: p.can_edit_location(user, world.location_a),
        "edit Haus B": lambda: p.can_edit_location(user, world.location_b),
        "write at all": lambda: p.may_write_at_all(user),
    }[action]()


@pytest.mark.parametrize("action", list(MATRIX))
def test_each_action_is_allowed_to_exactly_its_roles(world, action):
    granted = {persona for persona in PERSONAS if allowed(world, persona, action)}
    assert granted == MATRIX[action]


def test_visible_offers_follow_the_roles(world):
    def names(persona):
        return set(p.services_visible_to(user_of(world, persona)).values_list("name", flat=True))

    public = {"Krabbelgruppe"}
    assert names("anonymous") == public
    assert names("stranger") == public
    # A provider editor sees its own drafts, never the other provider's.
    assert names("provider_a") == public | {"Elterncafé"}
    assert names("provider_b") == public | {"Hausaufgaben"}
    assert names("steering_marzahn") == public | {"Elterncafé", "Hausaufgaben"}
    assert world.draft_pankow.name not in names("coordinator_marzahn")
    assert names("county_coordinator") == names("coordinator_marzahn")
    assert world.draft_pankow.name in names("admin")


def test_providers_and_locations_without_active_offers_are_not_public(world):
    anonymous = AnonymousUser()
    assert set(p.organizations_visible_to(anonymous)) == {world.kita_a}
    assert set(p.locations_visible_to(anonymous)) == {world.location_a}
    assert world.verein_b in p.organizations_visible_to(world.users["provider_b"])
    assert world.location_b in p.locations_visible_to(world.users["steering_marzahn"])


def test_editable_kommunen_include_the_contained_ones(world):
    county = world.users["county_coordinator"]
    assert set(p.kommunen_editable_by(county)) == {world.berlin, world.marzahn}
    assert set(p.kommunen_editable_by(world.users["steering_marzahn"])) == set()
    assert set(p.kommunen_readable_by(world.users["steering_marzahn"])) == {world.marzahn}


def test_a_deactivated_coordinator_may_nothing(world):
    coordinator = world.users["coordinator_marzahn"]
    coordinator.is_active = False
    assert not p.can_view_drafts(coordinator, world.marzahn)
    assert not p.can_edit_service(coordinator, world.draft_a)
