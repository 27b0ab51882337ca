"""What every analysis of a Kommune reads from the database, read once per data state.

The areas (geography.py), the population per unit (population.py), the countable offers
(supply.py), the vocabularies, and where people live (reach.py's population points), kept
in the process while the data stay the same (cache.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from lueckenlos.analysis.cache import data_state, kept_basis
from lueckenlos.analysis.geography import AreaFrame, AreaInfo, area_frame
from lueckenlos.analysis.population import UnitPopulation, unit_population
from lueckenlos.analysis.selection import TermInfo, term_names, vocabulary_terms
from lueckenlos.analysis.supply import OfferSnapshot, offer_snapshot
from lueckenlos.areas.models import AreaLevel, Kommune
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE, TRANSITION

if TYPE_CHECKING:
    from lueckenlos.analysis.reach import PopulationPoints


@dataclass
class Basis:
    kommune: Kommune
    state: tuple
    frame: AreaFrame
    population: UnitPopulation
    offers: OfferSnapshot
    names: dict[str, str]  # "vocabulary:code" → German name
    phases: list[TermInfo]
    fields: list[TermInfo]
    transitions: list[TermInfo]
    _points: dict = field(default_factory=dict)
    _point_areas: dict = field(default_factory=dict)

    @property
    def phase_ages(self) -> dict[str, tuple[int | None, int | None]]:
        return {p.code: (p.min_age_months, p.max_age_months) for p in self.phases}

    def level_areas(self, level: AreaLevel | None) -> list[AreaInfo]:
        return self.frame.at_level(level)

    def unit_to_area(self, level: AreaLevel | None) -> np.ndarray:
        """Per unit, the index (in level_areas) of the area of `level` containing it; -1."""
        areas = self.level_areas(level)
        position = {area.pk: i for i, area in enumerate(areas)}
        result = np.full(len(self.frame.units), -1, dtype=np.int64)
        if level is None:
            return result
        for i, unit in enumerate(self.frame.units):
            found = self.frame.containing(unit.path, level)
            if found is not None:
                result[i] = position[found.pk]
        return result

    def point_to_area(self, level: AreaLevel | None) -> np.ndarray:
        """Per offer point, the index (in level_areas) of the area containing it; -1."""
        key = level.pk if level is not None else None
        if key not in self._point_areas:
            areas = self.level_areas(level)
            position = {area.pk: i for i, area in enumerate(areas)}
            by_path: dict[str, int] = {}
            result = np.full(len(self.offers.point_path), -1, dtype=np.int64)
            if level is not None:
                for i, path in enumerate(self.offers.point_path):
                    if path not in by_path:
                        found = self.frame.containing(path, level) if path else None
                        by_path[path] = position[found.pk] if found is not None else -1
                    result[i] = by_path[path]
            self._point_areas[key] = result
        return self._point_areas[key]

    def points(self, *, use_grid: bool = True) -> PopulationPoints:
        """Where the Kommune's people live (see reach.py), built on first use."""
        from lueckenlos.analysis.reach import population_points

        if use_grid not in self._points:
            self._points[use_grid] = population_points(self, use_grid=use_grid)
        return self._points[use_grid]


def analysis_basis(
    kommune: Kommune, *, on: dt.date | None = None, state: tuple | None = None
) -> Basis:
    """The Kommune's basis for the current data (`state` when the caller has it already)."""
    state = state if state is not None else data_state(kommune)

    def build() -> Basis:
        frame = area_frame(kommune, on=on)
        return Basis(
            kommune=kommune,
            state=state,
            frame=frame,
            population=unit_population(frame),
            offers=offer_snapshot(kommune),
            names=term_names(),
            phases=vocabulary_terms(LIFE_PHASE),
            fields=vocabulary_terms(FIELD_OF_ACTION),
            transitions=vocabulary_terms(TRANSITION),
        )

    return kept_basis(f"basis:{on}", kommune, state, build)


def level_of(kommune: Kommune, level: AreaLevel | int | str | None) -> AreaLevel | None:
    """The Kommune's area level by object, primary key, depth or name (None: no areas)."""
    if level is None or isinstance(level, AreaLevel):
        return level
    levels = list(AreaLevel.objects.for_kommune(kommune))
    for candidate in levels:
        if candidate.name == level:
            return candidate
    for candidate in levels:
        if str(candidate.depth) == str(level):
            return candidate
    raise AreaLevel.DoesNotExist(f"{kommune.slug} has no area level {level!r}")
