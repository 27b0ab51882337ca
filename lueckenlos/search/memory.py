"""The search index of a large Kommune held in memory, for the searches SQL answers too slowly.

With 100,000 offers in one Kommune a search near a point within a radius cannot be counted
ahead: SQLite matched, paged and counted facets with three passes over tens of thousands of
rows (up to 250 ms). A search process therefore keeps the documents, facet keys and points of
each large Kommune (at least MIN_DOCUMENTS offers) as arrays, read once per index generation
(IndexGeneration), and the documents each expanded query word names, read once per word and
generation. A search is then a few array operations. Smaller Kommunen stay with the SQL of
lueckenlos.search.engine, which answers them quickly and is the reference: the same search
gives the same results, in the same order, with the same counts (the tests run both).

The order of names is the database's own (read with ORDER BY sort_name, service_id), so
collations do not matter; distances use the engine's formula in the same double precision.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from lueckenlos.search.vocabulary import TermMatch

MIN_DOCUMENTS = 20_000
# Indexes kept per process (a county and its towns are each one), and per index the
# documents of this many expanded query words.
CACHED_INDEXES = 4
CACHED_TERMS = 256


def _chunks(sql: str, params: list, size: int = 20_000):
    """The rows in lists of `size`: a million rows fetched at once held 140 MB of tuples."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows


def _fetch(sql: str, params: list) -> list[tuple]:
    """Rows of SQL assembled from fixed fragments and placeholders (hence `noqa: S608`):
    every value is a parameter."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Term:
    """The documents a query word matches (positions, ascending) and its score in each:
    the weight of the field it was found in, doubled for a strong match."""

    documents: np.ndarray
    scores: np.ndarray


@dataclass
class MemoryIndex:
    """The index of the Kommunen searched together, as arrays over their documents; a
    document is known by its position in the order of names."""

    kommune_ids: tuple[int, ...]
    generation: int
    # Service ids in the database's order of (sort_name, service_id): a position is a rank.
    ids: list
    min_age: np.ndarray  # months, NaN where open
    max_age: np.ndarray
    key_names: list[str]
    key_prefixes: np.ndarray  # per key: index into prefix_names
    prefix_names: list[str]
    # The facet rows ordered by key: the documents of key k are
    # key_documents[key_starts[k]:key_starts[k + 1]].
    key_documents: np.ndarray
    key_starts: np.ndarray
    # The same rows ordered by document: the keys of document d are
    # document_keys[document_starts[d]:document_starts[d + 1]].
    document_keys: np.ndarray
    document_starts: np.ndarray
    all_counts: np.ndarray  # per key, the documents with it
    # The points ordered by document: the documents with points and where theirs start.
    point_documents: np.ndarray
    point_latitudes: np.ndarray
    point_longitudes: np.ndarray
    pointed_documents: np.ndarray
    point_starts: np.ndarray
    # Per document, the rank of its service id in the database's order of ids.
    id_ranks: np.ndarray
    position: dict = field(repr=False, default_factory=dict)
    key_numbers: dict[str, int] = field(repr=False, default_factory=dict)
    _terms: OrderedDict = field(repr=False, default_factory=OrderedDict)
    _lock: threading.Lock = field(repr=False, default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return len(self.ids)

    # --- Reading -----------------------------------------------------------------------

    @classmethod
    def load(cls, kommune_ids: tuple[int, ...], generation: int) -> MemoryIndex:
        marks = ", ".join(["%s"] * len(kommune_ids))
        documents = _fetch(
            "SELECT service_id, min_age_months, max_age_months FROM search_offerdocument "  # noqa: S608
            f"WHERE kommune_id IN ({marks}) ORDER BY sort_name, service_id",
            list(kommune_ids),
        )
        ids = [row[0] for row in documents]
        position = {service_id: index for index, service_id in enumerate(ids)}
        min_age = np.array(
            [np.nan if row[1] is None else row[1] for row in documents], dtype=np.float64
        )
        max_age = np.array(
            [np.nan if row[2] is None else row[2] for row in documents], dtype=np.float64
        )

        key_numbers: dict[str, int] = {}
        document_parts, key_parts = [], []
        for rows in _chunks(
            f"SELECT document_id, key FROM search_offerfacet WHERE kommune_id IN ({marks})",  # noqa: S608
            list(kommune_ids),
        ):
            document_parts.append(
                np.fromiter((position.get(row[0], -1) for row in rows), np.int32, len(rows))
            )
            key_parts.append(
                np.fromiter(
                    (key_numbers.setdefault(row[1], len(key_numbers)) for row in rows),
                    np.int32,
                    len(rows),
                )
            )
        facet_documents = np.concatenate([np.zeros(0, np.int32), *document_parts])
        facet_keys = np.concatenate([np.zeros(0, np.int32), *key_parts])
        known = facet_documents >= 0  # a document written after the documents were read
        facet_documents, facet_keys = facet_documents[known], facet_keys[known]
        key_names = list(key_numbers)
        prefix_names = sorted({key.split(":", 1)[0] for key in key_names})
        prefix_numbers = {prefix: index for index, prefix in enumerate(prefix_names)}
        key_prefixes = np.array(
            [prefix_numbers[key.split(":", 1)[0]] for key in key_names], dtype=np.int32
        )
        by_key = np.argsort(facet_keys, kind="stable")
        key_starts = np.searchsorted(facet_keys[by_key], np.arange(len(key_names) + 1))
        by_document = np.argsort(facet_documents, kind="stable")
        document_starts = np.searchsorted(facet_documents[by_document], np.arange(len(ids) + 1))

        points = _fetch(
            "SELECT p.document_id, p.latitude, p.longitude FROM search_offerpoint p "  # noqa: S608
            "JOIN search_offerdocument d ON d.service_id = p.document_id "
            f"WHERE d.kommune_id IN ({marks})",
            list(kommune_ids),
        )
        point_documents = np.fromiter(
            (position.get(row[0], -1) for row in points), dtype=np.int64, count=len(points)
        )
        latitudes = np.array([row[1] for row in points], dtype=np.float64)
        longitudes = np.array([row[2] for row in points], dtype=np.float64)
        by_point = np.argsort(point_documents, kind="stable")
        point_documents = point_documents[by_point]
        kept = point_documents >= 0
        point_documents = point_documents[kept]
        pointed_documents, point_starts = np.unique(point_documents, return_index=True)

        return cls(
            kommune_ids=kommune_ids,
            generation=generation,
            ids=ids,
            min_age=min_age,
            max_age=max_age,
            key_names=key_names,
            key_prefixes=key_prefixes,
            prefix_names=prefix_names,
            key_documents=facet_documents[by_key],
            key_starts=key_starts,
            document_keys=facet_keys[by_document],
            document_starts=document_starts,
            all_counts=np.bincount(facet_keys, minlength=len(key_names)),
            point_documents=point_documents,
            point_latitudes=latitudes[by_point][kept],
            point_longitudes=longitudes[by_point][kept],
            pointed_documents=pointed_documents,
            point_starts=point_starts,
            # str on SQLite, UUID on PostgreSQL: Python orders either as the database does.
            id_ranks=np.argsort(sorted(range(len(ids)), key=ids.__getitem__)),
            position=position,
            key_numbers=key_numbers,
        )

    def documents_matching(self, term: TermMatch) -> np.ndarray:
        """The positions of the documents the expanded word matches, ascending."""
        return self._term(("documents", term.words), lambda: self._read_documents(term))

    def scores_of(self, term: TermMatch) -> Term:
        """The documents the expanded word matches with its score in each: the weight of
        the field it was found in, doubled for a strong match (only relevance needs it)."""
        return self._term(("scores", term.words, term.strong), lambda: self._read_scores(term))

    def _term(self, cache_key: tuple, read):
        """What a word matches, read once per index generation."""
        with self._lock:
            found = self._terms.get(cache_key)
            if found is not None:
                self._terms.move_to_end(cache_key)
                return found
        found = read()
        with self._lock:
            self._terms[cache_key] = found
            while len(self._terms) > CACHED_TERMS:
                self._terms.popitem(last=False)
        return found

    def _word_rows(self, columns: str, term: TermMatch) -> list[tuple]:
        words = sorted(term.words)
        if not words:  # a word nothing matches (and PostgreSQL refuses "IN ()")
            return []
        kommunes = ", ".join(["%s"] * len(self.kommune_ids))
        return _fetch(
            f"SELECT {columns} FROM search_offerword WHERE kommune_id IN ({kommunes}) "  # noqa: S608
            f"AND word IN ({', '.join(['%s'] * len(words))})",
            [*self.kommune_ids, *words],
        )

    def _read_documents(self, term: TermMatch) -> np.ndarray:
        # The document ids alone come from the index (kommune, word, document) without
        # visiting the table: "familie" in 100,000 offers, 70,000 rows: 40 ms against 600.
        rows = self._word_rows("document_id", term)
        position = self.position
        # A document written after this index was read belongs to the next generation.
        found = np.fromiter(
            (position.get(row[0], -1) for row in rows), dtype=np.int64, count=len(rows)
        )
        return np.unique(found[found >= 0])

    def _read_scores(self, term: TermMatch) -> Term:
        # Plain rows, grouped here: SQLite's GROUP BY sorted every row of a broad word
        # (20,000 rows of "beratung": 100 ms against 6 ms for the rows alone).
        rows = self._word_rows("document_id, word, weight", term)
        position = self.position
        strong = term.strong
        best: dict[int, int] = {}
        for document_id, word, weight in rows:
            index = position.get(document_id)
            if index is None:
                continue
            score = weight * 2 if word in strong else weight
            if score > best.get(index, -1):
                best[index] = score
        documents = np.fromiter(best, dtype=np.int64, count=len(best))
        scores = np.fromiter(best.values(), dtype=np.int64, count=len(best))
        order = np.argsort(documents)
        return Term(documents[order], scores[order])

    # --- Answering ---------------------------------------------------------------------

    def documents_with(self, keys: list[str]) -> np.ndarray:
        """A mask of the documents with any of the facet keys."""
        mask = np.zeros(self.size, dtype=bool)
        for key in keys:
            number = self.key_numbers.get(key)
            if number is not None:
                start, end = self.key_starts[number], self.key_starts[number + 1]
                mask[self.key_documents[start:end]] = True
        return mask

    def positions_of(self, service_ids) -> np.ndarray:
        """A mask of the documents with these service ids."""
        mask = np.zeros(self.size, dtype=bool)
        found = [self.position[i] for i in service_ids if i in self.position]
        mask[np.array(found, dtype=np.int64)] = True
        return mask

    def point_distances(self, latitude: float, longitude: float, scale: float, per_metre):
        """Per point, its squared distance from the centre in the engine's formula
        (lueckenlos.search.engine._Query._distance_sql), in the same double precision."""
        north = (self.point_latitudes - latitude) * per_metre
        east = (self.point_longitudes - longitude) * scale
        return north * north + east * east

    def squared_distances(self, latitude: float, longitude: float, scale: float, per_metre):
        """Per document, the least squared distance of its points from the centre; inf
        without one."""
        per_point = self.point_distances(latitude, longitude, scale, per_metre)
        result = np.full(self.size, np.inf)
        if len(per_point):
            result[self.pointed_documents] = np.minimum.reduceat(per_point, self.point_starts)
        return result

    def facet_counts(self, mask: np.ndarray, prefix: str | None = None) -> dict[str, int]:
        """Count per facet key over the documents of the mask (only the prefix's keys)."""
        if mask.sum() * 2 <= self.size:
            counts = self._key_counts(np.flatnonzero(mask))
        else:  # most documents: all of them less the few others
            counts = self.all_counts - self._key_counts(np.flatnonzero(~mask))
        wanted = counts > 0
        if prefix is not None:
            if prefix not in self.prefix_names:
                return {}
            wanted &= self.key_prefixes == self.prefix_names.index(prefix)
        return {self.key_names[k]: int(counts[k]) for k in np.flatnonzero(wanted)}

    def _key_counts(self, documents: np.ndarray) -> np.ndarray:
        """Per key, how many of the documents have it: their own facet rows gathered."""
        starts = self.document_starts[documents]
        lengths = self.document_starts[documents + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        keys = self.document_keys[offsets + np.arange(lengths.sum())]
        return np.bincount(keys, minlength=len(self.key_names))


_indexes: OrderedDict[tuple[int, ...], MemoryIndex] = OrderedDict()
_indexes_lock = threading.Lock()
_loading_lock = threading.Lock()


def index_for(kommune_ids: list[int], generation: int) -> MemoryIndex:
    """The Kommunen's index as of the generation, read when this process has none as new."""
    key = tuple(kommune_ids)
    with _indexes_lock:
        found = _indexes.get(key)
        if found is not None and found.generation == generation:
            _indexes.move_to_end(key)
            return found
    with _loading_lock:  # one read at a time: two threads would read the same rows twice
        with _indexes_lock:
            found = _indexes.get(key)
            if found is not None and found.generation == generation:
                return found
        found = MemoryIndex.load(key, generation)
        with _indexes_lock:
            _indexes[key] = found
            _indexes.move_to_end(key)
            while len(_indexes) > CACHED_INDEXES:
                _indexes.popitem(last=False)
    return found


def forget_indexes() -> None:
    """Drop what this process holds (tests, where rolled-back generations come round again)."""
    with _indexes_lock:
        _indexes.clear()


def first_in_order(matched: np.ndarray, order: str, wanted: int, scores, distances):
    """The first `wanted` of the matched documents (positions, ascending) in the page order
    of the engine's SQL: by distance or score, then by name (the position). Only the
    documents that can be among them are sorted: all of 70,000 took 7 ms."""
    if order not in ("relevanz", "entfernung"):
        return matched[:wanted]
    keys = -scores[matched] if order == "relevanz" else distances[matched]
    if wanted < len(matched):
        last = np.partition(keys, wanted - 1)[wanted - 1] if wanted else -np.inf
        near = keys <= last  # every document before the cut, and all that tie with it
        matched, keys = matched[near], keys[near]
    return matched[np.lexsort((matched, keys))][:wanted]


def metres(squared: float) -> float | None:
    return math.sqrt(squared) if math.isfinite(squared) else None
