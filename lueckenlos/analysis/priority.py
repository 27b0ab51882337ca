"""Priority: where need is high and supply is missing, per area and per area × cell.

Three components, each between 0 and 1:

- need: the area's value of the need indicator (need.py), scaled between the lowest
  (0) and the highest (1) value among the areas of the level;
- supply gap: how far the area falls short of the Kommune's offers per 1,000 children of
  the cell's age band: 1 − (area's rate ÷ Kommune's rate), at least 0 (so 1 without any
  offer); only where the area's children are known and not withheld;
- reach gap: the share of the cell's children who do NOT live within the chosen distance
  of a matching offer (reach.py).

priority = 100 × (w_need × need + w_supply × supply gap + w_reach × reach gap)
           ÷ (w_need + w_supply + w_reach)

The weights are the coordinator's to choose (default 1, 1, 1: equal). A component that
cannot be computed for an area (no indicator value; children figures withheld by the
small-number rule) is left out of that area's priority, and its weight with it, so that
a withheld figure can never be worked back out of a priority. An area's priority uses the
means of its cells' gaps; the cells are, unless chosen, every life phase × field of action
with at least one offer in the Kommune (a cell empty everywhere says nothing about areas).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.analysis.basis import Basis, analysis_basis, level_of
from lueckenlos.analysis.cache import cached_result, data_state
from lueckenlos.analysis.geography import AreaInfo
from lueckenlos.analysis.need import NeedTable, need_by_area
from lueckenlos.analysis.reach import DEFAULT_DISTANCE_M, compute_reach
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.analysis.suppression import Counts, SuppressionPolicy, suppress_small_numbers
from lueckenlos.areas.models import AreaLevel, Kommune

NEED = "need"
SUPPLY_GAP = "supply_gap"
REACH_GAP = "reach_gap"
COMPONENT_LABELS = {
    NEED: gettext_lazy("need"),
    SUPPLY_GAP: gettext_lazy("supply gap"),
    REACH_GAP: gettext_lazy("reach gap"),
}


@dataclass(frozen=True)
class PriorityWeights:
    """How much each component counts; defaults: all equal."""

    need: float = 1.0
    supply_gap: float = 1.0
    reach_gap: float = 1.0

    def __post_init__(self) -> None:
        if min(self.need, self.supply_gap, self.reach_gap) < 0:
            raise ValueError("weights cannot be negative")
        if self.need + self.supply_gap + self.reach_gap <= 0:
            raise ValueError("at least one weight must be above 0")

    def as_dict(self) -> dict[str, float]:
        return {NEED: self.need, SUPPLY_GAP: self.supply_gap, REACH_GAP: self.reach_gap}


def combine(components: dict[str, float | None], weights: PriorityWeights) -> float | None:
    """The weighted mean of the known components, times 100; None if none is known."""
    weight = weights.as_dict()
    known = {name: value for name, value in components.items() if value is not None}
    total = sum(weight[name] for name in known)
    if total <= 0:
        return None
    return 100.0 * sum(weight[name] * value for name, value in known.items()) / total


@dataclass
class CellPriority:
    area: AreaInfo
    selection: TermSelection
    need: float | None
    supply_gap: float | None
    reach_gap: float | None
    offers: int
    score: float | None
    rank: int = 0  # 1: most urgent, among all cells

    @property
    def left_out(self) -> list[str]:
        return [
            str(COMPONENT_LABELS[name])
            for name in (NEED, SUPPLY_GAP, REACH_GAP)
            if getattr(self, name) is None
        ]


@dataclass
class AreaPriority:
    area: AreaInfo
    need_value: float | None  # the indicator as published (or averaged), e.g. 38.8 %
    need: float | None
    supply_gap: float | None
    reach_gap: float | None
    score: float | None
    rank: int = 0  # 1: most urgent
    empty_cells: int = 0  # cells without any offer in the area

    @property
    def left_out(self) -> list[str]:
        return [
            str(COMPONENT_LABELS[name])
            for name in (NEED, SUPPLY_GAP, REACH_GAP)
            if getattr(self, name) is None
        ]


@dataclass
class PriorityReport:
    kommune_name: str
    level_name: str
    weights: PriorityWeights
    distance_m: int
    need: NeedTable
    selections: list[TermSelection]
    areas: list[AreaPriority]  # by rank
    cells: list[CellPriority] = field(default_factory=list)  # by rank
    names: dict[str, str] = field(default_factory=dict)
    reference_date: dt.date | None = None

    def formula_text(self) -> str:
        """The formula with the weights in use, for the page."""
        w = self.weights
        return _(
            "priority = 100 × (%(need)s × need + %(supply)s × supply gap + %(reach)s × reach "
            "gap) ÷ %(total)s"
        ) % {
            "need": _number(w.need),
            "supply": _number(w.supply_gap),
            "reach": _number(w.reach_gap),
            "total": _number(w.need + w.supply_gap + w.reach_gap),
        }

    def method_text(self) -> str:
        indicator = self.need.indicator_name or _("no indicator")
        return " ".join(
            [
                self.formula_text() + ".",
                _(
                    "Need: %(indicator)s, scaled from 0 (lowest area) to 1 (highest area). "
                    "Supply gap: 1 − offers per 1,000 children in the area ÷ the Kommune's, at "
                    "least 0 (1 where there is no offer). Reach gap: the share of children not "
                    "living within %(distance)s m of a matching offer."
                )
                % {"indicator": indicator, "distance": self.distance_m},
                _(
                    "A part that cannot be computed for an area (no indicator value, or "
                    "children figures withheld because they are small) is left out together "
                    "with its weight. An area's gaps are the means over the cells of life "
                    "phase × field of action that have offers in the Kommune."
                ),
            ]
        )

    def table_rows(self) -> list[dict]:
        """One row per area by rank, with plain values for a spreadsheet."""
        return [
            {
                "rank": entry.rank,
                "area_code": entry.area.code,
                "area": entry.area.name,
                "indicator": self.need.indicator_name,
                "indicator_value": entry.need_value,
                "need": entry.need,
                "supply_gap": entry.supply_gap,
                "reach_gap": entry.reach_gap,
                "priority": entry.score,
                "empty_cells": entry.empty_cells,
                "left_out": ", ".join(entry.left_out),
            }
            for entry in self.areas
        ]

    def cells_of(self, area_pk: int) -> list[CellPriority]:
        return [cell for cell in self.cells if cell.area.pk == area_pk]


def _number(value: float) -> str:
    return f"{value:g}"


def _rank(items: list, key) -> None:
    """Sort by score (highest first, unknown last) and number them."""
    items.sort(key=lambda item: (item.score is None, -(item.score or 0.0), key(item)))
    for position, item in enumerate(items, start=1):
        item.rank = position


def default_selections(basis: Basis) -> list[TermSelection]:
    """Every life phase × field of action with at least one offer in the Kommune."""
    chosen = []
    for phase in basis.phases:
        for field_term in basis.fields:
            selection = TermSelection.cell(phase.code, field_term.code)
            if basis.offers.mask(selection).any():
                chosen.append(selection)
    return chosen


def compute_priority(
    basis: Basis,
    *,
    level: AreaLevel | None,
    weights: PriorityWeights | None = None,
    distance_m: int = DEFAULT_DISTANCE_M,
    indicator_code: str | None = None,
    selections: Sequence[TermSelection] | None = None,
    policy: SuppressionPolicy | None = None,
    use_grid: bool = True,
) -> PriorityReport:
    """Priorities of the areas of `level` and of their cells (see the module docstring)."""
    weights = weights or PriorityWeights()
    policy = policy or SuppressionPolicy.from_settings()
    selections = list(selections) if selections is not None else default_selections(basis)
    areas = basis.level_areas(level)
    need = need_by_area(basis, level, indicator_code)
    raw = np.array(
        [
            np.nan
            if need.values.get(a.pk) is None or need.values[a.pk].value is None
            else need.values[a.pk].value
            for a in areas
        ],
        dtype=float,
    )
    known = np.isfinite(raw)
    scaled = np.full(len(areas), np.nan)
    if known.any():
        low, high = raw[known].min(), raw[known].max()
        scaled[known] = (raw[known] - low) / (high - low) if high > low else 0.5

    reach = compute_reach(
        basis, selections, distances=(distance_m,), level=level, policy=policy, use_grid=use_grid
    )
    unit_area = basis.unit_to_area(level)
    in_area = unit_area >= 0
    point_area = basis.point_to_area(level)
    offers = basis.offers
    area_count = len(areas)

    supply = np.full((len(selections), area_count), np.nan)
    reach_gap = np.full((len(selections), area_count), np.nan)
    offer_counts = np.zeros((len(selections), area_count), dtype=np.int64)
    cells: list[CellPriority] = []
    for s, selection in enumerate(selections):
        mask = offers.mask(selection)
        # Offers per area: once per area, however many locations it has there.
        chosen = (point_area >= 0) & mask[offers.point_offer]
        pairs = np.unique(offers.point_offer[chosen] * max(area_count, 1) + point_area[chosen])
        counts = np.bincount(pairs % max(area_count, 1), minlength=area_count)
        offer_counts[s] = counts
        estimate = basis.population.children(selection.age_range(basis.phase_ages))
        usable = in_area & np.isfinite(estimate.values)
        children = np.bincount(
            unit_area[usable], weights=estimate.values[usable], minlength=area_count
        )
        kommune_children = float(np.nansum(estimate.values))
        table = suppress_small_numbers(
            {a.pk: Counts(children[i], children[i]) for i, a in enumerate(areas)},
            totals={None: Counts(kommune_children, kommune_children)},
            policy=policy,
        )
        total_figure = table.totals[None]
        # Offers without a location are in no area: the Kommune's rate leaves them out too.
        kommune_rate = (
            (mask & offers.located).sum() / kommune_children
            if not total_figure.suppressed and kommune_children > 0
            else None
        )
        result = reach.result(selection, distance_m)
        for i, area in enumerate(areas):
            figure = table.cells[area.pk]
            # Only where the children are known and shown: an empty area with hardly any
            # children (a railway yard) is no gap, and a gap computed from withheld
            # children would give them away.
            if kommune_rate and not figure.suppressed and children[i] > 0:
                supply[s, i] = max(0.0, 1.0 - (counts[i] / children[i]) / kommune_rate)
            share = result.areas[i].figure.share
            if share is not None:
                reach_gap[s, i] = 1.0 - share
            components = {
                NEED: None if np.isnan(scaled[i]) else float(scaled[i]),
                SUPPLY_GAP: None if np.isnan(supply[s, i]) else float(supply[s, i]),
                REACH_GAP: None if np.isnan(reach_gap[s, i]) else float(reach_gap[s, i]),
            }
            cells.append(
                CellPriority(
                    area=area,
                    selection=selection,
                    need=components[NEED],
                    supply_gap=components[SUPPLY_GAP],
                    reach_gap=components[REACH_GAP],
                    offers=int(counts[i]),
                    score=combine(components, weights),
                )
            )

    area_results = []
    for i, area in enumerate(areas):
        supply_mean = _mean(supply[:, i])
        reach_mean = _mean(reach_gap[:, i])
        components = {
            NEED: None if np.isnan(scaled[i]) else float(scaled[i]),
            SUPPLY_GAP: supply_mean,
            REACH_GAP: reach_mean,
        }
        area_results.append(
            AreaPriority(
                area=area,
                need_value=None if np.isnan(raw[i]) else float(raw[i]),
                need=components[NEED],
                supply_gap=supply_mean,
                reach_gap=reach_mean,
                score=combine(components, weights),
                empty_cells=int((offer_counts[:, i] == 0).sum()),
            )
        )
    _rank(area_results, key=lambda item: item.area.path)
    _rank(cells, key=lambda item: (item.area.path, item.selection.key))
    return PriorityReport(
        kommune_name=basis.kommune.name,
        level_name=level.name if level is not None else "",
        weights=weights,
        distance_m=distance_m,
        need=need,
        selections=selections,
        areas=area_results,
        cells=cells,
        names=basis.names,
        reference_date=basis.population.reference_date,
    )


def _mean(values: np.ndarray) -> float | None:
    known = values[np.isfinite(values)]
    return float(known.mean()) if len(known) else None


def priority(
    kommune: Kommune,
    *,
    level: AreaLevel | int | str | None,
    weights: PriorityWeights | None = None,
    distance_m: int = DEFAULT_DISTANCE_M,
    indicator_code: str | None = None,
    selections: Sequence[TermSelection] | None = None,
    policy: SuppressionPolicy | None = None,
    state: tuple | None = None,
) -> PriorityReport:
    """The cached priorities (see compute_priority)."""
    level = level_of(kommune, level)
    weights = weights or PriorityWeights()
    policy = policy or SuppressionPolicy.from_settings()
    # A caller showing several reports reads the data state once and passes it.
    state = state if state is not None else data_state(kommune)
    parameters = {
        "level": level.pk if level is not None else None,
        "weights": weights.as_dict(),
        "distance": distance_m,
        "indicator": indicator_code,
        "selections": None if selections is None else [s.key for s in selections],
        "policy": policy.as_dict(),
    }
    return cached_result(
        "priority",
        kommune,
        parameters,
        lambda: compute_priority(
            analysis_basis(kommune, state=state),
            level=level,
            weights=weights,
            distance_m=distance_m,
            indicator_code=indicator_code,
            selections=selections,
            policy=policy,
        ),
        state=state,
    )
