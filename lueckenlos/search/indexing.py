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
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import translation

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceLanguage,
    ServiceTranslation,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.freshness.queries import hidden_q
from lueckenlos.lib.bulk import insert_tuples
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
# From this many offers at once (and a quarter of those indexed already), SQLite builds the
# index tables' indexes afterwards (see _secondary_indexes_rebuilt).
BIG_LOAD = 5_000

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


def _age_span(service: OfferFacts, phases: list[TaxonomyTerm]) -> tuple[int | None, int | None]:
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


@dataclass(slots=True)
class OfferFacts:
    """What the index reads of one offer, as plain values (no model instance for each part:
    on a load of 100,000 offers building those cost more than the indexing itself)."""

    pk: Any
    kommune_id: int
    name: str
    alternate_name: str
    provider: str
    description: str
    eligibility_description: str
    min_age_months: int | None
    max_age_months: int | None
    # (name, description, eligibility_description) of each translation
    translations: list[tuple[str, str, str]] = field(default_factory=list)
    terms: list[TaxonomyTerm] = field(default_factory=list)  # with their taxonomy
    languages: list[str] = field(default_factory=list)
    cost_kinds: list[str] = field(default_factory=list)
    schedules: list[tuple[str, int | None]] = field(default_factory=list)  # kind, weekday
    # (pk, name, wheelchair, area_id, latitude, longitude) of each location
    locations: list[tuple] = field(default_factory=list)

    @classmethod
    def of(cls, service: Service) -> OfferFacts:
        """The facts of an offer instance with its parts (prefetched, or made in memory)."""
        return cls(
            pk=service.pk,
            kommune_id=service.kommune_id,
            name=service.name,
            alternate_name=service.alternate_name,
            provider=service.organization.name,
            description=service.description,
            eligibility_description=service.eligibility_description,
            min_age_months=service.min_age_months,
            max_age_months=service.max_age_months,
            translations=[
                (t.name, t.description, t.eligibility_description)
                for t in getattr(service, "indexed_translations", ())
            ],
            terms=list(service.terms.all()),
            languages=[language.code for language in service.languages.all()],
            cost_kinds=[cost.kind for cost in service.cost_options.all()],
            schedules=[(s.kind, s.weekday) for s in service.schedules.all()],
            locations=[
                (loc.pk, loc.name, loc.wheelchair, loc.area_id, loc.latitude, loc.longitude)
                for loc in service.locations.all()
            ],
        )


def build_entries(
    service: Service | OfferFacts, areas: AreaContext, all_phases: list[TaxonomyTerm]
) -> Entries:
    """The index rows of one offer: its facts (`offers_to_index`), or an offer instance
    with its parts."""
    offer = service if isinstance(service, OfferFacts) else OfferFacts.of(service)
    terms = offer.terms
    phases = [term for term in terms if term.taxonomy.code == LIFE_PHASE]
    low, high = _age_span(offer, phases)
    entries = Entries(
        OfferDocument(
            service_id=offer.pk,
            kommune_id=offer.kommune_id,
            sort_name=" ".join(words(offer.name))[:300],
            min_age_months=low,
            max_age_months=high,
        )
    )
    entries.add_text(offer.name, FIELD_WEIGHTS["name"])
    entries.add_text(offer.alternate_name, FIELD_WEIGHTS["translated_name"])
    entries.add_text(offer.provider, FIELD_WEIGHTS["provider"])
    for text in (offer.description, offer.eligibility_description):
        entries.add_text(text, FIELD_WEIGHTS["text"])
    for name, description, eligibility_description in offer.translations:
        entries.add_text(name, FIELD_WEIGHTS["translated_name"])
        entries.add_text(description, FIELD_WEIGHTS["text"])
        entries.add_text(eligibility_description, FIELD_WEIGHTS["text"])
    for term in terms:
        entries.facets.add(f"{term.taxonomy.code}:{term.code}")
        for label in term_labels(term.name):
            entries.add_text(label, FIELD_WEIGHTS["term"])
    if offer.min_age_months is not None or offer.max_age_months is not None:
        # An offer "from 3 to 6 years" belongs to the life phases it overlaps, tagged or not.
        for phase in _overlapping_phases(low, high, all_phases):
            entries.facets.add(f"{LIFE_PHASE}:{phase.code}")
    for code in offer.languages:
        entries.facets.add(f"lang:{code}")
    for kind in offer.cost_kinds:
        if kind in (CostOption.Kind.FREE, CostOption.Kind.BUT):
            entries.facets.add(f"cost:{kind}")
    for kind, weekday in offer.schedules:
        if kind == Schedule.Kind.REGULAR:
            entries.facets.add(f"day:{weekday}")
    for pk, name, wheelchair, area_id, latitude, longitude in offer.locations:
        entries.add_text(name, FIELD_WEIGHTS["location"])
        if wheelchair == Location.Wheelchair.YES:
            entries.facets.add("wheelchair:yes")
        for area in areas.with_ancestors(area_id):
            entries.facets.add(f"area:{area.pk}")
            entries.add_text(area.name, FIELD_WEIGHTS["text"])
        if latitude is not None and longitude is not None:
            entries.points.append((pk, latitude, longitude))
    return entries


def offers_to_index(service_ids: Iterable, terms: dict | None = None) -> list[OfferFacts]:
    """The facts of the active offers among these, in a fixed number of queries of plain
    values. `terms` (term by id, with its taxonomy) is filled as terms are met, so a caller
    indexing chunk after chunk reads each term once.

    Offers hidden for want of confirmation stay out (lueckenlos.freshness.queries).
    """
    terms = {} if terms is None else terms
    offers = {
        row[0]: OfferFacts(*row)
        for row in Service.objects.filter(pk__in=list(service_ids), status=Service.Status.ACTIVE)
        .exclude(hidden_q())
        .values_list(
            "pk",
            "kommune_id",
            "name",
            "alternate_name",
            "organization__name",
            "description",
            "eligibility_description",
            "min_age_months",
            "max_age_months",
        )
    }
    if not offers:
        return []
    ids = list(offers)
    links = list(
        Service.terms.through.objects.filter(service_id__in=ids).values_list(
            "service_id", "taxonomyterm_id"
        )
    )
    missing = {term_id for _service_id, term_id in links} - terms.keys()
    if missing:
        terms.update(TaxonomyTerm.objects.select_related("taxonomy").in_bulk(missing))
    for service_id, term_id in links:
        offers[service_id].terms.append(terms[term_id])
    for offer in offers.values():  # as the relation orders them (TaxonomyTerm.Meta)
        offer.terms.sort(key=lambda term: (term.taxonomy.code, term.position, term.name))
    for service_id, *location in Location.objects.filter(services__in=ids).values_list(
        "services", "pk", "name", "wheelchair", "area_id", "latitude", "longitude"
    ):
        offers[service_id].locations.append(tuple(location))
    for service_id, kind, weekday in Schedule.objects.filter(service_id__in=ids).values_list(
        "service_id", "kind", "weekday"
    ):
        offers[service_id].schedules.append((kind, weekday))
    for service_id, kind in CostOption.objects.filter(service_id__in=ids).values_list(
        "service_id", "kind"
    ):
        offers[service_id].cost_kinds.append(kind)
    for service_id, code in ServiceLanguage.objects.filter(service_id__in=ids).values_list(
        "service_id", "code"
    ):
        offers[service_id].languages.append(code)
    for service_id, *texts in ServiceTranslation.objects.filter(service_id__in=ids).values_list(
        "service_id", "name", "description", "eligibility_description"
    ):
        offers[service_id].translations.append(tuple(texts))
    return list(offers.values())


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


DOCUMENT_COLUMNS = ["service_id", "kommune_id", "sort_name", "min_age_months", "max_age_months"]


def _write(batch: list[Entries], vocabulary: set[tuple[int, str]] | None = None) -> None:
    """Insert the index rows of `batch`. `vocabulary` holds (Kommune, word) pairs already known
    to be in the vocabulary; the words added are added to it, so a caller writing many
    batches asks the database about each word once."""
    _touch(entries.document.kommune_id for entries in batch)
    # About a hundred rows per offer: as tuples, no model instance or dict for each
    # (lueckenlos.lib.bulk).
    insert_tuples(
        OfferDocument,
        DOCUMENT_COLUMNS,
        [
            (d.service_id, d.kommune_id, d.sort_name, d.min_age_months, d.max_age_months)
            for d in (e.document for e in batch)
        ],
    )
    insert_tuples(
        OfferWord,
        ["document_id", "kommune_id", "word", "weight"],
        [
            (e.document.service_id, e.document.kommune_id, word, weight)
            for e in batch
            for word, weight in e.words.items()
        ],
    )
    insert_tuples(
        OfferFacet,
        ["document_id", "kommune_id", "key"],
        [
            (e.document.service_id, e.document.kommune_id, key)
            for e in batch
            for key in sorted(e.facets)
        ],
    )
    insert_tuples(
        OfferPoint,
        ["document_id", "location_id", "latitude", "longitude"],
        [(e.document.service_id, pk, lat, lon) for e in batch for pk, lat, lon in e.points],
    )
    wanted = {(e.document.kommune_id, word) for e in batch for word in e.words}
    if vocabulary is None:
        _add_to_vocabulary(wanted)
    else:
        _add_to_vocabulary(wanted - vocabulary)
        vocabulary.update(wanted)


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
        new += [(kommune_id, word, stem(word)) for word in listed if word not in known]
    # Another process may have added a word meanwhile: that row stays as it is.
    insert_tuples(VocabularyWord, ["kommune_id", "word", "stem"], new, ignore_conflicts=True)


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
    if not ids:
        return 0
    chunks = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    big = (
        connection.vendor == "sqlite"
        and len(ids) >= BIG_LOAD
        # Rebuilding the indexes goes over the rows already there, too.
        and len(ids) * 4 >= OfferDocument.objects.count()
    )
    if big:  # while the indexes that find an offer's rows are still there
        for chunk in chunks:
            _remove(chunk)
    indexed = 0
    vocabulary: set[tuple[int, str]] = set()
    terms: dict = {}
    phases = list(TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE))
    with _secondary_indexes_rebuilt() if big else contextlib.nullcontext():
        for chunk in chunks:
            if not big:
                _remove(chunk)
            offers = offers_to_index(chunk, terms)
            if not offers:
                continue
            areas = AreaContext(offer.kommune_id for offer in offers)
            _write([build_entries(offer, areas, phases) for offer in offers], vocabulary)
            indexed += len(offers)
    if big:
        analyze_search_tables()  # dropping an index drops its statistics
    return indexed


@contextlib.contextmanager
def _secondary_indexes_rebuilt() -> Iterator[None]:
    """Drop the secondary indexes of the index tables, and create them anew at the end.

    For a big load on SQLite: building an index once from all rows (sorted) is several
    times faster than growing it by millions of inserts in random order (100,000 offers:
    some two million word rows). Inside the caller's transaction, like everything else: an
    error or a killed process leaves the indexes as they were. Readers in other processes
    see the tables as they were until the commit (WAL). Not on PostgreSQL, where dropping
    an index locks its table against every search until the commit.
    """
    editor = connection.schema_editor()  # only to write the SQL, not entered
    indexes = [(model, index) for model in INDEXED_MODELS for index in model._meta.indexes]
    with connection.cursor() as cursor:
        for _model, index in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
    yield
    with connection.cursor() as cursor:
        for model, index in indexes:
            cursor.execute(str(index.create_sql(model, editor)))


@transaction.atomic
def reindex_kommune(kommune: Kommune) -> int:
    """Rebuild the index of every offer of one Kommune (its own, not contained ones)."""
    stale = list(OfferDocument.objects.filter(kommune=kommune).values_list("service_id", flat=True))
    for start in range(0, len(stale), BATCH_SIZE):  # SQLite's limit of query parameters
        _remove(stale[start : start + BATCH_SIZE])
    indexed = index_offers(Service.objects.filter(kommune=kommune).values_list("pk", flat=True))
    analyze_search_tables()
    return indexed


INDEXED_MODELS = (OfferDocument, OfferWord, OfferFacet, OfferPoint)
SEARCH_TABLES = [model._meta.db_table for model in INDEXED_MODELS]


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
