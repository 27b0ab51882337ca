"""Need per area: an indicator of the monitoring (child poverty by default) at any level.

Indicators are published for one level (Berlin's Monitoring Soziale Stadtentwicklung per
Planungsraum). For a larger area the value is the mean of the values inside it, weighted
by their children and young people under 18: a share such as child poverty is then what
it would be for the larger area, assuming the share of the young people stands for the
whole population the indicator is about. An area whose own value is published keeps it.
Values the publisher withheld or marked invalid are left out of the mean, and the area
says how many of its parts had a value.

Indicator values are published figures: no small-number rule applies to them here (that
comes with numerators and denominators in the monitoring issue).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Max

from lueckenlos.analysis.basis import Basis
from lueckenlos.analysis.geography import AreaInfo
from lueckenlos.analysis.population import AgeRange
from lueckenlos.areas.models import Area, AreaLevel
from lueckenlos.monitoring.models import Indicator, IndicatorValue

# The Berlin demo's child poverty indicator (share of under-15s in SGB II households).
DEFAULT_INDICATOR = "S4"
# Whose number weighs a part's value when values are averaged over a larger area.
WEIGHT_MONTHS = (0, 216)


@dataclass
class NeedValue:
    area: AreaInfo
    value: float | None
    parts_with_value: int  # areas whose values were averaged (1: its own value)
    parts: int
    missing_reason: str = ""


@dataclass
class NeedTable:
    indicator_code: str
    indicator_name: str
    unit: str
    source: str
    reference_date: dt.date | None
    kommune_value: float | None
    values: dict[int, NeedValue] = field(default_factory=dict)  # by area pk

    @property
    def found(self) -> bool:
        return bool(self.indicator_code)


def choose_indicator(basis: Basis, code: str | None) -> Indicator | None:
    """The Kommune's indicator of this code; without a code, child poverty if it has it,
    else its first indicator; None if it has none."""
    indicators = Indicator.objects.filter(kommune=basis.kommune)
    if code:
        return indicators.filter(code=code).first()
    return indicators.filter(code=DEFAULT_INDICATOR).first() or indicators.order_by("code").first()


def need_by_area(
    basis: Basis, level: AreaLevel | None, indicator_code: str | None = None
) -> NeedTable:
    """The indicator's value for each area of `level` and for the Kommune."""
    indicator = choose_indicator(basis, indicator_code)
    if indicator is None:
        return NeedTable("", "", "", "", None, None)
    frame = basis.frame
    area_ids = Area.objects.for_kommune(basis.kommune).valid_on(frame.day).values("pk")
    latest = IndicatorValue.objects.filter(
        indicator=indicator, area_id__in=area_ids, reference_date__lte=frame.day
    ).aggregate(day=Max("reference_date"))["day"]
    values: dict[int, tuple[float | None, str]] = {
        area_id: (value, reason)
        for area_id, value, reason in IndicatorValue.objects.filter(
            indicator=indicator, area_id__in=area_ids, reference_date=latest
        ).values_list("area_id", "value", "missing_reason")
    }
    # Children and young people per area with a value: the weights of the means.
    young = basis.population.children(AgeRange.of([WEIGHT_MONTHS])).values
    weight_of: dict[int, float] = {}
    for area_id in values:
        path = frame.areas[area_id].path
        inside = [i for i, unit in enumerate(frame.units) if unit.path.startswith(path)]
        weight_of[area_id] = float(np.nansum(young[inside])) if inside else 0.0

    def mean_over(path: str | None) -> tuple[float | None, int, int, str]:
        candidates = [
            frame.areas[a] for a in values if path is None or frame.areas[a].path.startswith(path)
        ]
        if not candidates:
            return None, 0, 0, ""
        deepest = max(area.depth for area in candidates)
        parts = [area for area in candidates if area.depth == deepest]
        usable = [area for area in parts if values[area.pk][0] is not None]
        if not usable:
            reasons = sorted({values[area.pk][1] for area in parts if values[area.pk][1]})
            return None, 0, len(parts), "; ".join(reasons)
        weights = np.array([weight_of[area.pk] for area in usable])
        numbers = np.array([values[area.pk][0] for area in usable], dtype=float)
        if weights.sum() <= 0:
            weights = np.ones(len(usable))
        return float(np.average(numbers, weights=weights)), len(usable), len(parts), ""

    table = NeedTable(
        indicator_code=indicator.code,
        indicator_name=indicator.name,
        unit=indicator.unit,
        source=indicator.source,
        reference_date=latest,
        kommune_value=mean_over(None)[0],
    )
    for area in basis.level_areas(level):
        if area.pk in values:
            value, reason = values[area.pk]
            table.values[area.pk] = NeedValue(area, value, int(value is not None), 1, reason)
            continue
        value, used, parts, reason = mean_over(area.path)
        table.values[area.pk] = NeedValue(area, value, used, parts, reason)
    return table
