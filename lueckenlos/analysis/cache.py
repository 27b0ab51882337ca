"""Cached analysis results: valid while nothing they are computed from has changed.

A result is kept in Django's cache under a key made of the Kommune, the kind of result,
its parameters and a *state* of the data:

- the Kommune's AnalysisGeneration (and that of the Kommunen it contains), counted up by
  signals when areas, population figures, age bands, indicators, the grid or locations
  are saved or deleted (lueckenlos.analysis.signals) and by the grid import;
- the search index's IndexGeneration of the same Kommunen: every change of an offer, its
  terms or locations, including bulk imports, re-indexes the offer and counts it up
  (lueckenlos.search.indexing), so offers need no signals of their own here;
- a fingerprint (rows, highest id, sum) of population figures, indicator values, areas,
  age bands and vocabulary terms: their importers write in bulk, which sends no signals,
  and terms are shared by all Kommunen;
- the day: offers unconfirmed for too long drop out of the count as days pass.

Computing the state costs a handful of small aggregate queries. Arrays read from the
database (offers, population points) are kept per process for the same state.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from lueckenlos.analysis.models import AnalysisGeneration
from lueckenlos.areas.models import AgeBand, Area, Kommune, PopulationCount
from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.monitoring.models import IndicatorValue
from lueckenlos.search.models import IndexGeneration

T = TypeVar("T")

CACHE_PREFIX = "lueckenlos-analysis"
CACHE_SECONDS = 24 * 3600
# Arrays kept per process (offers, population points), by Kommune and state.
BASES_KEPT = 8

_bases: OrderedDict[tuple, Any] = OrderedDict()
_bases_lock = threading.Lock()


def touch(kommune_ids: list[int] | set[int]) -> None:
    """Count a change of what these Kommunen's analysis is computed from, and of the
    Kommunen containing them (a county's analysis includes its towns).

    Only rows that exist are counted up: data_state() creates a Kommune's row before any
    result is computed, so a Kommune without one has nothing cached. (Creating rows here
    could create one for a Kommune whose deletion is cascading to its areas.)
    """
    ids = set(kommune_ids)
    frontier = set(ids)
    while frontier:
        frontier = (
            set(
                Kommune.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                    "parent_id", flat=True
                )
            )
            - ids
        )
        ids |= frontier
    AnalysisGeneration.objects.filter(kommune_id__in=ids).update(generation=F("generation") + 1)


def _ensure_generations(ids: list[int]) -> None:
    present = set(
        AnalysisGeneration.objects.filter(kommune_id__in=ids).values_list("kommune_id", flat=True)
    )
    missing = [pk for pk in ids if pk not in present]
    if missing:
        AnalysisGeneration.objects.bulk_create(
            [AnalysisGeneration(kommune_id=pk) for pk in missing], ignore_conflicts=True
        )


def data_state(kommune: Kommune) -> tuple:
    """What the Kommune's results depend on, as comparable values (see the module docstring)."""
    ids = kommune.descendant_ids()
    _ensure_generations(ids)
    generation = AnalysisGeneration.objects.filter(kommune_id__in=ids).aggregate(
        s=Sum("generation")
    )["s"]
    index = IndexGeneration.objects.filter(kommune_id__in=ids).aggregate(s=Sum("generation"))["s"]
    figures = PopulationCount.objects.filter(area__kommune_id__in=ids).aggregate(
        n=Count("pk"), m=Max("pk"), s=Sum("count")
    )
    indicators = IndicatorValue.objects.filter(area__kommune_id__in=ids).aggregate(
        n=Count("pk"), m=Max("pk"), s=Sum("value")
    )
    areas = Area.objects.filter(kommune_id__in=ids).aggregate(n=Count("pk"), m=Max("pk"))
    bands = AgeBand.objects.filter(kommune_id__in=ids).aggregate(n=Count("pk"), m=Max("pk"))
    terms = TaxonomyTerm.objects.aggregate(
        n=Count("pk"), low=Sum("min_age_months"), high=Sum("max_age_months")
    )
    return (
        tuple(sorted(ids)),
        generation or 0,
        index or 0,
        tuple(figures.values()),
        tuple(round(v, 6) if isinstance(v, float) else v for v in indicators.values()),
        tuple(areas.values()),
        tuple(bands.values()),
        tuple(terms.values()),
        timezone.localdate().isoformat(),
    )


def _key(kind: str, kommune: Kommune, state: tuple, parameters: dict) -> str:
    text = json.dumps([kind, kommune.pk, state, parameters], sort_keys=True, default=str)
    return f"{CACHE_PREFIX}:{kind}:{kommune.pk}:" + hashlib.sha256(text.encode()).hexdigest()


def cached_result(
    kind: str,
    kommune: Kommune,
    parameters: dict,
    compute: Callable[[], T],
    *,
    state: tuple | None = None,
) -> T:
    """The cached result of `compute()` for these parameters, computed if absent or stale."""
    state = state if state is not None else data_state(kommune)
    key = _key(kind, kommune, state, parameters)
    found = cache.get(key)
    if found is not None:
        return found
    result = compute()
    cache.set(key, result, CACHE_SECONDS)
    return result


def kept_basis(name: str, kommune: Kommune, state: tuple, build: Callable[[], T]) -> T:
    """Arrays read from the database for this state, kept in the process (not pickled)."""
    key = (name, kommune.pk, state)
    with _bases_lock:
        found = _bases.get(key)
        if found is not None:
            _bases.move_to_end(key)
            return found
    built = build()
    with _bases_lock:
        _bases[key] = built
        while len(_bases) > BASES_KEPT:
            _bases.popitem(last=False)
    return built


def forget() -> None:
    """Drop every kept basis (tests, where rolled-back generations come round again)."""
    with _bases_lock:
        _bases.clear()
