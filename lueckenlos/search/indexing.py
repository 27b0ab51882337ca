"""Keeping the search index in step with the catalogue.

Every save of an offer or of what it is made of (locations, schedules, costs, languages,
terms, provider) re-indexes the offers concerned in the same transaction (see
lueckenlos.search.signals), so the portal never shows a half-changed offer. Bulk loaders
wrap their work in `indexing_deferred()` and index once at the end.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import translation

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Schedule,
    Service,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.freshness.queries import hidden_q
from lueckenlos.lib.bulk import insert
from lueckenlos.search.models import (
    IndexGeneration,
    OfferDocument,
    OfferFacet,
    OfferPoint,
    OfferWord,
    VocabularyWord,
)
from lueckenlos.search.text import FIELD_WEIGHTS, content_words, stem, words

BATCH_SIZE = 500

_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "search_deferred", default=None
)


@dataclass
class Entries:
    """The index rows of one offer, built without touching the database."""

    document: OfferDocument
    words: dict[str, int] = field(default_factory=dict)  # word -> highest weight
    facets: set[str] = field(default_factory=set)
    points: list[tuple[str, float, float]] = field(default_factory=list)

    def add_text(self, text: str, weight: int) -> None:
        for word in content_words(text):
            if self.words.get(word, 0) < weight:
                self.words[word] = weight


class AreaContext:
    """A Kommune's areas by id, to give each location its area and all areas above it."""

    def __init__(self, kommune_ids: Iterable[int]):
        self._areas = {
            area.pk: area
            for area in Area.objects.filter(kommune_id__in=set(kommune_ids)).only(
                "pk", "kommune_id", "name", "path"
            )
        }
        self._by_path = {(area.kommune_id, area.path): area for area in self._areas.values()}

    def with_ancestors(self, area_id: int | None) -> list[Area]:
        area = self._areas.get(area_id)
        if area is None:
            return []
        codes = area.path.strip("/").split("/")
        found = []
        for depth in range(1, len(codes) + 1):
            ancestor = self._by_path.get((area.kommune_id, "/".join(codes[:depth]) + "/"))
            if ancestor is not None:
                found.append(ancestor)
        return found


_term_labels: dict[str, list[str]] = {}


def term_labels(name: str) -> list[str]:
    """A term's German name and its name in every interface language, so a Turkish search
    word finds offers by their classification."""
    if name not in _term_labels:
        labels = {name}
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                labels.add(translation.pgettext("taxonomy term", name))
        _term_labels[name] = sorted(labels)
    return _term_labels[name]


def _age_span(service: Service, phases: list[TaxonomyTerm]) -> tuple[int | None, int | None]:
    if service.min_age_months is not None or service.max_age_months is not None:
        return service.min_age_months, service.max_age_months
    if not phases:
        return None, None
    lows = [phase.min_age_months for phase in phases]
    highs = [phase.max_age_months for phase in phases]
    return (
        None if None in lows else min(lows),
        None if None in highs else max(highs),
    )


def _overlapping_phases(low: int | None, high: int | None, phases: list[TaxonomyTerm]):
    for phase in phases:
        if (high is None or phase.min_age_months is None or phase.min_age_months < high) and (
            low is None or phase.max_age_months is None or phase.max_age_months > low
        ):
            yield phase


def build_entries(service: Service, areas: AreaContext, all_phases: list[TaxonomyTerm]) -> Entries:
    """The index rows of one offer, from an offer fetched with `offers_to_index`."""
    terms = list(service.terms.all())
    phases = [term for term in terms if term.taxonomy.code == LIFE_PHASE]
    low, high = _age_span(service, phases)
    entries = Entries(
        OfferDocument(
            service_id=service.pk,
            kommune_id=service.kommune_id,
            sort_name=" ".join(words(service.name))[:300],
            min_age_months=low,
            max_age_months=high,
        )
    )
    entries.add_text(service.name, FIELD_WEIGHTS["name"])
    entries.add_text(service.alternate_name, FIELD_WEIGHTS["translated_name"])
    entries.add_text(service.organization.name, FIELD_WEIGHTS["provider"])
    for text in (service.description, service.eligibility_description):
        entries.add_text(text, FIELD_WEIGHTS["text"])
    for translated in getattr(service, "indexed_translations", ()):
        entries.add_text(translated.name, FIELD_WEIGHTS["translated_name"])
        entries.add_text(translated.description, FIELD_WEIGHTS["text"])
        entries.add_text(translated.eligibility_description, FIELD_WEIGHTS["text"])
    for term in terms:
        entries.facets.add(f"{term.taxonomy.code}:{term.code}")
        for label in term_labels(term.name):
            entries.add_text(label, FIELD_WEIGHTS["term"])
    if service.min_age_months is not None or service.max_age_months is not None:
        # An offer "from 3 to 6 years" belongs to the life phases it overlaps, tagged or not.
        for phase in _overlapping_phases(low, high, all_phases):
            entries.facets.add(f"{LIFE_PHASE}:{phase.code}")
    for language in service.languages.all():
        entries.facets.add(f"lang:{language.code}")
    for cost in service.cost_options.all():
        if cost.kind in (CostOption.Kind.FREE, CostOption.Kind.BUT):
            entries.facets.add(f"cost:{cost.kind}")
    for schedule in service.schedules.all():
        if schedule.kind == Schedule.Kind.REGULAR:
            entries.facets.add(f"day:{schedule.weekday}")
    for location in service.locations.all():
        entries.add_text(location.name, FIELD_WEIGHTS["location"])
        if location.wheelchair == Location.Wheelchair.YES:
            entries.facets.add("wheelchair:yes")
        for area in areas.with_ancestors(location.area_id):
            entries.facets.add(f"area:{area.pk}")
            entries.add_text(area.name, FIELD_WEIGHTS["text"])
        if location.latitude is not None and location.longitude is not None:
            entries.points.append((location.pk, location.latitude, location.longitude))
    return entries


def offers_to_index(service_ids: Iterable) -> Iterable[Service]:
    """Active offers with everything `build_entries` reads, in a fixed number of queries.

    Offers hidden for want of confirmation stay out (lueckenlos.freshness.queries).
    """
    prefetches = [
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        Prefetch(
            "locations",
            queryset=Location.objects.only(
                "pk", "name", "wheelchair", "area_id", "latitude", "longitude"
            ),
        ),
        Prefetch(
            "schedules", queryset=Schedule.objects.only("pk", "service_id", "kind", "weekday")
        ),
        "cost_options",
        "languages",
    ]
    if hasattr(Service, "translations"):
        prefetches.append(Prefetch("translations", to_attr="indexed_translations"))
    return (
        Service.objects.filter(pk__in=list(service_ids), status=Service.Status.ACTIVE)
        .exclude(hidden_q())
        .select_related("organization")
        .prefetch_related(*prefetches)
    )


def _touch(kommune_ids: Iterable[int]) -> None:
    """Count a change of these Kommunen's index (see IndexGeneration)."""
    for kommune_id in sorted(set(kommune_ids)):
        generation = IndexGeneration.objects.filter(kommune_id=kommune_id)
        if generation.update(generation=F("generation") + 1):
            continue
        _row, created = IndexGeneration.objects.get_or_create(
            kommune_id=kommune_id, defaults={"generation": 1}
        )
        if not created:  # another process made the row in between
            generation.update(generation=F("generation") + 1)


def _write(batch: list[Entries]) -> None:
    _touch(entries.document.kommune_id for entries in batch)
    OfferDocument.objects.bulk_create([entries.document for entries in batch])
    # About a hundred rows per offer: no model instance for each (lueckenlos.lib.bulk).
    insert(
        OfferWord,
        (
            {
                "document_id": e.document.service_id,
                "kommune_id": e.document.kommune_id,
                "word": word,
                "weight": weight,
            }
            for e in batch
            for word, weight in e.words.items()
        ),
    )
    insert(
        OfferFacet,
        (
            {"document_id": e.document.service_id, "kommune_id": e.document.kommune_id, "key": key}
            for e in batch
            for key in sorted(e.facets)
        ),
    )
    insert(
        OfferPoint,
        (
            {
                "document_id": e.document.service_id,
                "location_id": pk,
                "latitude": lat,
                "longitude": lon,
            }
            for e in batch
            for pk, lat, lon in e.points
        ),
    )
    _add_to_vocabulary({(e.document.kommune_id, word) for e in batch for word in e.words})


def _add_to_vocabulary(words: set[tuple[int, str]]) -> None:
    """Add the words a Kommune's vocabulary lacks (it only grows)."""
    by_kommune: dict[int, set[str]] = {}
    for kommune_id, word in words:
        by_kommune.setdefault(kommune_id, set()).add(word)
    new = []
    for kommune_id, wanted in sorted(by_kommune.items()):
        known = set()
        listed = sorted(wanted)
        for start in range(0, len(listed), 900):  # SQLite's limit of query parameters
            known.update(
                VocabularyWord.objects.filter(
                    kommune_id=kommune_id, word__in=listed[start : start + 900]
                ).values_list("word", flat=True)
            )
        new += [(kommune_id, word) for word in listed if word not in known]
    VocabularyWord.objects.bulk_create(
        [VocabularyWord(kommune_id=k, word=w, stem=stem(w)) for k, w in new],
        batch_size=2000,
        ignore_conflicts=True,  # another process may have added the word meanwhile
    )


def _remove(service_ids: list) -> None:
    _touch(
        OfferDocument.objects.filter(service_id__in=service_ids)
        .values_list("kommune_id", flat=True)
        .distinct()
    )
    for model in (OfferWord, OfferFacet, OfferPoint):
        model.objects.filter(document_id__in=service_ids).delete()
    OfferDocument.objects.filter(service_id__in=service_ids).delete()


@transaction.atomic
def index_offers(service_ids: Iterable) -> int:
    """Bring the index of these offers up to date (inactive or deleted ones leave it).

    Returns the number of offers now in the index among them.
    """
    deferred = _deferred.get()
    ids = list(dict.fromkeys(service_ids))
    if deferred is not None:
        deferred.update(ids)
        return 0
    indexed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        _remove(chunk)
        services = list(offers_to_index(chunk))
        if not services:
            continue
        areas = AreaContext(service.kommune_id for service in services)
        phases = list(TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE))
        _write([build_entries(service, areas, phases) for service in services])
        indexed += len(services)
    return indexed


@transaction.atomic
def reindex_kommune(kommune: Kommune) -> int:
    """Rebuild the index of every offer of one Kommune (its own, not contained ones)."""
    stale = list(OfferDocument.objects.filter(kommune=kommune).values_list("service_id", flat=True))
    _remove(stale)
    indexed = index_offers(Service.objects.filter(kommune=kommune).values_list("pk", flat=True))
    analyze_search_tables()
    return indexed


SEARCH_TABLES = [
    model._meta.db_table for model in (OfferDocument, OfferWord, OfferFacet, OfferPoint)
]


def analyze_search_tables() -> None:
    """Fresh statistics of the index tables for the query planner, after a bulk change.

    SQLite has none until ANALYZE runs, and without them it plans a word's semi-join as a
    visit of every offer (measured on 100,000 offers: p95 0.5 → 0.25 s with them). A
    sample of 1,000 rows per index (`analysis_limit`) is enough and takes under a second
    there; PostgreSQL samples anyway.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        for table in SEARCH_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextlib.contextmanager
def indexing_deferred() -> Iterator[set]:
    """Collect the offers to re-index and index them once, when the block ends without
    error (bulk loads: one pass instead of one per saved row)."""
    if _deferred.get() is not None:  # already deferred by an outer block
        yield _deferred.get()
        return
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)
    index_offers(pending)


def index_missing() -> int:
    """Index the active offers the index lacks (after an upgrade, or a load that bypassed
    the signals); cheap when there are none."""
    missing = (
        Service.objects.filter(status=Service.Status.ACTIVE, search_document__isnull=True)
        .exclude(hidden_q())
        .values_list("pk", flat=True)
    )
    return index_offers(list(missing))
