"""The index a big load builds is the index offer-by-offer indexing builds."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from django.db import connection

from lueckenlos.catalogue.models import (
    CostOption,
    Schedule,
    ServiceLanguage,
    ServiceTranslation,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.lib.bulk import fewer_gc_passes
from lueckenlos.search import indexing
from lueckenlos.search.indexing import OfferFacts, build_entries, index_offers, offers_to_index
from lueckenlos.search.models import OfferDocument, OfferFacet, OfferPoint, OfferWord
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory


def _offers(persona, count: int) -> list:
    """Offers with every part the index reads: terms, two places, languages, costs,
    opening days, a translation."""
    terms = [
        f"{term.taxonomy.code}:{term.code}"
        for term in TaxonomyTerm.objects.select_related("taxonomy").order_by("pk")[:6]
    ]
    offers = []
    for n in range(count):
        offer = ServiceFactory(
            kommune=persona.kommune,
            name=f"Krabbelgruppe Sonnenschein {n}",
            description="Für Familien mit Babys, Hebammensprechstunde am Mittwoch",
            terms=terms[n % 3 : n % 3 + 3],
            min_age_months=n if n % 2 else None,
            max_age_months=36 if n % 2 else None,
        )
        for area in (persona.north, persona.south)[: 1 + n % 2]:
            ring = area.boundary["coordinates"][0]
            location = LocationFactory(
                kommune=persona.kommune,
                name=f"Familienzentrum {area.name}",
                area=area,
                latitude=ring[0][1] + 0.005,
                longitude=ring[0][0] + 0.005,
                wheelchair="yes" if n % 3 == 0 else "unknown",
            )
            ServiceAtLocationFactory(service=offer, location=location)
        ServiceLanguage.objects.create(service=offer, code="tr")
        CostOption.objects.create(service=offer, kind="free")
        Schedule.objects.create(
            service=offer,
            kind=Schedule.Kind.REGULAR,
            weekday=("MO", "TU", "WE")[n % 3],
            opens_at=dt.time(9),
            closes_at=dt.time(12),
        )
        ServiceTranslation.objects.create(
            service=offer, language="tr", name="Oyun grubu", description="Aileler için"
        )
        offers.append(offer)
    return offers


def _index_rows() -> dict:
    rows = {}
    for model, columns in (
        (OfferDocument, ("service_id", "kommune_id", "sort_name", "min_age_months")),
        (OfferWord, ("document_id", "word", "weight")),
        (OfferFacet, ("document_id", "key")),
        (OfferPoint, ("document_id", "location_id", "latitude", "longitude")),
    ):
        rows[model.__name__] = set(model.objects.values_list(*columns))
    return rows


def test_a_big_load_writes_the_rows_that_offer_by_offer_indexing_writes(marzahn, monkeypatch):
    offers = _offers(marzahn, 6)
    ids = [offer.pk for offer in offers]
    one_by_one = _index_rows()  # each save indexed its offer
    assert len(one_by_one["OfferDocument"]) == 6
    assert "oyun" in {word for _id, word, _weight in one_by_one["OfferWord"]}  # translated
    assert any(key.startswith("area:") for _id, key in one_by_one["OfferFacet"])

    monkeypatch.setattr(indexing, "BIG_LOAD", 1)  # on SQLite: indexes dropped and rebuilt
    assert index_offers(ids) == 6
    assert _index_rows() == one_by_one
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_word_lookup'")
            assert cursor.fetchall(), "the index is there again"


def test_an_offer_instance_and_its_facts_give_the_same_entries(marzahn):
    offers = _offers(marzahn, 2)
    areas = indexing.AreaContext([marzahn.kommune.pk])
    phases = list(TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE))
    facts = {offer.pk: offer for offer in offers_to_index([o.pk for o in offers])}
    for offer in offers:
        # As the generator of benchmarks/generate.py hands them over.
        offer.indexed_translations = list(offer.translations.all())
        from_instance = build_entries(OfferFacts.of(offer), areas, phases)
        from_facts = build_entries(facts[offer.pk], areas, phases)
        assert from_instance.words == from_facts.words
        assert from_instance.facets == from_facts.facets
        assert sorted(from_instance.points) == sorted(from_facts.points)


@pytest.mark.parametrize("nested", [False, True])
def test_fewer_gc_passes_restores_the_collector(nested):
    before = gc.get_threshold()
    with fewer_gc_passes():
        if nested:
            with fewer_gc_passes():
                pass
        assert gc.get_threshold()[0] > before[0]  # still held by the outer block
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
