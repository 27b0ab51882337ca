"""The portal search, read as a family would use it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.http import QueryDict

from lueckenlos.areas.models import AddressPoint
from lueckenlos.catalogue.models import CostOption, Location, Schedule, Service, ServiceLanguage
from lueckenlos.search.indexing import reindex_kommune
from lueckenlos.search.models import OfferDocument
from lueckenlos.search.queries import offer_search
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _english(english):
    pass


@pytest.fixture(autouse=True, params=["sql", "memory"])
def search_engine(request, monkeypatch) -> str:
    """Each test runs twice: against the SQL of lueckenlos.search.engine (the reference,
    what small Kommunen get) and against the index in memory that large Kommunen get
    (lueckenlos.search.memory); both must give what a family expects."""
    from lueckenlos.search import memory

    if request.param == "memory":  # the test Kommunen hold a handful of offers
        monkeypatch.setattr(memory, "MIN_DOCUMENTS", 0)
    return request.param


def add_offer(persona, name, *, area="north", lat=None, lon=None, terms=(), **fields):
    area = getattr(persona, area)
    offer = ServiceFactory(kommune=persona.kommune, name=name, terms=list(terms), **fields)
    ring = area.boundary["coordinates"][0]
    location = LocationFactory(
        kommune=persona.kommune,
        address_1="Musterstraße 1",
        area=area,
        latitude=lat if lat is not None else ring[0][1] + 0.005,
        longitude=lon if lon is not None else ring[0][0] + 0.005,
    )
    ServiceAtLocationFactory(service=offer, location=location)
    return offer


def names(persona, query: str, **kwargs) -> list[str]:
    page = offer_search(persona.kommune, QueryDict(query), page_size=50, **kwargs)
    return [result.offer.name for result in page.results]


def search(persona, query: str, **kwargs):
    return offer_search(persona.kommune, QueryDict(query), page_size=50, **kwargs)


class TestGermanText:
    def test_inflected_forms_find_each_other(self, marzahn):
        add_offer(marzahn, "Hebamme im Kiez")
        add_offer(marzahn, "Kurs für Eltern")
        add_offer(marzahn, "Töpfern")
        assert names(marzahn, "q=Hebammen") == ["Hebamme im Kiez"]
        assert names(marzahn, "q=Kurse") == ["Kurs für Eltern"]

    @pytest.mark.parametrize("spelling", ["Logopädie", "Logopaedie", "Logopadie", "LOGOPÄDIE"])
    def test_umlauts_and_their_spellings_are_alike(self, marzahn, spelling):
        add_offer(marzahn, "Logopädie für Kinder")
        assert names(marzahn, f"q={spelling}") == ["Logopädie für Kinder"]

    def test_word_prefix_finds_the_whole_word(self, marzahn):
        add_offer(marzahn, "Schwimmkurs für Anfänger")
        assert names(marzahn, "q=Schwimm") == ["Schwimmkurs für Anfänger"]

    def test_one_typo_in_a_longer_word_is_forgiven_and_said(self, marzahn):
        add_offer(marzahn, "Schwimmkurs für Anfänger")
        page = search(marzahn, "q=Schwimkurs")
        assert [r.offer.name for r in page.results] == ["Schwimmkurs für Anfänger"]
        assert any("similar words" in message for message in page.params.messages)

    def test_short_words_need_no_typo_tolerance(self, marzahn):
        add_offer(marzahn, "Kita Regenbogen")
        assert names(marzahn, "q=Kiga") == []

    def test_a_part_of_a_compound_finds_the_compound(self, marzahn):
        add_offer(marzahn, "Erziehungsberatung")
        assert names(marzahn, "q=Beratung") == ["Erziehungsberatung"]

    def test_every_word_must_match_but_stop_words_are_ignored(self, marzahn):
        add_offer(marzahn, "Schwimmkurs für Kinder")
        add_offer(marzahn, "Malkurs für Erwachsene")
        assert names(marzahn, "q=Kurs+für+Kinder") == ["Schwimmkurs für Kinder"]

    def test_name_hits_rank_above_description_hits(self, marzahn):
        add_offer(marzahn, "Familienzentrum", description="Auch mit Hebamme.")
        add_offer(marzahn, "Hebammensprechstunde")
        assert names(marzahn, "q=Hebamme") == ["Hebammensprechstunde", "Familienzentrum"]

    def test_results_say_why_they_matched(self, marzahn):
        add_offer(marzahn, "Hebammensprechstunde")
        page = search(marzahn, "q=Hebammen")
        assert page.results[0].reasons == ["“hebammen” as “hebammensprechstunde” in the name"]

    def test_terms_are_searched_in_every_interface_language(self, marzahn):
        add_offer(marzahn, "Offener Treff", terms=["life_phase:pregnancy"])
        assert names(marzahn, "q=Schwangerschaft") == ["Offener Treff"]


class TestFilters:
    def test_age_in_years_or_months_meets_ranges_and_life_phases(self, marzahn):
        add_offer(marzahn, "Krabbelgruppe", min_age_months=0, max_age_months=36)
        add_offer(marzahn, "Vorschule", terms=["life_phase:preschool"])
        add_offer(marzahn, "Familienberatung")  # for everyone
        assert names(marzahn, "alter=4") == ["Familienberatung", "Vorschule"]
        assert names(marzahn, "alter=18&einheit=monate") == ["Familienberatung", "Krabbelgruppe"]

    def test_values_of_one_filter_widen_and_filters_narrow(self, marzahn):
        turkish = add_offer(marzahn, "Elterncafé türkisch")
        arabic = add_offer(marzahn, "Elterncafé arabisch")
        add_offer(marzahn, "Elterncafé deutsch")
        ServiceLanguage.objects.create(service=turkish, code="tr")
        ServiceLanguage.objects.create(service=arabic, code="ar")
        CostOption.objects.create(service=arabic, kind=CostOption.Kind.FREE)
        assert names(marzahn, "sprache=tr&sprache=ar") == [
            "Elterncafé arabisch",
            "Elterncafé türkisch",
        ]
        assert names(marzahn, "sprache=tr&sprache=ar&kosten=kostenlos") == ["Elterncafé arabisch"]

    def test_facet_counts_show_what_choosing_a_value_would_give(self, marzahn):
        for code in ("tr", "tr", "ar"):
            offer = add_offer(marzahn, f"Angebot {code}")
            ServiceLanguage.objects.create(service=offer, code=code)
        page = search(marzahn, "sprache=tr")
        languages = next(group for group in page.facets if group.param == "sprache")
        counts = {option.value: (option.count, option.checked) for option in languages.options}
        # Arabic still counts 1 although Turkish is chosen: it would widen the result.
        assert counts == {"ar": (1, False), "tr": (2, True)}
        assert page.total == 2

    def test_wheelchair_and_but(self, marzahn):
        ramp = add_offer(marzahn, "Mit Rampe")
        Location.objects.filter(services=ramp).update(wheelchair=Location.Wheelchair.YES)
        ramp.save()  # re-index: a bulk update sends no signal
        but = add_offer(marzahn, "Mit BuT")
        CostOption.objects.create(service=but, kind=CostOption.Kind.BUT)
        assert names(marzahn, "barrierefrei=ja") == ["Mit Rampe"]
        assert names(marzahn, "kosten=but") == ["Mit BuT"]

    def test_area_at_any_level(self, marzahn):
        add_offer(marzahn, "Im Norden", area="north")
        add_offer(marzahn, "Im Süden", area="south")
        assert names(marzahn, f"gebiet={marzahn.north.pk}") == ["Im Norden"]
        assert names(marzahn, f"gebiet={marzahn.region.pk}") == ["Im Norden", "Im Süden"]

    def test_weekday_and_open_now(self, marzahn):
        monday = add_offer(marzahn, "Montags")
        add_offer(marzahn, "Ohne Zeiten")
        Schedule.objects.create(
            service=monday,
            kind=Schedule.Kind.REGULAR,
            weekday="MO",
            opens_at=dt.time(9),
            closes_at=dt.time(12),
        )
        assert names(marzahn, "tag=MO") == ["Montags"]
        monday_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # a Monday
        monday_13 = dt.datetime(2026, 11, 23, 13, 0, tzinfo=BERLIN)
        assert names(marzahn, "jetzt=1", now=monday_10) == ["Montags"]
        assert names(marzahn, "jetzt=1", now=monday_13) == []


class TestNear:
    def test_sorted_by_distance_from_the_browsers_point_with_the_distance(self, marzahn):
        add_offer(marzahn, "Fern", lat=52.519, lon=13.569)
        add_offer(marzahn, "Nah", lat=52.511, lon=13.551)
        page = search(marzahn, "lat=52.511&lon=13.550")
        assert [r.offer.name for r in page.results] == ["Nah", "Fern"]
        assert page.results[0].distance_label == "70 m"
        assert page.results[1].distance_label == "1.5 km"

    def test_radius_leaves_out_what_is_further(self, marzahn):
        add_offer(marzahn, "Fern", lat=52.519, lon=13.569)
        add_offer(marzahn, "Nah", lat=52.511, lon=13.551)
        assert names(marzahn, "lat=52.511&lon=13.550&umkreis=1") == ["Nah"]

    @pytest.mark.parametrize("nearby_at_most", [3000, 0])
    def test_radius_with_words_and_filters_whether_few_or_many_offers_lie_within(
        self, marzahn, monkeypatch, nearby_at_most
    ):
        from lueckenlos.search import engine

        # 0: as if the radius held too many offers to start from; each match is tested.
        monkeypatch.setattr(engine, "NEAREST_MAX_CANDIDATES", nearby_at_most)
        add_offer(marzahn, "Schwimmkurs nah", lat=52.511, lon=13.551, terms=["life_phase:primary"])
        add_offer(marzahn, "Schwimmhalle nah", lat=52.512, lon=13.551)
        add_offer(marzahn, "Schwimmkurs fern", lat=52.519, lon=13.569)
        add_offer(marzahn, "Töpfern nah", lat=52.511, lon=13.5505)
        near = "lat=52.511&lon=13.550&umkreis=1"
        assert names(marzahn, f"q=Schwimm&{near}") == ["Schwimmkurs nah", "Schwimmhalle nah"]
        assert names(marzahn, f"q=Schwimm&{near}&sortierung=relevanz") == [
            "Schwimmhalle nah",
            "Schwimmkurs nah",
        ]
        page = search(marzahn, f"q=Schwimm&phase=primary&{near}")
        assert [r.offer.name for r in page.results] == ["Schwimmkurs nah"]
        assert phase_count(page, "primary") == 1

    def test_an_area_name_is_a_place(self, marzahn):
        add_offer(marzahn, "Im Norden", area="north")
        add_offer(marzahn, "Im Süden", area="south")
        page = search(marzahn, "nahe=Marzahn-Hellersdorf+Süd")
        assert page.params.centre.label == "Marzahn-Hellersdorf Süd"
        assert [r.offer.name for r in page.results] == ["Im Süden", "Im Norden"]

    @pytest.mark.parametrize("typed", ["Hauptstr. 5", "hauptstrasse 5", "Hauptstraße 5, 12619"])
    def test_a_known_address_is_a_place_in_any_spelling(self, marzahn, typed):
        offer = add_offer(marzahn, "Dort", lat=52.515, lon=13.56)
        Location.objects.filter(services=offer).update(address_1="Hauptstraße 5")
        page = search(marzahn, QueryDict.fromkeys(["x"]).urlencode() + f"&nahe={typed}")
        assert page.params.centre is not None
        assert page.results[0].distance_label == "0 m"

    def test_an_address_of_the_address_register_is_a_place(self, marzahn):
        add_offer(marzahn, "Dort", lat=52.515, lon=13.56)
        AddressPoint.objects.create(
            kommune=marzahn.kommune,
            street="Alt-Marzahn",
            street_key="altmarzahn",
            house_number="23",
            postal_code="12685",
            latitude=52.515,
            longitude=13.561,
        )
        page = search(marzahn, "nahe=Alt-Marzahn+23")
        assert page.params.centre.label == "Alt-Marzahn 23, 12685"
        assert page.results[0].distance_label == "70 m"

    def test_an_unknown_place_is_named_and_similar_areas_offered(self, marzahn):
        page = search(marzahn, "nahe=Marzahn-Hellersdorf+Sut")
        assert page.params.centre is None
        assert any("We do not know the place" in m for m in page.params.messages)
        assert "Marzahn-Hellersdorf Süd" in page.place_suggestions


class TestTenancyAndIndex:
    def test_another_kommunes_offers_never_show(self, marzahn, pankow):
        add_offer(marzahn, "Hebamme Marzahn")
        add_offer(pankow, "Hebamme Pankow")
        assert names(marzahn, "q=Hebamme") == ["Hebamme Marzahn"]
        assert names(pankow, "") == ["Hebamme Pankow"]

    def test_a_county_searches_the_kommunen_it_contains(self, marzahn, pankow, kommune_factory):
        berlin = kommune_factory(name="Berlin", slug="berlin")
        for persona in (marzahn, pankow):
            persona.kommune.parent = berlin
            persona.kommune.save()
        add_offer(marzahn, "Hebamme Marzahn")
        add_offer(pankow, "Hebamme Pankow")
        page = offer_search(berlin, QueryDict("q=Hebamme"), page_size=10)
        assert sorted(r.offer.name for r in page.results) == ["Hebamme Marzahn", "Hebamme Pankow"]

    def test_only_active_offers_are_found_and_changes_show_at_once(self, marzahn):
        offer = add_offer(marzahn, "Hebamme im Kiez")
        offer.status = Service.Status.INACTIVE
        offer.save()
        assert names(marzahn, "q=Hebamme") == []
        assert not OfferDocument.objects.filter(service=offer).exists()
        offer.status = Service.Status.ACTIVE
        offer.name = "Geburtsvorbereitung"
        offer.save()
        assert names(marzahn, "q=Hebamme") == []
        assert names(marzahn, "q=Geburt") == ["Geburtsvorbereitung"]

    def test_deleting_an_offer_removes_it(self, marzahn):
        offer = add_offer(marzahn, "Hebamme im Kiez")
        offer.schedules.create(
            kind=Schedule.Kind.REGULAR, weekday="MO", opens_at=dt.time(9), closes_at=dt.time(10)
        )
        offer.delete()
        assert OfferDocument.objects.count() == 0
        assert names(marzahn, "q=Hebamme") == []


class TestKeptWork:
    """What a search process keeps between searches must never show an outdated result."""

    def test_kept_counts_follow_every_change_of_the_index(self, marzahn):
        add_offer(marzahn, "Hebamme Nord", terms=["life_phase:infant"])
        first = search(marzahn, "q=Hebamme")
        assert (first.total, phase_count(first, "infant")) == (1, 1)
        # The same search again is answered from the kept counts ...
        assert search(marzahn, "q=Hebamme").total == 1
        # ... until an offer changes: another offer, then one leaving the index.
        second = add_offer(marzahn, "Hebamme Süd", terms=["life_phase:infant"])
        assert (
            search(marzahn, "q=Hebamme").total,
            phase_count(search(marzahn, "q=Hebamme"), "infant"),
        ) == (2, 2)
        second.status = Service.Status.INACTIVE
        second.save()
        assert search(marzahn, "q=Hebamme").total == 1

    def test_the_nearest_page_found_around_the_centre_is_the_one_ordering_all_gives(
        self, marzahn, monkeypatch, search_engine
    ):
        from lueckenlos.search import engine

        if search_engine == "memory":
            pytest.skip("a shortcut of the SQL engine; the index in memory orders every match")

        for step in range(12):  # every 55 m northwards, then one far away
            add_offer(marzahn, f"Kita {step:02d}", lat=52.511 + step * 0.0005, lon=13.551)
        add_offer(marzahn, "Kita fern", lat=52.519, lon=13.569)
        add_offer(marzahn, "Schwimmen", lat=52.511, lon=13.5505)
        query = "q=Kita&lat=52.511&lon=13.550"
        pages = [
            offer_search(marzahn.kommune, QueryDict(f"{query}&seite={page}"), page_size=5)
            for page in (1, 2, 3)
        ]

        monkeypatch.setattr(engine, "NEAREST_FIRST_RADIUS_M", 200.0)
        found = []
        nearest = engine._Query.nearest
        monkeypatch.setattr(
            engine._Query,
            "nearest",
            lambda self, wanted: found.append(nearest(self, wanted)) or found[-1],
        )
        # Counts are kept after the first search; from then on the page is looked up close by.
        for page, expected in zip((1, 2, 3), pages, strict=True):
            again = offer_search(marzahn.kommune, QueryDict(f"{query}&seite={page}"), page_size=5)
            assert [(r.offer.name, r.distance_label) for r in again.results] == [
                (r.offer.name, r.distance_label) for r in expected.results
            ]
        # Pages 1 and 2 came from around the centre; page 3 asks for more than match.
        assert [len(rows) for rows in found] == [5, 10]
        assert pages[0].results[0].offer.name == "Kita 00"
        assert pages[2].results[-1].offer.name == "Kita fern"

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps no statistics itself")
    def test_a_rebuilt_index_leaves_statistics_for_the_query_planner(self, marzahn):
        add_offer(marzahn, "Hebamme im Kiez")
        reindex_kommune(marzahn.kommune)
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            analysed = {row[0] for row in cursor.fetchall()}
        assert {"search_offerword", "search_offerfacet", "search_offerpoint"} <= analysed


def phase_count(page, code: str) -> int:
    phases = next(group for group in page.facets if group.param == "phase")
    return next(option.count for option in phases.options if option.value == code)


class TestNothingFound:
    def test_suggests_what_to_leave_out(self, marzahn):
        offer = add_offer(marzahn, "Hebamme im Kiez")
        ServiceLanguage.objects.create(service=offer, code="tr")
        page = search(marzahn, "q=Hebamme&sprache=ar&alter=12")
        assert page.total == 0
        # The offer is for all ages, so only the language rules it out.
        assert [(r.label, r.count) for r in page.relaxations] == [
            ("without the filter “Language of the offer”", 1)
        ]
        assert "sprache" not in page.relaxations[0].query

    def test_a_word_nothing_matches_can_be_dropped(self, marzahn):
        add_offer(marzahn, "Hebamme im Kiez")
        page = search(marzahn, "q=Hebamme+Xylophon")
        assert page.total == 0
        assert [(r.label, r.count) for r in page.relaxations] == [
            ("without the word “xylophon”", 1)
        ]
        assert "q=hebamme" in page.relaxations[0].query
