"""How many children of a life phase live in each area: from the age bands of the statistics.

Statistics offices count in their own age bands (Berlin: under 6, 6–15, 15–18, 18–27 …);
the prevention chain's life phases cut across them (0–3, 3–6, 6–10, 10–16, 15–27). A
phase's children are estimated from the bands it overlaps, assuming ages are spread
evenly within a band: the 0–3-year-olds are half of Berlin's under-6s, the 10–16-year-olds
are five ninths of its 6–15s plus a third of its 15–18s. Where a Kommune's bands overlap
each other (under 3 and under 6 both given), the narrowest bands are used. Open-ended
bands (65 and older) and the band of the whole population never count for a phase.

Pregnancy lies before birth and no statistics count it: the phase "around pregnancy and
birth" is measured by the children under one year, a year's births, which is whom its
offers reach.

Figures are read per *unit* (the smallest areas, see geography.py) at the latest
reference date of their level. A unit without figures of its own gets its share of the
nearest larger area that has figures, in proportion to its surface. A value the
statistics office withheld counts as 0 in sums, and the unit is marked so that a page
can say the sum is incomplete.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from lueckenlos.analysis.geography import AreaFrame, AreaInfo
from lueckenlos.areas.models import AgeBand, Area, PopulationCount

# Life phases that end at or before birth are measured by the children under one year.
PREGNANCY_PROXY_MONTHS = (0, 12)
# The whole prevention chain, from birth to the end of the transition into work (27).
CHAIN_MONTHS = (0, 324)


@dataclass(frozen=True)
class AgeRange:
    """Ages in months, [from, below), as merged intervals (phases may not be adjacent)."""

    intervals: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, pairs: list[tuple[int, int]]) -> AgeRange:
        merged: list[list[int]] = []
        for low, high in sorted(pairs):
            if merged and low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        return cls(tuple((low, high) for low, high in merged))

    @classmethod
    def for_phase(cls, min_months: int | None, max_months: int | None) -> AgeRange:
        """The ages whose population measures a life phase (see the module docstring)."""
        if max_months is not None and max_months <= 0:
            return cls.of([PREGNANCY_PROXY_MONTHS])
        low = max(0, min_months or 0)
        high = max_months if max_months is not None else CHAIN_MONTHS[1]
        return cls.of([(low, high)])

    def overlap(self, low: int, high: int) -> int:
        return sum(max(0, min(high, b) - max(low, a)) for a, b in self.intervals)

    @property
    def months(self) -> int:
        return sum(b - a for a, b in self.intervals)

    def label(self) -> str:
        def years(months: int) -> str:
            return f"{months // 12}" if months % 12 == 0 else f"{months / 12:.1f}"

        return ", ".join(f"{years(a)}–{years(b)}" for a, b in self.intervals)


@dataclass(frozen=True)
class BandInfo:
    pk: int
    code: str
    label: str
    min_months: int
    max_months: int | None


def narrowest_bands(bands: list[BandInfo]) -> list[BandInfo]:
    """Non-overlapping bands, narrowest first: the finest partition the statistics allow."""
    chosen: list[BandInfo] = []
    for band in sorted(
        bands,
        key=lambda b: (
            math.inf if b.max_months is None else b.max_months - b.min_months,
            b.min_months,
        ),
    ):
        high = math.inf if band.max_months is None else band.max_months
        if all(
            high <= c.min_months or (c.max_months is not None and band.min_months >= c.max_months)
            for c in chosen
        ):
            chosen.append(band)
    return sorted(chosen, key=lambda b: b.min_months)


@dataclass
class Estimate:
    """Estimated people per unit; `withheld`: the estimate leaves out a withheld value."""

    values: np.ndarray  # float per unit; nan where nothing is known
    withheld: np.ndarray  # bool per unit
    covered_months: int  # how much of the age range the bands cover
    wanted_months: int

    @property
    def complete_ages(self) -> bool:
        return self.covered_months >= self.wanted_months


@dataclass
class UnitPopulation:
    """Inhabitants per unit and age band, on the reference date of the figures."""

    frame: AreaFrame
    units: list[AreaInfo]
    bands: list[BandInfo]  # the narrowest non-overlapping bands
    counts: np.ndarray  # units × bands, nan where withheld or absent
    totals: np.ndarray  # whole population per unit, nan where unknown
    known: np.ndarray  # bool per unit: figures exist (own or shared from a larger area)
    shared: np.ndarray  # bool per unit: figures spread down from a larger area
    reference_date: dt.date | None

    @property
    def unit_index(self) -> dict[int, int]:
        return {unit.pk: i for i, unit in enumerate(self.units)}

    def weights(self, ages: AgeRange) -> tuple[np.ndarray, int]:
        """Per band, the part of it that falls in `ages`; and the months the bands cover."""
        weights = np.zeros(len(self.bands))
        covered = 0
        for j, band in enumerate(self.bands):
            if band.max_months is None:
                continue
            part = ages.overlap(band.min_months, band.max_months)
            weights[j] = part / (band.max_months - band.min_months)
            covered += part
        return weights, covered

    def children(self, ages: AgeRange) -> Estimate:
        weights, covered = self.weights(ages)
        used = weights > 0
        if not used.any():
            values = np.full(len(self.units), np.nan)
            return Estimate(values, np.zeros(len(self.units), bool), 0, ages.months)
        part = self.counts[:, used]
        values = np.nansum(part * weights[used], axis=1)
        withheld = np.isnan(part).any(axis=1) & self.known
        values[~self.known] = np.nan
        return Estimate(values, withheld, covered, ages.months)

    def age_shares(self, ages: AgeRange) -> tuple[np.ndarray, float]:
        """Per unit, the share of its inhabitants in `ages`, and the Kommune's share, which
        stands in where a unit's own is unknown. What a census grid cell's inhabitants are
        multiplied by."""
        children = self.children(ages).values
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = children / self.totals
        fine = np.isfinite(shares)
        inhabitants = float(np.sum(self.totals[fine]))
        overall = float(np.sum(children[fine])) / inhabitants if inhabitants > 0 else 0.0
        shares[~fine] = overall
        return np.clip(shares, 0.0, 1.0), overall


def unit_population(frame: AreaFrame) -> UnitPopulation:
    """The figures of the frame's units (see the module docstring), in three queries."""
    kommune = frame.kommune
    all_bands = [
        BandInfo(b.pk, b.code, b.label, b.min_age_months, b.max_age_months)
        for b in AgeBand.objects.for_kommune(kommune)
        if not b.is_total
    ]
    total_band_ids = set(
        AgeBand.objects.for_kommune(kommune).filter(is_total=True).values_list("pk", flat=True)
    )
    bands = narrowest_bands(all_bands)
    band_column = {band.pk: j for j, band in enumerate(bands)}
    # A subquery, not a list of ids: a state's areas would exceed SQLite's parameter limit.
    area_ids = Area.objects.for_kommune(kommune).valid_on(frame.day).values("pk")
    latest_by_level = dict(
        PopulationCount.objects.filter(area_id__in=area_ids, reference_date__lte=frame.day)
        .values_list("area__level_id")
        .annotate(latest=Max("reference_date"))
        .order_by()
    )
    own: dict[int, np.ndarray] = {}
    own_total: dict[int, float] = {}
    reference_date = max(latest_by_level.values(), default=None)
    if latest_by_level:
        rows = PopulationCount.objects.filter(
            area_id__in=area_ids, reference_date__in=set(latest_by_level.values())
        ).values_list("area_id", "area__level_id", "age_band_id", "reference_date", "count")
        for area_id, level_id, band_id, day, count in rows.order_by():
            if day != latest_by_level.get(level_id):
                continue
            value = np.nan if count is None else float(count)
            if band_id in total_band_ids:
                own_total[area_id] = value
                continue
            column = band_column.get(band_id)
            if column is None:
                continue
            own.setdefault(area_id, np.full(len(bands), np.nan))[column] = value

    units = frame.units
    counts = np.full((len(units), len(bands)), np.nan)
    totals = np.full(len(units), np.nan)
    known = np.zeros(len(units), bool)
    shared = np.zeros(len(units), bool)
    # Units under a larger area with figures, waiting for their share of it.
    waiting: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        if unit.pk in own or unit.pk in own_total:
            counts[i] = own.get(unit.pk, np.full(len(bands), np.nan))
            totals[i] = own_total.get(unit.pk, np.nan)
            known[i] = True
            continue
        for ancestor in reversed(frame.ancestors(unit.path)[:-1]):
            if ancestor.pk in own or ancestor.pk in own_total:
                waiting.setdefault(ancestor.pk, []).append(i)
                break
    # Deepest first: a larger area then subtracts what its smaller ones already hold.
    for ancestor_id, members in sorted(waiting.items(), key=lambda i: -frame.areas[i[0]].depth):
        ancestor = frame.areas[ancestor_id]
        sizes = np.array([units[i].area_m2 or 0.0 for i in members])
        shares = sizes / sizes.sum() if sizes.sum() > 0 else np.full(len(members), 1 / len(members))
        # What units with figures of their own already hold is not spread again.
        inside = [
            j
            for j, unit in enumerate(units)
            if known[j] and unit.path.startswith(ancestor.path) and unit.pk != ancestor_id
        ]
        band_rest = own.get(ancestor_id, np.full(len(bands), np.nan)) - np.nansum(
            counts[inside], axis=0
        )
        total_rest = own_total.get(ancestor_id, np.nan) - np.nansum(totals[inside])
        for i, share in zip(members, shares, strict=True):
            counts[i] = np.maximum(band_rest, 0) * share
            totals[i] = max(total_rest, 0) * share if not math.isnan(total_rest) else np.nan
            known[i] = True
            shared[i] = True
    missing_totals = np.isnan(totals) & known
    if missing_totals.any():
        # Without a published total, the sum of the bands stands in for it.
        sums = np.nansum(counts, axis=1)
        totals[missing_totals] = np.where(sums[missing_totals] > 0, sums[missing_totals], np.nan)
    return UnitPopulation(
        frame=frame,
        units=units,
        bands=bands,
        counts=counts,
        totals=totals,
        known=known,
        shared=shared,
        reference_date=reference_date,
    )
