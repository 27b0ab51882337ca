"""The portal search: text, filters, distance, facet counts, in plain SQL on the index tables.

One function, `search`, answers a parsed search (lueckenlos.search.params) for a Kommune and
the Kommunen it contains. The same SQL runs on SQLite and PostgreSQL; every value travels
as a query parameter.

- Text: every query word must match (AND); it matches the indexed words its expansion names
  (lueckenlos.search.vocabulary). Relevance adds, per query word, the weight of the field it
  was found in, doubled for a strong match (same stem or prefix).
- Filters: values within one filter widen (OR), filters narrow (AND). The count shown beside
  each filter value is the number of results with that value if it were chosen, computed
  without the filter's own selection ("disjunctive" facets).
- Distance: straight line on a local flat approximation (equirectangular), within a few
  metres of the true distance across a city; the page shows the exact great-circle figure.
- Kommunen with many offers (lueckenlos.search.memory.MIN_DOCUMENTS) are answered from an
  in-memory copy of their index, with the same outcome; this SQL is the reference.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils import timezone

from lueckenlos.search import memory
from lueckenlos.search.params import SearchParams
from lueckenlos.search.vocabulary import TermMatch, vocabularies_for

METRES_PER_DEGREE = 111_320.0
# Searches ordered by distance whose matches are at least this share of the offers look for
# their page around the centre first (_Query.nearest), starting within this radius and
# giving up beyond this many offers to test.
NEAREST_SHARE = 0.05
NEAREST_FIRST_RADIUS_M = 400.0
NEAREST_MAX_CANDIDATES = 3000
# Offers asked about at once (whether they are open now, their names for the map): SQLite
# takes at most 32,766 values.
OPEN_NOW_CHUNK = 1000
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # iCalendar codes, Monday first


@dataclass
class Hit:
    service_id: object  # as the database returns it (str on SQLite, UUID on PostgreSQL)
    score: float
    distance_m: float | None
    matched_words: list[tuple[str, str, int]] = field(default_factory=list)  # query, word, weight


@dataclass
class SearchOutcome:
    hits: list[Hit]
    total: int
    # facet key -> count of results if that value were (also) chosen
    facet_counts: dict[str, int]
    terms: list[TermMatch]
    # what dropping one constraint would give, when nothing was found: (constraint, count)
    relaxations: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Query:
    """The FROM and WHERE of one search, with one condition left out on request."""

    params: SearchParams
    kommune_ids: list[int]
    terms: list[TermMatch]
    now: dt.datetime
    _radius_ids: list | None = field(default=None, init=False, repr=False)
    _radius_known: bool = field(default=False, init=False, repr=False)

    def within_radius(self) -> list | None:
        """The offers with a location within the chosen radius, or None when there are too
        many for them to be the place to start from (a wide radius in a dense city)."""
        if not self._radius_known:
            radius_m = self.params.radius_km * 1000
            distance, distance_params = self._distance_sql("p")
            rows = _fetch(
                "SELECT DISTINCT p.document_id FROM search_offerpoint p "
                "WHERE p.latitude BETWEEN %s AND %s AND p.longitude BETWEEN %s AND %s "
                f"AND {distance} <= %s LIMIT %s",
                [
                    *self._box(radius_m),
                    *distance_params,
                    radius_m * radius_m,
                    NEAREST_MAX_CANDIDATES + 1,
                ],
            )
            ids = [row[0] for row in rows]
            self._radius_ids = ids if len(ids) <= NEAREST_MAX_CANDIDATES else None
            self._radius_known = True
        return self._radius_ids

    def _in(self, values) -> tuple[str, list]:
        values = list(values)
        return ", ".join(["%s"] * len(values)), values

    def matched(self, without: str | None = None, *, scored: bool = False) -> tuple[str, list]:
        """SQL selecting (id, sort_name, score) of the matching documents.

        Without `scored` the score is 0 and each query word a plain semi-join: counts and
        orders other than relevance need no per-offer sum, and grouping every word row of
        a broad word is what makes a broad search slow. (The semi-join needs the planner's
        statistics, `analyze_search_tables`: without them SQLite visited every offer of
        the Kommune for it.)
        """
        parts = self._parts(without, scored=scored)
        if parts is None:
            return (
                "SELECT d.service_id AS id, d.sort_name AS sort_name, 0 AS score "
                "FROM search_offerdocument d WHERE 1 = 0",
                [],
            )
        joins, where, score, sql_params = parts
        sql = (
            f"SELECT d.service_id AS id, d.sort_name AS sort_name, {score} AS score "
            f"FROM search_offerdocument d {joins} WHERE {where}"
        )
        return sql, sql_params

    def nearest(self, wanted: int) -> list[tuple] | None:
        """(id, score, squared distance) of the `wanted` nearest matches, found by testing
        the offers around the centre in growing circles; None when that is no quicker
        than ordering every match (few matches around, or too many offers to test).

        For a broad search this tests a few hundred offers where ordering every match by
        distance computed tens of thousands of distances (100,000 offers: 300 → 35 ms).
        The order is the full query's: within a circle holding a match, no match outside
        it can come nearer.
        """
        parts = self._parts(None, scored=False, correlated=True)
        if parts is None:
            return []
        _joins, where, _score, where_params = parts
        distance, distance_params = self._distance_sql("p")
        radius_m = NEAREST_FIRST_RADIUS_M
        for _attempt in range(3):
            south, north, west, east = self._box(radius_m)
            candidates = _fetch(
                f"SELECT p.document_id, MIN({distance}) FROM search_offerpoint p "
                f"WHERE p.latitude BETWEEN %s AND %s AND p.longitude BETWEEN %s AND %s "
                f"GROUP BY p.document_id HAVING MIN({distance}) <= %s",
                [*distance_params, south, north, west, east, *distance_params, radius_m**2],
            )
            if len(candidates) > NEAREST_MAX_CANDIDATES:
                return None
            found: list[tuple] = []
            if len(candidates) >= wanted:
                values = ", ".join(["(%s, %s)"] * len(candidates))
                found = _fetch(
                    f"WITH c(id, d2) AS (VALUES {values}) "
                    f"SELECT d.service_id, 0, c.d2 FROM c "
                    f"JOIN search_offerdocument d ON d.service_id = c.id "
                    f"WHERE {where} ORDER BY c.d2, d.sort_name, d.service_id LIMIT %s",
                    [value for candidate in candidates for value in candidate]
                    + where_params
                    + [wanted],
                )
                if len(found) >= wanted:
                    return found
                if not found:
                    return None  # a narrow search: ordering its few matches is quicker
            # Wide enough for the share of matches seen so far, with a margin.
            share = len(found) / len(candidates) if found else 0.5
            needed = 1.5 * wanted / share
            radius_m *= max(1.5, math.sqrt(needed / max(len(candidates), 1)))
        return None

    def _box(self, radius_m: float) -> tuple[float, float, float, float]:
        """South, north, west, east of the square around the centre holding the circle."""
        centre = self.params.centre
        dlat = radius_m / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians(centre.latitude)), 0.1)
        return (
            centre.latitude - dlat,
            centre.latitude + dlat,
            centre.longitude - dlon,
            centre.longitude + dlon,
        )

    def _parts(
        self, without: str | None, *, scored: bool, correlated: bool = False
    ) -> tuple[str, str, str, list] | None:
        """JOINs, WHERE, score and their parameters over `search_offerdocument d`; None
        when a query word matches nothing. `correlated` checks each document by index
        lookups (EXISTS) instead of collecting every document a word or filter names (IN):
        the way to test a few hundred candidates against a broad search."""
        kommunes, kommune_params = self._in(self.kommune_ids)
        joins: list[str] = []
        join_params: list = []
        score_parts: list[str] = []
        term_filters: list[str] = []
        term_params: list = []
        params = self.params
        # A radius holding few offers is where to start: test those few against the rest.
        radius = bool(params.centre and params.radius_km and without != "radius")
        nearby = self.within_radius() if radius else None
        if nearby is not None:
            correlated = True
            nearby_marks, nearby_params = self._in(nearby or [None])

        for index, term in enumerate(self.terms):
            if without == f"term:{index}":
                continue
            if not term:
                return None  # a word nothing matches: no results, whatever else is asked
            all_words, all_params = self._in(sorted(term.words))
            if correlated and not scored:
                term_filters.append(
                    f"EXISTS (SELECT 1 FROM search_offerword w WHERE w.document_id = d.service_id "
                    f"AND w.kommune_id IN ({kommunes}) AND w.word IN ({all_words}))"
                )
                term_params += kommune_params + all_params
                continue
            if not scored:
                term_filters.append(
                    f"d.service_id IN (SELECT document_id FROM search_offerword "
                    f"WHERE kommune_id IN ({kommunes}) AND word IN ({all_words}))"
                )
                term_params += kommune_params + all_params
                continue
            strong, strong_params = self._in(sorted(term.strong) or [""])
            alias = f"t{index}"
            only_nearby = f"AND document_id IN ({nearby_marks}) " if nearby is not None else ""
            joins.append(
                f"JOIN (SELECT document_id, MAX(weight * CASE WHEN word IN ({strong}) "
                f"THEN 2 ELSE 1 END) AS score FROM search_offerword "
                f"WHERE kommune_id IN ({kommunes}) AND word IN ({all_words}) {only_nearby}"
                f"GROUP BY document_id) {alias} ON {alias}.document_id = d.service_id"
            )
            join_params += strong_params + kommune_params + all_params
            if nearby is not None:
                join_params += nearby_params
            score_parts.append(f"{alias}.score")

        # Starting from the offers nearby, the Kommune is a check, not where to start: "+ 0"
        # keeps SQLite from walking the Kommune's whole index instead (measured: 5 → 250 ms).
        kommune_column = "d.kommune_id + 0" if nearby is not None else "d.kommune_id"
        where = [f"{kommune_column} IN ({kommunes})", *term_filters]
        where_params: list = list(kommune_params) + term_params
        if params.age_months is not None and without != "age":
            where.append(
                "(d.min_age_months IS NULL OR d.min_age_months <= %s) "
                "AND (d.max_age_months IS NULL OR d.max_age_months > %s)"
            )
            where_params += [params.age_months, params.age_months]
        for prefix in params.selected:
            if without == prefix:
                continue
            keys, key_params = self._in(params.facet_keys(prefix))
            if correlated:
                where.append(
                    f"EXISTS (SELECT 1 FROM search_offerfacet f "
                    f"WHERE f.document_id = d.service_id AND f.key IN ({keys}))"
                )
                where_params += key_params
                continue
            where.append(
                f"d.service_id IN (SELECT document_id FROM search_offerfacet "
                f"WHERE kommune_id IN ({kommunes}) AND key IN ({keys}))"
            )
            where_params += kommune_params + key_params
        if params.open_now and without != "open_now":
            open_now, open_params = self.open_now_sql()
            where.append(
                "EXISTS (SELECT 1 FROM catalogue_schedule s WHERE s.service_id = d.service_id "
                f"AND {open_now})"
            )
            where_params += open_params
        if nearby is not None:
            where.append(f"d.service_id IN ({nearby_marks})")
            where_params += nearby_params
        elif radius:
            # Most offers lie within it: test each match's own locations.
            radius_m = params.radius_km * 1000
            distance, distance_params = self._distance_sql("p")
            where.append(
                "EXISTS (SELECT 1 FROM search_offerpoint p WHERE p.document_id = d.service_id "
                f"AND {distance} <= %s)"
            )
            where_params += [*distance_params, radius_m * radius_m]
        score = " + ".join(score_parts) if score_parts else "0"
        return " ".join(joins), " AND ".join(where), score, join_params + where_params

    def open_now_sql(self) -> tuple[str, list]:
        """The condition on a schedule row `s` that it is open at the moment searched."""
        local = timezone.localtime(self.now)
        today = connection.ops.adapt_datefield_value(local.date())
        moment = connection.ops.adapt_timefield_value(local.time().replace(microsecond=0))
        sql = (
            "s.kind = 'regular' AND s.weekday = %s AND s.opens_at <= %s AND s.closes_at > %s "
            "AND (s.valid_from IS NULL OR s.valid_from <= %s) "
            "AND (s.valid_to IS NULL OR s.valid_to >= %s)"
        )
        return sql, [WEEKDAYS[local.weekday()], moment, moment, today, today]

    def distance_scale(self) -> float:
        """Metres per degree of longitude at the centre, as the distance formula uses it."""
        return METRES_PER_DEGREE * math.cos(math.radians(self.params.centre.latitude))

    def _distance_sql(self, alias: str) -> tuple[str, list]:
        """Squared metres from the centre, flat-earth approximation."""
        centre = self.params.centre
        scale = self.distance_scale()
        sql = (
            f"(({alias}.latitude - %s) * {METRES_PER_DEGREE}) "
            f"* (({alias}.latitude - %s) * {METRES_PER_DEGREE}) "
            f"+ (({alias}.longitude - %s) * %s) * (({alias}.longitude - %s) * %s)"
        )
        return sql, [
            centre.latitude,
            centre.latitude,
            centre.longitude,
            scale,
            centre.longitude,
            scale,
        ]


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _order(params: SearchParams, has_terms: bool) -> str:
    if params.centre and params.sort in ("", "entfernung"):
        return "entfernung"
    if params.sort == "name" or not has_terms:
        return "name"
    return "relevanz"


def _expand(words: list[str], kommune_ids: list[int]) -> list[TermMatch]:
    """The query words expanded in each Kommune's vocabulary (a county searches its towns)."""
    if not words:
        return []
    vocabularies = vocabularies_for(kommune_ids)
    expanded = []
    for word in words:
        matches = [vocabulary.expand(word) for vocabulary in vocabularies]
        expanded.append(
            TermMatch(
                query=word,
                folded=matches[0].folded if matches else word,
                strong=frozenset().union(*(match.strong for match in matches)),
                weak=frozenset().union(*(match.weak for match in matches)),
                fuzzy=any(match.fuzzy for match in matches),
            )
        )
    return expanded


def search(
    params: SearchParams,
    kommune_ids: list[int],
    *,
    page_size: int,
    now: dt.datetime | None = None,
) -> SearchOutcome:
    """One page of results, the total, the facet counts; relaxations when nothing matched."""
    terms = _expand(params.terms, kommune_ids)
    query = _Query(params, kommune_ids, terms, now or timezone.now())
    order = _order(params, bool(terms))
    generation = _generation(kommune_ids)
    if _documents(kommune_ids, generation) >= memory.MIN_DOCUMENTS:
        index = memory.index_for(kommune_ids, generation)
        return _search_in_memory(index, query, order, page_size)
    matched, matched_params = query.matched(scored=order == "relevanz")

    counts_key = _counts_key(query, generation)
    cached = _cached_counts(counts_key) if counts_key else None
    # The window function makes the database materialise every match; a known total spares it.
    count_sql = "NULL" if cached else "COUNT(*) OVER ()"

    offset = (params.page - 1) * page_size
    if order == "entfernung":
        distance, distance_params = query._distance_sql("p")
        # A correlated subquery, one indexed lookup per matched offer: joining the points
        # to the matched set let SQLite's planner scan every point per offer (seconds).
        page_sql = (
            f"WITH matched AS ({matched}) "
            f"SELECT m.id, m.score, "
            f"(SELECT MIN({distance}) FROM search_offerpoint p WHERE p.document_id = m.id) AS d2, "
            f"{count_sql} FROM matched m "
            f"ORDER BY d2 NULLS LAST, m.sort_name, m.id "
            f"LIMIT %s OFFSET %s"
        )
        page_params = matched_params + distance_params + [page_size, offset]
    else:
        ordering = "m.sort_name, m.id" if order == "name" else "m.score DESC, m.sort_name, m.id"
        page_sql = (
            f"WITH matched AS ({matched}) SELECT m.id, m.score, NULL, {count_sql} "
            f"FROM matched m ORDER BY {ordering} LIMIT %s OFFSET %s"
        )
        page_params = matched_params + [page_size, offset]
    rows = None
    if order == "entfernung" and cached and not params.radius_km:
        wanted = offset + page_size
        if cached[0] >= max(wanted, NEAREST_SHARE * _documents(kommune_ids, counts_key[1])):
            found = query.nearest(wanted)
            if found is not None:
                rows = [(id_, score, d2, None) for id_, score, d2 in found[offset:]]
    if rows is None:
        rows = _fetch(page_sql, page_params)
    if cached:
        total, facet_counts = cached
    elif rows:
        total = rows[0][3]
    else:
        total = _fetch(f"SELECT COUNT(*) FROM ({matched}) m", matched_params)[0][0]
    hits = [
        Hit(
            service_id=row[0],
            score=row[1] or 0,
            distance_m=math.sqrt(row[2]) if row[2] is not None else None,
        )
        for row in rows
    ]
    _explain(hits, terms)

    if not cached:
        facet_counts = _facet_counts(query)
        if counts_key:
            _keep_counts(counts_key, total, facet_counts)
    outcome = SearchOutcome(hits=hits, total=total, facet_counts=facet_counts, terms=terms)
    if total == 0:
        outcome.relaxations = _relaxations(query)
    return outcome


# The total and facet counts of recent searches, kept per process. A broad search (a word
# like "Familie", an age) counts tens of thousands of facet rows, and families type the same
# few broad searches most. An entry is valid while the index generation of its Kommunen
# (IndexGeneration, counted up by every index write) is the one it was computed in.
COUNTS_CACHED = 1024
_counts: OrderedDict[tuple, tuple[int, dict[str, int]]] = OrderedDict()
_counts_lock = threading.Lock()


def _generation(kommune_ids: list[int]) -> int:
    """What changes whenever the index of one of the Kommunen changes."""
    marks = ", ".join(["%s"] * len(kommune_ids))
    return int(
        _fetch(
            f"SELECT COALESCE(SUM(generation), 0) FROM search_indexgeneration "
            f"WHERE kommune_id IN ({marks})",
            list(kommune_ids),
        )[0][0]
    )


def _counts_key(query: _Query, generation: int) -> tuple | None:
    """What the counts depend on, or None when they depend on the moment or the place."""
    params = query.params
    if params.open_now or (params.centre and params.radius_km):
        return None
    return (
        tuple(query.kommune_ids),
        generation,
        tuple(tuple(sorted(term.words)) for term in query.terms),
        params.age_months,
        tuple(
            sorted((prefix, tuple(sorted(values))) for prefix, values in params.selected.items())
        ),
    )


def _documents(kommune_ids: list[int], generation: int) -> int:
    """How many offers the Kommunen have in the index (kept like the counts)."""
    key = ("documents", tuple(kommune_ids), generation)
    found = _cached_counts(key)
    if found is None:
        marks = ", ".join(["%s"] * len(kommune_ids))
        count = _fetch(
            f"SELECT COUNT(*) FROM search_offerdocument WHERE kommune_id IN ({marks})",
            list(kommune_ids),
        )[0][0]
        found = (count, {})
        _keep_counts(key, *found)
    return found[0]


def _cached_counts(key: tuple) -> tuple[int, dict[str, int]] | None:
    with _counts_lock:
        found = _counts.get(key)
        if found is not None:
            _counts.move_to_end(key)
        return found


def _keep_counts(key: tuple, total: int, facet_counts: dict[str, int]) -> None:
    with _counts_lock:
        _counts[key] = (total, facet_counts)
        while len(_counts) > COUNTS_CACHED:
            _counts.popitem(last=False)


def forget_counts() -> None:
    """Drop the kept counts and indexes (tests, where rolled-back generations come round
    again)."""
    with _counts_lock:
        _counts.clear()
    memory.forget_indexes()


def _facet_counts(query: _Query) -> dict[str, int]:
    """Counts per facet key: unselected filters from the full result, each selected filter
    from the result without its own selection."""
    counts: dict[str, int] = {}
    selected = list(query.params.selected)
    for without in [None, *selected]:
        matched, matched_params = query.matched(without=without)
        sql = (
            f"WITH matched AS ({matched}) SELECT f.key, COUNT(*) FROM search_offerfacet f "
            f"WHERE f.document_id IN (SELECT id FROM matched)"
        )
        params = list(matched_params)
        if without is not None:
            sql += " AND f.key LIKE %s"
            params.append(f"{without}:%")
        sql += " GROUP BY f.key"
        for key, count in _fetch(sql, params):
            prefix = key.split(":", 1)[0]
            # A selected filter's own counts come from its own pass.
            if without is None and prefix in selected:
                continue
            counts[key] = count
    return counts


def _constraints(query: _Query) -> list[str]:
    """What narrows the search, each of which a relaxation may leave out."""
    params = query.params
    constraints = [f"term:{index}" for index in range(len(query.terms))]
    if params.age_months is not None:
        constraints.append("age")
    constraints += list(params.selected)
    if params.open_now:
        constraints.append("open_now")
    if params.centre and params.radius_km:
        constraints.append("radius")
    return constraints


def _relaxations(query: _Query) -> list[tuple[str, int]]:
    found = []
    for constraint in _constraints(query):
        matched, matched_params = query.matched(without=constraint)
        count = _fetch(f"SELECT COUNT(*) FROM ({matched}) m", matched_params)[0][0]
        if count:
            found.append((constraint, count))
    return found


class _MemoryMatch:
    """The engine's conditions (_Query._parts) over a MemoryIndex, as masks of documents."""

    def __init__(self, index: memory.MemoryIndex, query: _Query):
        self.index = index
        self.query = query
        self.params = query.params
        self._distances: np.ndarray | None = None
        self._checked: np.ndarray | None = None  # the offers asked about opening hours
        self._open: np.ndarray | None = None

    def distances(self) -> np.ndarray:
        """Per document, the squared metres of its nearest point from the centre."""
        if self._distances is None:
            centre = self.params.centre
            self._distances = self.index.squared_distances(
                centre.latitude, centre.longitude, self.query.distance_scale(), METRES_PER_DEGREE
            )
        return self._distances

    def scores(self) -> np.ndarray:
        """Per document, its relevance: per query word the score of the word found."""
        total = np.zeros(self.index.size, dtype=np.int64)
        for term in self.query.terms:
            found = self.index.scores_of(term)
            total[found.documents] += found.scores
        return total

    def mask(self, without: str | None = None) -> np.ndarray:
        """The matching documents, with one condition left out on request."""
        index, params = self.index, self.params
        mask = np.ones(index.size, dtype=bool)
        for number, term in enumerate(self.query.terms):
            if without == f"term:{number}":
                continue
            if not term:
                return np.zeros(index.size, dtype=bool)
            found = np.zeros(index.size, dtype=bool)
            found[index.documents_matching(term)] = True
            mask &= found
        age = params.age_months
        if age is not None and without != "age":
            with np.errstate(invalid="ignore"):  # NaN, an open end, compares False
                mask &= (np.isnan(index.min_age) | (index.min_age <= age)) & (
                    np.isnan(index.max_age) | (index.max_age > age)
                )
        for prefix in params.selected:
            if without != prefix:
                mask &= index.documents_with(params.facet_keys(prefix))
        if params.centre and params.radius_km and without != "radius":
            radius_m = params.radius_km * 1000
            mask &= self.distances() <= radius_m * radius_m
        if params.open_now and without != "open_now":
            mask &= self._open_among(mask)
        return mask

    def _open_among(self, candidates: np.ndarray) -> np.ndarray:
        """Which of the candidates are open now, asking the database about each offer once:
        opening hours are not part of the index."""
        index = self.index
        if self._checked is None:
            self._checked = np.zeros(index.size, dtype=bool)
            self._open = np.zeros(index.size, dtype=bool)
        unknown = np.flatnonzero(candidates & ~self._checked)
        condition, condition_params = self.query.open_now_sql()
        for start in range(0, len(unknown), OPEN_NOW_CHUNK):
            ids = [index.ids[position] for position in unknown[start : start + OPEN_NOW_CHUNK]]
            marks = ", ".join(["%s"] * len(ids))
            rows = _fetch(
                f"SELECT DISTINCT s.service_id FROM catalogue_schedule s "
                f"WHERE s.service_id IN ({marks}) AND {condition}",
                ids + condition_params,
            )
            self._open |= index.positions_of(row[0] for row in rows)
        self._checked[unknown] = True
        return self._open


def _search_in_memory(
    index: memory.MemoryIndex, query: _Query, order: str, page_size: int
) -> SearchOutcome:
    """`search` for a Kommune held in memory: the same page, total, counts and relaxations."""
    params = query.params
    match = _MemoryMatch(index, query)
    mask = match.mask()
    matched = np.flatnonzero(mask)
    scores = match.scores() if order == "relevanz" else None
    distances = match.distances() if order == "entfernung" else None
    offset = (params.page - 1) * page_size
    wanted = offset + page_size
    page = memory.first_in_order(matched, order, wanted, scores, distances)[offset:]
    hits = [
        Hit(
            service_id=index.ids[position],
            score=int(scores[position]) if scores is not None else 0,
            distance_m=memory.metres(distances[position]) if distances is not None else None,
        )
        for position in page
    ]
    _explain(hits, query.terms)
    facet_counts = index.facet_counts(mask)
    for prefix in params.selected:
        facet_counts = {
            key: count for key, count in facet_counts.items() if key.split(":", 1)[0] != prefix
        }
        facet_counts.update(index.facet_counts(match.mask(without=prefix), prefix))
    total = len(matched)
    outcome = SearchOutcome(hits=hits, total=total, facet_counts=facet_counts, terms=query.terms)
    if total == 0:
        for constraint in _constraints(query):
            count = int(match.mask(without=constraint).sum())
            if count:
                outcome.relaxations.append((constraint, count))
    return outcome


def _explain(hits: list[Hit], terms: list[TermMatch]) -> None:
    """Which indexed word each query word found in each hit, for "why this result"."""
    if not hits or not terms:
        return
    wanted = sorted(frozenset().union(*(term.words for term in terms)))
    if not wanted:
        return
    ids = [hit.service_id for hit in hits]
    id_marks = ", ".join(["%s"] * len(ids))
    word_marks = ", ".join(["%s"] * len(wanted))
    rows = _fetch(
        f"SELECT document_id, word, weight FROM search_offerword "
        f"WHERE document_id IN ({id_marks}) AND word IN ({word_marks})",
        ids + wanted,
    )
    found: dict[object, dict[str, int]] = defaultdict(dict)
    for document_id, word, weight in rows:
        found[str(document_id).replace("-", "")][word] = weight
    for hit in hits:
        words = found.get(str(hit.service_id).replace("-", ""), {})
        for term in terms:
            best = max(
                ((weight, word) for word, weight in words.items() if word in term.words),
                default=None,
            )
            if best:
                hit.matched_words.append((term.query, best[1], best[0]))


def result_points(
    params: SearchParams, kommune_ids: list[int], *, limit: int, now: dt.datetime | None = None
) -> list[tuple]:
    """(offer id, offer name, Kommune id, latitude, longitude) of the result's locations, nearest or
    first by name, at most `limit` of them: what a map of the result draws."""
    terms = _expand(params.terms, kommune_ids)
    query = _Query(params, kommune_ids, terms, now or timezone.now())
    generation = _generation(kommune_ids)
    if _documents(kommune_ids, generation) >= memory.MIN_DOCUMENTS:
        index = memory.index_for(kommune_ids, generation)
        return _points_in_memory(index, query, _order(params, bool(terms)), limit)
    matched, matched_params = query.matched()
    if _order(params, bool(terms)) == "entfernung":
        distance, distance_params = query._distance_sql("p")
        ordering, order_params = f"{distance}", distance_params
    else:
        ordering, order_params = "m.sort_name", []
    sql = (
        f"WITH matched AS ({matched}) "
        f"SELECT p.document_id, s.name, s.kommune_id, p.latitude, p.longitude "
        f"FROM matched m JOIN search_offerpoint p ON p.document_id = m.id "
        f"JOIN catalogue_service s ON s.id = m.id ORDER BY {ordering}, m.id LIMIT %s"
    )
    return _fetch(sql, matched_params + order_params + [limit])


def _points_in_memory(
    index: memory.MemoryIndex, query: _Query, order: str, limit: int
) -> list[tuple]:
    """`result_points` for a Kommune held in memory: the same points in the same order (the
    points of one offer at the same distance, or ordered by name, in the index's order)."""
    match = _MemoryMatch(index, query)
    chosen = np.flatnonzero(match.mask()[index.point_documents])
    if order == "entfernung":
        centre = query.params.centre
        distances = index.point_distances(
            centre.latitude, centre.longitude, query.distance_scale(), METRES_PER_DEGREE
        )[chosen]
        chosen = chosen[np.lexsort((index.id_ranks[index.point_documents[chosen]], distances))]
    chosen = chosen[:limit]
    documents = index.point_documents[chosen]
    ids = [index.ids[position] for position in dict.fromkeys(documents.tolist())]
    names: dict = {}
    for start in range(0, len(ids), OPEN_NOW_CHUNK):
        part = ids[start : start + OPEN_NOW_CHUNK]
        marks = ", ".join(["%s"] * len(part))
        for service_id, name, kommune_id in _fetch(
            f"SELECT id, name, kommune_id FROM catalogue_service WHERE id IN ({marks})", part
        ):
            names[service_id] = (name, kommune_id)
    rows = []
    for point, position in zip(chosen.tolist(), documents.tolist(), strict=True):
        service_id = index.ids[position]
        if service_id in names:  # an offer deleted meanwhile has no name to show
            name, kommune_id = names[service_id]
            rows.append(
                (
                    service_id,
                    name,
                    kommune_id,
                    float(index.point_latitudes[point]),
                    float(index.point_longitudes[point]),
                )
            )
    return rows
