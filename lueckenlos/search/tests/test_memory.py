"""The index in memory gives exactly what the SQL engine gives: the same offers in the same
order with the same scores and distances, the same total, counts and relaxations."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest
from django.http import QueryDict

from lueckenlos.catalogue.models import CostOption, Location, Schedule, ServiceLanguage
from lueckenlos.search import engine, memory
from lueckenlos.search.indexing import reindex_kommune
from lueckenlos.search.queries import parsed_search
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WORDS = ["Hebamme", "Schwimmkurs", "Erziehungsberatung", "Beratung", "Elterncafé", "Kita",
         "Familienzentrum", "Krabbelgruppe", "Sprachförderung", "Musik", "Familie"]  # fmt: skip
TERMS = ["life_phase:infant", "life_phase:preschool", "life_phase:primary",
         "field_of_action:education", "target_group:single_parents"]  # fmt: skip
LANGUAGES = ["tr", "ar", "uk"]
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)

QUERIES = [
    "",
    "q=Familie",
    "q=Beratung&lat=52.511&lon=13.551",
    "q=Beratung&lat=52.511&lon=13.551&umkreis=1",
    "q=Schwimm&sortierung=relevanz",
    "q=Schwimm&sortierung=name&lat=52.511&lon=13.551",
    "q=Hebamme+Kita",
    "q=Hebame&alter=2",
    "alter=3&lat=52.515&lon=13.56&umkreis=0.5",
    "phase=infant&phase=preschool&sprache=tr",
    "phase=infant&sprache=tr&sprache=ar&kosten=kostenlos&q=Familie",
    "zielgruppe=single_parents&feld=education&lat=52.52&lon=13.57",
    "tag=MO&jetzt=1",
    "q=Musik&jetzt=1&lat=52.511&lon=13.551&umkreis=2",
    "q=Musik&sprache=ar&alter=20",
    "q=Xylophon&sprache=tr",
    "q=Kita&barrierefrei=ja&seite=2",
    "lat=52.511&lon=13.551&seite=3",
    "q=Hebamme&alter=1&phase=primary&umkreis=0.5&lat=52.53&lon=13.60",
]


@pytest.fixture
def varied_offers(marzahn):
    """Sixty offers drawn at random, reproducibly: words, filters, ages, hours, places
    (some sharing one, so distances tie)."""
    rng = random.Random(7)
    shared = None
    for number in range(60):
        name = " ".join(rng.sample(WORDS, rng.randint(1, 2)))
        ages = rng.choice([(None, None), (0, 36), (24, 72), (72, None)])
        offer = ServiceFactory(
            kommune=marzahn.kommune,
            name=f"{name} {number % 7}",
            terms=rng.sample(TERMS, rng.randint(0, 2)),
            min_age_months=ages[0],
            max_age_months=ages[1],
        )
        for code in rng.sample(LANGUAGES, rng.randint(0, 2)):
            ServiceLanguage.objects.create(service=offer, code=code)
        if rng.random() < 0.3:
            CostOption.objects.create(service=offer, kind=CostOption.Kind.FREE)
        if rng.random() < 0.4:
            Schedule.objects.create(
                service=offer,
                kind=Schedule.Kind.REGULAR,
                weekday=rng.choice(["MO", "TU"]),
                opens_at=dt.time(rng.choice([8, 9, 11])),
                closes_at=dt.time(12),
            )
        for place in range(rng.randint(0, 2)):
            if shared and place == 0 and rng.random() < 0.3:
                location = shared
            else:
                area = rng.choice([marzahn.north, marzahn.south])
                location = LocationFactory(
                    kommune=marzahn.kommune,
                    area=area,
                    address_1="Musterstraße 1",
                    latitude=52.50 + rng.random() * 0.04,
                    longitude=13.55 + rng.random() * 0.06,
                    wheelchair=rng.choice(list(Location.Wheelchair)),
                )
                shared = shared or location
            ServiceAtLocationFactory(service=offer, location=location)
    reindex_kommune(marzahn.kommune)
    return marzahn


def outcome(persona, query: str, monkeypatch, minimum: int) -> tuple:
    monkeypatch.setattr(memory, "MIN_DOCUMENTS", minimum)
    params, kommune_ids, _suggestions = parsed_search(persona.kommune, QueryDict(query))
    found = engine.search(params, kommune_ids, page_size=7, now=MONDAY_10)
    hits = [(h.service_id, h.score, h.distance_m, h.matched_words) for h in found.hits]
    return hits, found.total, found.facet_counts, found.relaxations


def test_the_index_in_memory_answers_as_sql_does(varied_offers, monkeypatch):
    by_sql = {query: outcome(varied_offers, query, monkeypatch, 10**9) for query in QUERIES}
    in_memory = {query: outcome(varied_offers, query, monkeypatch, 0) for query in QUERIES}
    assert in_memory == by_sql
    # Two empty answers prove nothing: most of the searches find several offers, and the
    # one that finds none suggests what to leave out.
    totals = [total for _hits, total, _counts, _relaxations in by_sql.values()]
    assert sum(total >= 3 for total in totals) >= len(QUERIES) // 2, totals
    assert all(found[1] or found[3] for found in by_sql.values())


def points(persona, query: str, monkeypatch, minimum: int, limit: int) -> tuple:
    monkeypatch.setattr(memory, "MIN_DOCUMENTS", minimum)
    params, kommune_ids, _suggestions = parsed_search(persona.kommune, QueryDict(query))
    rows = engine.result_points(params, kommune_ids, limit=limit, now=MONDAY_10)
    offers = [
        row[0] for number, row in enumerate(rows) if not number or rows[number - 1][0] != row[0]
    ]
    # Ordered by name, SQL leaves the order of one offer's points open: compare them as a set.
    return offers, sorted(rows)


def test_the_map_from_memory_shows_what_sql_shows(varied_offers, monkeypatch):
    for query in QUERIES:
        by_sql = points(varied_offers, query, monkeypatch, 10**9, 1000)
        assert points(varied_offers, query, monkeypatch, 0, 1000) == by_sql, query
    # The nearest few, cut off where SQL cuts off.
    for query in [query for query in QUERIES if "lat=" in query and "sortierung" not in query]:
        by_sql = points(varied_offers, query, monkeypatch, 10**9, 5)
        assert points(varied_offers, query, monkeypatch, 0, 5) == by_sql, query


def test_a_change_of_the_index_is_seen_at_once(varied_offers, monkeypatch):
    before = outcome(varied_offers, "q=Familie", monkeypatch, minimum=0)
    ServiceFactory(kommune=varied_offers.kommune, name="Familie extra")
    reindex_kommune(varied_offers.kommune)
    after = outcome(varied_offers, "q=Familie", monkeypatch, minimum=0)
    assert after[1] == before[1] + 1
    assert after == outcome(varied_offers, "q=Familie", monkeypatch, minimum=10**9)
