"""The coverage matrix: life phase × field of action, for the Kommune and each area of a level.

A cell counts the offers tagged with both the life phase and the field (supply.py says
which offers count). An offer counts once in each area where it has a location, so the
areas of a level may add up to more than the Kommune; an offer without a location counts
for the Kommune only (and the cell says how many such offers it has).

Where offers state their places (capacity), a cell also gives places per 100 children of
the phase's age band (population.py). An offer for several life phases has its places
divided among them in proportion to the Kommune's children in each: a Kita for ages 0–6
with 100 places, in a Kommune with as many under-3s as 3-to-6-year-olds, counts 50 places
in each phase, and the two cells then show what a "Versorgungsquote" shows. An offer with
locations in several areas has its places divided equally among its locations.

Each rate is compared with the Kommune's: a cell is *empty* without any offer, and *weak*
when its offers per 1,000 children, or its places per 100 children, fall below
`weak_ratio` (default one half) of the Kommune's. Children counts and the rates built on
them are statistics and follow the small-number rule (suppression.py); offer counts are
facts about the catalogue and are always shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from lueckenlos.analysis.basis import Basis, analysis_basis, level_of
from lueckenlos.analysis.cache import cached_result, data_state
from lueckenlos.analysis.geography import AreaInfo
from lueckenlos.analysis.population import AgeRange
from lueckenlos.analysis.selection import TermInfo
from lueckenlos.analysis.suppression import (
    Counts,
    Figure,
    SuppressionPolicy,
    suppress_small_numbers,
)
from lueckenlos.areas.models import AreaLevel, Kommune

DEFAULT_WEAK_RATIO = 0.5


@dataclass
class CoverageCell:
    phase: str
    field: str
    offers: int
    offer_ids: tuple[uuid.UUID, ...]
    offers_without_location: int  # for the Kommune only; 0 in areas
    offers_with_places: int
    places: float | None  # None where no offer of the cell states its places
    places_per_100: float | None  # per 100 children of the phase; None: unknown or withheld
    offers_per_1000: float | None  # per 1,000 children of the phase; None: withheld
    kommune_places_per_100: float | None
    kommune_offers_per_1000: float | None
    is_empty: bool
    is_weak: bool
    withheld_reason: str = ""  # why the rates are not shown (the children figure's reason)

    @property
    def ratio_to_kommune(self) -> float | None:
        """Offers per 1,000 children here against the Kommune's (1.0: the same)."""
        if self.offers_per_1000 is None or not self.kommune_offers_per_1000:
            return None
        return self.offers_per_1000 / self.kommune_offers_per_1000

    @property
    def places_ratio_to_kommune(self) -> float | None:
        if self.places_per_100 is None or not self.kommune_places_per_100:
            return None
        return self.places_per_100 / self.kommune_places_per_100


@dataclass
class PhaseRow:
    phase: TermInfo
    ages: AgeRange
    children: Figure  # numerator: estimated children of the phase (or withheld)
    children_incomplete: bool  # a withheld statistic is left out of the estimate
    cells: list[CoverageCell]


@dataclass
class CoverageMatrix:
    area: AreaInfo | None  # None: the Kommune as a whole
    rows: list[PhaseRow]

    @property
    def name(self) -> str:
        return self.area.name if self.area is not None else ""

    def cell(self, phase: str, field: str) -> CoverageCell:
        for row in self.rows:
            if row.phase.code == phase:
                for cell in row.cells:
                    if cell.field == field:
                        return cell
        raise KeyError((phase, field))

    def row(self, phase: str) -> PhaseRow:
        for row in self.rows:
            if row.phase.code == phase:
                return row
        raise KeyError(phase)


@dataclass
class CoverageReport:
    kommune_name: str
    level_name: str
    reference_date: dt.date | None
    phases: list[TermInfo]
    fields: list[TermInfo]
    kommune: CoverageMatrix
    areas: list[CoverageMatrix]
    weak_ratio: float
    offers_counted: int
    offers_without_location: int
    offer_names: dict[uuid.UUID, str] = field(default_factory=dict)
    policy: SuppressionPolicy = field(default_factory=SuppressionPolicy)

    def empty_areas(self, phase: str, field: str) -> list[AreaInfo]:
        """The areas where the cell has no offer."""
        return [m.area for m in self.areas if m.cell(phase, field).is_empty]

    def weak_areas(self, phase: str, field: str) -> list[AreaInfo]:
        return [m.area for m in self.areas if m.cell(phase, field).is_weak]

    def offers_in(self, cell: CoverageCell) -> list[tuple[uuid.UUID, str]]:
        """The offers behind a cell, by name."""
        return sorted(
            ((pk, self.offer_names.get(pk, "")) for pk in cell.offer_ids), key=lambda o: o[1]
        )

    def table_rows(self) -> list[dict]:
        """One row per area (the Kommune first), life phase and field, with plain values
        for a spreadsheet; withheld figures are None with the reason in `note`."""
        names = {term.code: term.label for term in self.phases + self.fields}
        rows = []
        for matrix in [self.kommune, *self.areas]:
            for row in matrix.rows:
                for cell in row.cells:
                    rows.append(
                        {
                            "area_code": matrix.area.code if matrix.area else "",
                            "area": matrix.area.name if matrix.area else self.kommune_name,
                            "life_phase": names.get(cell.phase, cell.phase),
                            "field_of_action": names.get(cell.field, cell.field),
                            "offers": cell.offers,
                            "offers_without_location": cell.offers_without_location,
                            "children": row.children.numerator,
                            "places": cell.places,
                            "places_per_100_children": cell.places_per_100,
                            "kommune_places_per_100_children": cell.kommune_places_per_100,
                            "offers_per_1000_children": cell.offers_per_1000,
                            "kommune_offers_per_1000_children": cell.kommune_offers_per_1000,
                            "empty": cell.is_empty,
                            "weak": cell.is_weak,
                            "note": row.children.reason_text,
                        }
                    )
        return rows

    def method_text(self) -> str:
        return coverage_method_text(self.weak_ratio, self.reference_date, self.policy)


def coverage_method_text(
    weak_ratio: float, reference_date: dt.date | None, policy: SuppressionPolicy
) -> str:
    return " ".join(
        [
            _(
                "A cell counts the active offers tagged with both the life phase and the "
                "field of action. An offer counts in every area where it has a location; "
                "offers without a location count for the Kommune as a whole only."
            ),
            _(
                "Children per life phase are estimated from the age groups of the population "
                "statistics of %(date)s, assuming ages are spread evenly within an age group; "
                "the phase around pregnancy and birth is measured by the children under one "
                "year."
            )
            % {"date": reference_date or "–"},
            _(
                "Places per 100 children: the places of offers that state them; an offer for "
                "several life phases has its places divided among them in proportion to the "
                "children of each phase, an offer with several locations equally among them."
            ),
            _(
                "A cell is empty without any offer; it is weak when its offers per 1,000 "
                "children or its places per 100 children are below %(percent)s %% of the "
                "Kommune's."
            )
            % {"percent": round(weak_ratio * 100)},
            _(
                "Children counts and rates for fewer than %(denominator)s children are not "
                "shown, nor, where needed, the next smallest, so that they cannot be worked "
                "out from the total."
            )
            % {"denominator": policy.min_denominator},
        ]
    )


def _capacity_shares(basis: Basis, children: np.ndarray) -> np.ndarray:
    """Offers × phases: the part of each offer's places that goes to each phase."""
    offers = basis.offers
    tags = (
        np.column_stack([offers.has(f"life_phase:{phase.code}") for phase in basis.phases]).astype(
            float
        )
        if basis.phases
        else np.zeros((offers.size, 0))
    )
    weights = tags * np.nan_to_num(children)[None, :]
    totals = weights.sum(axis=1, keepdims=True)
    counts = tags.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_children = weights / totals
        evenly = tags / counts
    return np.where(totals > 0, by_children, np.nan_to_num(evenly))


def compute_coverage(
    basis: Basis,
    *,
    level: AreaLevel | None = None,
    weak_ratio: float = DEFAULT_WEAK_RATIO,
    policy: SuppressionPolicy | None = None,
) -> CoverageReport:
    """The coverage matrix of the Kommune and of each area of `level` (see the module
    docstring for what is counted and how)."""
    policy = policy or SuppressionPolicy.from_settings()
    offers = basis.offers
    areas = basis.level_areas(level)
    area_count = len(areas)
    unit_area = basis.unit_to_area(level)

    # Offer × area pairs, each with the part of the offer's locations lying in the area.
    point_area = basis.point_to_area(level)
    points_per_offer = np.bincount(offers.point_offer, minlength=offers.size).astype(float)
    inside = point_area >= 0
    pair_codes, pair_points = np.unique(
        offers.point_offer[inside] * max(area_count, 1) + point_area[inside], return_counts=True
    )
    pair_offer = pair_codes // max(area_count, 1)
    pair_area = pair_codes % max(area_count, 1)
    pair_part = pair_points / np.maximum(points_per_offer[pair_offer], 1)

    capacity_known = np.isfinite(offers.capacity)
    capacity = np.nan_to_num(offers.capacity)

    estimates = [
        basis.population.children(AgeRange.for_phase(p.min_age_months, p.max_age_months))
        for p in basis.phases
    ]
    kommune_children = np.array([np.nansum(e.values) for e in estimates])
    shares = _capacity_shares(basis, kommune_children)
    in_area = unit_area >= 0

    kommune_rows: list[PhaseRow] = []
    area_rows: list[list[PhaseRow]] = [[] for _area in areas]
    for p, phase in enumerate(basis.phases):
        estimate = estimates[p]
        known = in_area & np.isfinite(estimate.values)
        area_children = np.bincount(
            unit_area[known], weights=estimate.values[known], minlength=area_count
        )
        area_has_figures = np.bincount(unit_area[known], minlength=area_count) > 0
        area_incomplete = (
            np.bincount(unit_area[in_area & estimate.withheld], minlength=area_count) > 0
        )
        any_known = bool(np.isfinite(estimate.values).any())
        table = suppress_small_numbers(
            {
                area.pk: Counts(area_children[i], area_children[i])
                if area_has_figures[i]
                else Counts()
                for i, area in enumerate(areas)
            },
            totals={
                None: Counts(kommune_children[p], kommune_children[p]) if any_known else Counts()
            },
            policy=policy,
        )
        kommune_figure = table.totals[None]
        phase_mask = offers.has(f"life_phase:{phase.code}")
        kommune_cells: list[CoverageCell] = []
        area_cells: list[list[CoverageCell]] = [[] for _area in areas]
        for field_term in basis.fields:
            mask = phase_mask & offers.has(f"field_of_action:{field_term.code}")
            places_known = mask & capacity_known
            places = float((capacity * shares[:, p])[places_known].sum())
            kommune_cell = _cell(
                phase.code,
                field_term.code,
                offers=int(mask.sum()),
                offer_ids=tuple(offers.ids[i] for i in np.flatnonzero(mask)),
                without_location=int((mask & ~offers.located).sum()),
                with_places=int(places_known.sum()),
                places=places,
                children=kommune_figure,
                kommune_rates=(None, None),
                weak_ratio=weak_ratio,
            )
            kommune_rates = (kommune_cell.places_per_100, kommune_cell.offers_per_1000)
            kommune_cell.kommune_places_per_100, kommune_cell.kommune_offers_per_1000 = (
                kommune_rates
            )
            kommune_cells.append(kommune_cell)

            chosen = mask[pair_offer]
            counts = np.bincount(pair_area[chosen], minlength=area_count)
            with_places = np.bincount(
                pair_area[chosen & capacity_known[pair_offer]], minlength=area_count
            )
            area_places = np.bincount(
                pair_area[chosen],
                weights=(capacity[pair_offer] * shares[pair_offer, p] * pair_part)[chosen],
                minlength=area_count,
            )
            order = np.argsort(pair_area[chosen], kind="stable")
            ids_by_area = np.split(
                pair_offer[chosen][order], np.cumsum(counts)[:-1] if area_count else []
            )
            for i, area in enumerate(areas):
                area_cells[i].append(
                    _cell(
                        phase.code,
                        field_term.code,
                        offers=int(counts[i]),
                        offer_ids=tuple(offers.ids[o] for o in ids_by_area[i]),
                        without_location=0,
                        with_places=int(with_places[i]),
                        places=float(area_places[i]),
                        children=table.cells[area.pk],
                        kommune_rates=kommune_rates,
                        weak_ratio=weak_ratio,
                    )
                )
        kommune_rows.append(
            PhaseRow(
                phase=phase,
                ages=AgeRange.for_phase(phase.min_age_months, phase.max_age_months),
                children=kommune_figure,
                children_incomplete=bool(estimate.withheld.any()),
                cells=kommune_cells,
            )
        )
        for i, area in enumerate(areas):
            area_rows[i].append(
                PhaseRow(
                    phase=phase,
                    ages=AgeRange.for_phase(phase.min_age_months, phase.max_age_months),
                    children=table.cells[area.pk],
                    children_incomplete=bool(area_incomplete[i]),
                    cells=area_cells[i],
                )
            )
    return CoverageReport(
        kommune_name=basis.kommune.name,
        level_name=level.name if level is not None else "",
        reference_date=basis.population.reference_date,
        phases=basis.phases,
        fields=basis.fields,
        kommune=CoverageMatrix(area=None, rows=kommune_rows),
        areas=[CoverageMatrix(area=area, rows=area_rows[i]) for i, area in enumerate(areas)],
        weak_ratio=weak_ratio,
        offers_counted=offers.size,
        offers_without_location=int((~offers.located).sum()),
        offer_names=dict(zip(offers.ids, offers.names, strict=True)),
        policy=policy,
    )


def _cell(
    phase: str,
    field: str,
    *,
    offers: int,
    offer_ids: tuple,
    without_location: int,
    with_places: int,
    places: float,
    children: Figure,
    kommune_rates: tuple[float | None, float | None],
    weak_ratio: float,
) -> CoverageCell:
    count = children.numerator
    shown = not children.suppressed and count is not None and count > 0
    places_per_100 = float(100.0 * places / count) if shown and with_places else None
    offers_per_1000 = float(1000.0 * offers / count) if shown else None
    kommune_places, kommune_offers = kommune_rates
    weak = False
    if offers and offers_per_1000 is not None and kommune_offers:
        weak = offers_per_1000 < weak_ratio * kommune_offers
    if offers and places_per_100 is not None and kommune_places:
        weak = weak or places_per_100 < weak_ratio * kommune_places
    return CoverageCell(
        phase=phase,
        field=field,
        offers=offers,
        offer_ids=offer_ids,
        offers_without_location=without_location,
        offers_with_places=with_places,
        places=places if with_places else None,
        places_per_100=places_per_100,
        offers_per_1000=offers_per_1000,
        kommune_places_per_100=kommune_places,
        kommune_offers_per_1000=kommune_offers,
        is_empty=offers == 0,
        is_weak=weak,
        withheld_reason=children.reason,
    )


def coverage(
    kommune: Kommune,
    *,
    level: AreaLevel | int | str | None = None,
    weak_ratio: float = DEFAULT_WEAK_RATIO,
    policy: SuppressionPolicy | None = None,
    state: tuple | None = None,
) -> CoverageReport:
    """The cached coverage matrix of `kommune` at `level` (see compute_coverage)."""
    level = level_of(kommune, level)
    policy = policy or SuppressionPolicy.from_settings()
    # A caller showing several reports reads the data state once and passes it.
    state = state if state is not None else data_state(kommune)
    parameters = {
        "level": level.pk if level is not None else None,
        "weak_ratio": weak_ratio,
        "policy": policy.as_dict(),
    }
    return cached_result(
        "coverage",
        kommune,
        parameters,
        lambda: compute_coverage(
            analysis_basis(kommune, state=state), level=level, weak_ratio=weak_ratio, policy=policy
        ),
        state=state,
    )
