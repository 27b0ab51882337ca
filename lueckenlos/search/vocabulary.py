"""What a query word stands for in a Kommune's offers.

Each search process keeps every Kommune's vocabulary (the indexed words with their stems) in
memory and reads only the rows added since it last looked: one indexed MAX() per search.
(A county searching hundreds of towns at once may hold more than CACHED_KOMMUNEN; then
some are read again, which is correct, only slower.) A
query word is then expanded, in memory, to the indexed words it should find:

- strong: the same stem ("Hebammen" -> hebamme), or a word that starts with it ("Schwimm" ->
  schwimmkurs, "Kurse" -> kurs);
- weak: a compound that contains it ("Beratung" -> erziehungsberatung), or, only when nothing
  else matches a word of five letters or more, a word one typo away ("Schwimkurs").
The SQL then asks for exact words only, which every database answers from an index.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from lueckenlos.areas.models import Kommune
from lueckenlos.search.models import VocabularyWord
from lueckenlos.search.text import fold, stem

MIN_PREFIX = 3
MIN_COMPOUND_PART = 4
MIN_FUZZY = 5
# More expansions than this make a query slow and its results meaningless; keep the shortest.
MAX_EXPANSION = 300
CACHED_KOMMUNEN = 64


@dataclass(frozen=True)
class TermMatch:
    """One query word and the indexed words it matches."""

    query: str
    folded: str
    strong: frozenset[str]
    weak: frozenset[str]
    fuzzy: bool = False

    @property
    def words(self) -> frozenset[str]:
        return self.strong | self.weak

    def __bool__(self) -> bool:
        return bool(self.strong or self.weak)


@dataclass
class Vocabulary:
    last_id: int = 0
    words: list[str] = field(default_factory=list)  # sorted
    by_stem: dict[str, list[str]] = field(default_factory=dict)
    _expansions: dict[str, TermMatch] = field(default_factory=dict)

    def add(self, rows: list[tuple[int, str, str]]) -> None:
        known = set(self.words)
        for pk, word, word_stem in rows:
            self.last_id = max(self.last_id, pk)
            if word not in known:
                known.add(word)
                self.by_stem.setdefault(word_stem, []).append(word)
        self.words = sorted(known)
        self._expansions.clear()

    def has(self, word: str) -> bool:
        index = bisect.bisect_left(self.words, word)
        return index < len(self.words) and self.words[index] == word

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.words, prefix)
        end = bisect.bisect_left(self.words, prefix + "\U0010ffff")
        return self.words[start:end]

    def expand(self, query_word: str) -> TermMatch:
        if query_word not in self._expansions:
            if len(self._expansions) > 10_000:
                self._expansions.clear()
            self._expansions[query_word] = self._expand(query_word)
        return self._expansions[query_word]

    def _expand(self, query_word: str) -> TermMatch:
        folded = fold(query_word)
        word_stem = stem(folded)
        strong = set(self.by_stem.get(word_stem, ()))
        # "Kurse" (stem kurs) finds "Kurs" (stem kur): the query's stem as a word of its own.
        strong.update(word for word in (folded, word_stem) if self.has(word))
        if len(folded) >= MIN_PREFIX:
            strong.update(self.with_prefix(folded))
        if len(word_stem) >= MIN_COMPOUND_PART:
            strong.update(self.with_prefix(word_stem))
        parts = {part for part in (folded, word_stem) if len(part) >= MIN_COMPOUND_PART}
        weak = {word for word in self.words if any(part in word for part in parts)} - strong
        fuzzy = False
        if not strong and not weak and len(folded) >= MIN_FUZZY:
            weak = self._one_typo_away(folded, word_stem)
            fuzzy = bool(weak)
        return TermMatch(
            query=query_word,
            folded=folded,
            strong=frozenset(_shortest(strong)),
            weak=frozenset(_shortest(weak)),
            fuzzy=fuzzy,
        )

    def _one_typo_away(self, folded: str, word_stem: str) -> set[str]:
        near = {
            word
            for word, _distance, _index in process.extract(
                folded,
                self.words,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=1,
                limit=MAX_EXPANSION,
            )
        }
        # "Schwimkurse": a typo and an inflection at once, matched on the stems.
        for other_stem, _distance, _index in process.extract(
            word_stem,
            list(self.by_stem),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=1,
            limit=MAX_EXPANSION,
        ):
            near.update(self.by_stem[other_stem])
        return near


def _shortest(found: set[str]) -> list[str]:
    if len(found) <= MAX_EXPANSION:
        return list(found)
    return sorted(found, key=lambda word: (len(word), word))[:MAX_EXPANSION]


_cache: OrderedDict[int, Vocabulary] = OrderedDict()
_lock = threading.Lock()


def vocabularies_for(kommune_ids: list[int]) -> list[Vocabulary]:
    """The Kommunen's vocabularies, brought up to date with one indexed query for all."""
    # One lookup of the greatest id per Kommune: grouping all the Kommune's words by
    # kommune_id read each of them (SQLite, 21,000 words: 1.5 ms against 0.01 ms).
    marks = ", ".join(["%s"] * len(kommune_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k.id, (SELECT MAX(v.id) FROM {VocabularyWord._meta.db_table} v "  # noqa: S608
            f"WHERE v.kommune_id = k.id) FROM {Kommune._meta.db_table} k WHERE k.id IN ({marks})",
            list(kommune_ids),
        )
        latest = dict(cursor.fetchall())
    found = []
    with _lock:
        for kommune_id in kommune_ids:
            last = latest.get(kommune_id) or 0
            vocabulary = _cache.get(kommune_id)
            if vocabulary is None or last < vocabulary.last_id:
                vocabulary = Vocabulary()
            if last > vocabulary.last_id:
                vocabulary.add(
                    list(
                        VocabularyWord.objects.filter(
                            kommune_id=kommune_id, id__gt=vocabulary.last_id
                        ).values_list("id", "word", "stem")
                    )
                )
            _cache[kommune_id] = vocabulary
            _cache.move_to_end(kommune_id)
            found.append(vocabulary)
        while len(_cache) > CACHED_KOMMUNEN:
            _cache.popitem(last=False)
    return found


def vocabulary_for(kommune_id: int) -> Vocabulary:
    return vocabularies_for([kommune_id])[0]


def forget_vocabularies() -> None:
    """Drop what this process holds (tests, where rolled-back ids come round again)."""
    with _lock:
        _cache.clear()
