"""A proposal keeps the data of a catalogue write as JSON and gives back equal values."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from lueckenlos.catalogue.models import Location
from lueckenlos.catalogue.services import location_delete
from lueckenlos.review.payload import PayloadError, from_json, to_json
from lueckenlos.review.tests.conftest import term
from tests.factories import LocationFactory

pytestmark = pytest.mark.usefixtures("english")


def full_data(world) -> dict:
    starts = dt.datetime(2025, 3, 1, 10, 30, tzinfo=dt.UTC)
    return {
        "name": "Krabbelgruppe am Morgen",
        "description": "Für Eltern mit Kindern bis 3.",
        "min_age_months": 6,
        "max_age_months": "36",  # forms may hand over text
        "capacity": None,
        "last_confirmed": dt.date(2025, 1, 31),
        "organization": world.kita_a,
        "terms": [term("life_phase:infant"), term("field_of_action:education")],
        "locations": [world.location_a],
        "languages": [{"code": "de"}, {"code": "tr", "note": "mittwochs"}],
        "cost_options": [
            {"kind": "fee", "amount": Decimal("12.50"), "valid_from": dt.date(2025, 1, 1)}
        ],
        "schedules": [
            {
                "kind": "regular",
                "weekday": "WE",
                "opens_at": dt.time(9, 0),
                "closes_at": dt.time(11, 15),
                "location": world.location_a,
            },
            {"kind": "event", "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2)},
        ],
    }


def test_a_round_trip_gives_equal_values_of_the_same_types(world):
    data = full_data(world)

    stored = json.loads(json.dumps(to_json(data)))  # as the database keeps it
    back = from_json(stored, kommune=world.marzahn)

    assert back["max_age_months"] == 36  # text became the field's type
    assert {key: value for key, value in back.items() if key != "max_age_months"} == {
        key: value for key, value in data.items() if key != "max_age_months"
    }
    assert isinstance(back["cost_options"][0]["amount"], Decimal)
    assert isinstance(back["schedules"][0]["opens_at"], dt.time)
    assert back["schedules"][1]["starts_at"].tzinfo is not None
    assert isinstance(back["schedules"][0]["location"], Location)


def test_records_are_stored_with_a_readable_label(world):
    stored = to_json({"locations": [world.location_a]})

    assert stored["locations"] == [{"id": str(world.location_a.pk), "label": str(world.location_a)}]


def test_a_location_of_another_kommune_does_not_come_back(world, pankow):
    foreign = LocationFactory(kommune=pankow.kommune, name="Pankower Haus")
    stored = to_json({"locations": [foreign]})

    with pytest.raises(PayloadError, match="Pankower Haus"):
        from_json(stored, kommune=world.marzahn)


def test_a_location_moved_to_the_trash_fails_clearly(world):
    stored = to_json({"locations": [world.location_b]})
    location_delete(location=world.location_b, acting_user=world.users["admin"])

    with pytest.raises(PayloadError, match="Haus B"):
        from_json(stored, kommune=world.marzahn)


def test_a_vanished_term_fails_clearly(world):
    stored = to_json({"terms": [term("life_phase:infant")]})
    stored["terms"][0]["id"] = "00000000-0000-0000-0000-000000000000"

    with pytest.raises(PayloadError, match="no longer exist"):
        from_json(stored, kommune=world.marzahn)


def test_what_json_cannot_hold_is_refused_at_once():
    with pytest.raises(TypeError):
        to_json({"name": object()})
