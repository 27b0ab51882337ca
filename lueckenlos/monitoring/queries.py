"""Reading indicators: values per area, the Kommune's value, trends, charts and maps.

The one place the monitoring's arithmetic lives (the atlas, the portal and the report all
ask here):

- **The Kommune's value** at a reference date. Where areas have numerator and denominator,
  it is sum(numerators) / sum(denominators) × scale over the areas having both. For a rate
  given directly, it is the mean of the areas' rates weighted by their inhabitants (the
  latest total population of each area, see analysis/population.py) when every area with a
  value has a known population; otherwise the plain mean. Missing values never count, and
  never as 0. `KommuneFigure.method` says which rule was used, so pages can say so.
- **Trend**: the change per year between the two latest reference dates with a Kommune
  value. A change smaller than `UNCHANGED_PER_YEAR` (in the indicator's unit per year:
  0.05 percentage points for a share) is "unchanged": published values carry one or two
  decimals, so smaller changes are rounding. The direction follows `higher_is_better`;
  context indicators (None) are always "neutral".
- **Suppression** for everything shown to anyone but the data owner (`suppress=True`):
  analysis/suppression.py's rule. A rate given directly is checked against counts
  estimated from the area's population: denominator = inhabitants, numerator = |rate| ×
  inhabitants / scale. An area whose population is unknown cannot be checked and is
  withheld. The areas with a value form one group whose total is the Kommune's value, so
  a lone withheld area takes a second one with it (secondary suppression); the Kommune's
  value itself is withheld when its own counts are small.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.analysis.basis import analysis_basis
from lueckenlos.analysis.charts import Chart, base_spec, chart
from lueckenlos.analysis.maps import choropleth
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.analysis.suppression import (
    Counts,
    Figure,
    SuppressionPolicy,
    suppress_small_numbers,
)
from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.monitoring.models import Indicator, IndicatorValue

# In the indicator's unit per year; see the module docstring.
UNCHANGED_PER_YEAR = 0.05
DAYS_PER_YEAR = 365.25

# How the Kommune's value was computed.
RATIO = "ratio"
WEIGHTED = "weighted"
MEAN = "mean"
NONE = ""
METHODS = {
    RATIO: gettext_lazy(
        "Sum of the numerators of all areas with numerator and denominator, divided by the "
        "sum of their denominators."
    ),
    WEIGHTED: gettext_lazy("Mean of the areas' values, each weighted by the area's inhabitants."),
    MEAN: gettext_lazy(
        "Plain mean of the areas' values (inhabitants are not known for every area)."
    ),
    NONE: gettext_lazy("No area has a value on this date."),
}

BETTER = "better"
WORSE = "worse"
UNCHANGED = "unchanged"
NEUTRAL = "neutral"
UNKNOWN = "unknown"
DIRECTIONS = {
    BETTER: gettext_lazy("improved"),
    WORSE: gettext_lazy("worsened"),
    UNCHANGED: gettext_lazy("about unchanged"),
    NEUTRAL: gettext_lazy("context indicator: neither better nor worse"),
    UNKNOWN: gettext_lazy("no trend yet: only one reference date"),
}
# Arrows show which way the value moved (the words say whether that is good), and stand
# beside the words, never instead of them.
RISING, FALLING, LEVEL, NO_ARROW = "↗", "↘", "→", "·"

UNCHECKED = "unchecked"
UNCHECKED_TEXT = gettext_lazy("withheld: no population figure to check small numbers against")


@dataclass(frozen=True)
class AreaValue:
    """One area at one reference date."""

    area: Area
    value: float | None  # None: missing (missing_reason says why) or suppressed
    missing_reason: str  # "" when there is a value; the suppression's reason when suppressed
    numerator: float | None
    denominator: float | None
    previous: float | None  # the value at the previous reference date, if any
    suppressed: bool

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class KommuneFigure:
    """The Kommune's value at a reference date and how it was computed."""

    value: float | None
    method: str  # RATIO, WEIGHTED, MEAN or NONE
    areas: int  # how many areas went into it
    suppressed: bool = False

    @property
    def method_text(self) -> str:
        return str(METHODS[self.method])


@dataclass(frozen=True)
class IndicatorTrend:
    indicator: Indicator
    dates: list[dt.date]  # reference dates with values, ascending
    kommune_values: list[float | None]  # the Kommune's value per date
    latest: float | None
    previous: float | None
    change_per_year: float | None  # (latest - previous) / years between them
    direction: str  # "better" | "worse" | "unchanged" | "neutral" | "unknown"
    target_value: float | None
    target_met: bool | None  # None without a target or a direction
    latest_date: dt.date | None = None
    previous_date: dt.date | None = None
    method: str = NONE  # how the latest Kommune value was computed
    suppressed: bool = False  # whether the values were suppressed for the public

    @property
    def direction_text(self) -> str:
        return str(DIRECTIONS[self.direction])

    @property
    def arrow(self) -> str:
        change = self.change_per_year
        if change is None:
            return NO_ARROW
        if abs(change) < UNCHANGED_PER_YEAR:
            return LEVEL
        return RISING if change > 0 else FALLING

    @property
    def method_text(self) -> str:
        return str(METHODS[self.method])


# --- reading the values once ----------------------------------------------------------


@dataclass
class _Series:
    """An indicator's values at its area level, by reference date, with the population."""

    indicator: Indicator
    level: AreaLevel | None
    by_date: dict[dt.date, list[IndicatorValue]]
    population: dict[int, float]
    _suppressed: dict = field(default_factory=dict)

    @property
    def dates(self) -> list[dt.date]:
        """Reference dates on which at least one area has a value."""
        scale = self.indicator.scale
        return sorted(
            day
            for day, rows in self.by_date.items()
            if any(_row_value(row, scale) is not None for row in rows)
        )

    def previous_date(self, day: dt.date) -> dt.date | None:
        earlier = [d for d in self.dates if d < day]
        return earlier[-1] if earlier else None

    def kommune(self, day: dt.date) -> KommuneFigure:
        return _kommune_figure(self.by_date.get(day, []), self.indicator, self.population)

    def suppressed(self, day: dt.date) -> tuple[dict[int, Figure], Figure | None, set[int]]:
        if day not in self._suppressed:
            self._suppressed[day] = _suppress(
                self.by_date.get(day, []), self.indicator, self.population
            )
        return self._suppressed[day]


def _row_value(row: IndicatorValue, scale: float) -> float | None:
    if row.value is not None:
        return row.value
    if row.numerator is not None and row.denominator:
        return row.numerator / row.denominator * scale
    return None


def _has_counts(row: IndicatorValue) -> bool:
    return row.numerator is not None and row.denominator is not None and row.denominator > 0


def _level_of(indicator: Indicator, rows: list[IndicatorValue]) -> AreaLevel | None:
    """The indicator's area level; without one, the level most of its values are given for."""
    if indicator.area_level_id:
        return indicator.area_level
    counts = Counter(row.area.level_id for row in rows)
    if not counts:
        return None
    level_id = counts.most_common(1)[0][0]
    return next(row.area.level for row in rows if row.area.level_id == level_id)


def _population(kommune: Kommune, level: AreaLevel | None) -> dict[int, float]:
    """Inhabitants per area of `level` (area pk → count), where known."""
    if level is None:
        return {}
    basis = analysis_basis(kommune)
    areas = basis.level_areas(level)
    index = basis.unit_to_area(level)
    totals = basis.population.totals
    found: dict[int, float] = {}
    for unit, position in enumerate(index):
        if position < 0 or not np.isfinite(totals[unit]):
            continue
        pk = areas[position].pk
        found[pk] = found.get(pk, 0.0) + float(totals[unit])
    return {pk: count for pk, count in found.items() if count > 0}


def _series_of(indicators: list[Indicator]) -> dict[int, _Series]:
    """The values of `indicators` (one Kommune's), in one query, with the population."""
    rows_by_indicator: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    rows = (
        IndicatorValue.objects.filter(indicator__in=indicators)
        .select_related("area", "area__level")
        .order_by("area__path", "reference_date")
    )
    for row in rows:
        rows_by_indicator[row.indicator_id].append(row)
    populations: dict[int | None, dict[int, float]] = {}
    series = {}
    for indicator in indicators:
        rows = rows_by_indicator[indicator.pk]
        level = _level_of(indicator, rows)
        key = level.pk if level is not None else None
        if key not in populations:
            populations[key] = _population(indicator.kommune, level)
        by_date: dict[dt.date, list[IndicatorValue]] = {}
        for row in rows:
            if level is None or row.area.level_id == level.pk:
                by_date.setdefault(row.reference_date, []).append(row)
        series[indicator.pk] = _Series(indicator, level, by_date, populations[key])
    return series


def _series(indicator: Indicator) -> _Series:
    return _series_of([indicator])[indicator.pk]


# --- arithmetic -----------------------------------------------------------------------


def _kommune_figure(
    rows: list[IndicatorValue], indicator: Indicator, population: dict[int, float]
) -> KommuneFigure:
    with_counts = [row for row in rows if _has_counts(row)]
    if with_counts:
        numerator = sum(row.numerator for row in with_counts)
        denominator = sum(row.denominator for row in with_counts)
        return KommuneFigure(numerator / denominator * indicator.scale, RATIO, len(with_counts))
    valued = [(row, row.value) for row in rows if row.value is not None]
    if not valued:
        return KommuneFigure(None, NONE, 0)
    weights = [population.get(row.area_id) for row, _value in valued]
    if all(weights):
        total = sum(weights)
        value = sum(v * w for (_row, v), w in zip(valued, weights, strict=True)) / total
        return KommuneFigure(value, WEIGHTED, len(valued))
    return KommuneFigure(sum(v for _row, v in valued) / len(valued), MEAN, len(valued))


def _suppress(
    rows: list[IndicatorValue], indicator: Indicator, population: dict[int, float]
) -> tuple[dict[int, Figure], Figure | None, set[int]]:
    """Per area pk with a value, its figure after suppression; the Kommune total's figure;
    the areas withheld because their population is unknown."""
    policy = SuppressionPolicy.from_settings()
    scale = indicator.scale
    cells: dict[int, Counts] = {}
    unchecked: set[int] = set()
    for row in rows:
        if _has_counts(row):
            cells[row.area_id] = Counts(row.numerator, row.denominator)
            continue
        if row.value is None:
            continue
        inhabitants = population.get(row.area_id)
        if inhabitants:
            cells[row.area_id] = Counts(abs(row.value) * inhabitants / scale, inhabitants)
        else:
            # Nothing to check against: withheld (a denominator of 0 is always too small).
            cells[row.area_id] = Counts(None, 0)
            unchecked.add(row.area_id)
    if not cells:
        return {}, None, unchecked
    checked = [c for pk, c in cells.items() if pk not in unchecked]
    total = Counts(
        sum(c.numerator for c in checked if c.numerator is not None),
        sum(c.denominator for c in checked if c.denominator is not None),
    )
    table = suppress_small_numbers(cells, totals={None: total}, policy=policy)
    return table.cells, table.totals[None], unchecked


def _reason(figure: Figure, unchecked: bool) -> str:
    return str(UNCHECKED_TEXT) if unchecked else figure.reason_text


# --- public functions -----------------------------------------------------------------


def reference_dates(indicator: Indicator) -> list[dt.date]:
    """The reference dates on which at least one area has a value, ascending."""
    return _series(indicator).dates


def kommune_figure(
    indicator: Indicator, reference_date: dt.date | None = None, *, suppress: bool = False
) -> KommuneFigure:
    """The Kommune's value at `reference_date` (default: the latest), and how it was
    computed; with `suppress`, None where its own counts are too small to show."""
    series = _series(indicator)
    return _figure_of(series, reference_date or _latest(series), suppress=suppress)


def _latest(series: _Series) -> dt.date | None:
    dates = series.dates
    return dates[-1] if dates else None


def _figure_of(series: _Series, day: dt.date | None, *, suppress: bool) -> KommuneFigure:
    if day is None:
        return KommuneFigure(None, NONE, 0)
    figure = series.kommune(day)
    if suppress and figure.value is not None:
        _cells, total, _unchecked = series.suppressed(day)
        if total is not None and total.suppressed:
            return KommuneFigure(None, figure.method, figure.areas, suppressed=True)
    return figure


def kommune_value(indicator: Indicator, reference_date: dt.date) -> float | None:
    """The Kommune's value at `reference_date` (see the module docstring), unsuppressed."""
    return kommune_figure(indicator, reference_date).value


def area_values(
    indicator: Indicator, reference_date: dt.date | None = None, *, suppress: bool = False
) -> list[AreaValue]:
    """Each area with a row at `reference_date` (default: the latest with values), in the
    order of the area hierarchy; with `suppress`, small numbers withheld."""
    return _area_values(_series(indicator), reference_date, suppress=suppress)


def _area_values(
    series: _Series, reference_date: dt.date | None, *, suppress: bool
) -> list[AreaValue]:
    day = reference_date or _latest(series)
    if day is None:
        return []
    scale = series.indicator.scale
    before = series.previous_date(day)
    previous = _shown_values(series, before, suppress=suppress) if before else {}
    figures, _total, unchecked = series.suppressed(day) if suppress else ({}, None, set())
    rounded = SuppressionPolicy.from_settings().rounded if suppress else (lambda v: v)
    result = []
    for row in series.by_date.get(day, []):
        value = _row_value(row, scale)
        figure = figures.get(row.area_id)
        if suppress and value is not None and figure is not None and figure.suppressed:
            result.append(
                AreaValue(
                    row.area,
                    None,
                    _reason(figure, row.area_id in unchecked),
                    None,
                    None,
                    previous.get(row.area_id),
                    True,
                )
            )
            continue
        counts = _has_counts(row)
        result.append(
            AreaValue(
                area=row.area,
                value=value,
                missing_reason="" if value is not None else row.missing_reason or _("no value"),
                numerator=rounded(row.numerator) if counts or not suppress else None,
                denominator=rounded(row.denominator) if counts or not suppress else None,
                previous=previous.get(row.area_id),
                suppressed=False,
            )
        )
    return result


def _shown_values(series: _Series, day: dt.date, *, suppress: bool) -> dict[int, float]:
    scale = series.indicator.scale
    figures = series.suppressed(day)[0] if suppress else {}
    shown = {}
    for row in series.by_date.get(day, []):
        value = _row_value(row, scale)
        figure = figures.get(row.area_id)
        if value is None or (figure is not None and figure.suppressed):
            continue
        shown[row.area_id] = value
    return shown


def indicator_trend(indicator: Indicator, *, suppress: bool = False) -> IndicatorTrend:
    """The Kommune's values over time, the latest change and whether it went the right way."""
    return _trend(_series(indicator), suppress=suppress)


def indicator_trends(
    kommune: Kommune, *, public_only: bool = False, suppress: bool = False
) -> list[IndicatorTrend]:
    """The trend of each of the Kommune's indicators (its public ones only), by code."""
    indicators = Indicator.objects.for_kommune(kommune).select_related("area_level", "kommune")
    if public_only:
        indicators = indicators.filter(is_public=True)
    indicators = list(indicators.order_by("code"))
    series = _series_of(indicators)
    return [_trend(series[i.pk], suppress=suppress) for i in indicators]


def _trend(series: _Series, *, suppress: bool) -> IndicatorTrend:
    indicator = series.indicator
    dates = series.dates
    figures = [_figure_of(series, day, suppress=suppress) for day in dates]
    values = [f.value for f in figures]
    known = [(day, f) for day, f in zip(dates, figures, strict=True) if f.value is not None]
    latest_date, latest = (known[-1][0], known[-1][1].value) if known else (None, None)
    previous_date, previous = (known[-2][0], known[-2][1].value) if len(known) > 1 else (None, None)
    change = None
    if latest is not None and previous is not None:
        years = (latest_date - previous_date).days / DAYS_PER_YEAR
        change = (latest - previous) / years if years > 0 else None
    better = indicator.higher_is_better
    if better is None:
        direction = NEUTRAL
    elif change is None:
        direction = UNKNOWN
    elif abs(change) < UNCHANGED_PER_YEAR:
        direction = UNCHANGED
    else:
        direction = BETTER if (change > 0) == better else WORSE
    target = indicator.target_value
    target_met = None
    if target is not None and better is not None and latest is not None:
        target_met = latest >= target if better else latest <= target
    return IndicatorTrend(
        indicator=indicator,
        dates=dates,
        kommune_values=values,
        latest=latest,
        previous=previous,
        change_per_year=change,
        direction=direction,
        target_value=target,
        target_met=target_met,
        latest_date=latest_date,
        previous_date=previous_date,
        method=known[-1][1].method if known else NONE,
        suppressed=suppress,
    )


def area_series(
    indicator: Indicator, area: Area, *, suppress: bool = False
) -> list[tuple[dt.date, float | None]]:
    """One area's value on each reference date of the indicator (None: missing/withheld)."""
    series = _series(indicator)
    return [
        (day, _shown_values(series, day, suppress=suppress).get(area.pk)) for day in series.dates
    ]


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}"


def trend_chart(trend: IndicatorTrend, *, area: Area | None = None) -> Chart:
    """The Kommune's values over time (and one area's), with the target as a dashed line."""
    indicator = trend.indicator
    kommune_name = indicator.kommune.name
    points = [
        {"date": day.isoformat(), "series": kommune_name, "value": value}
        for day, value in zip(trend.dates, trend.kommune_values, strict=True)
        if value is not None
    ]
    area_points = []
    if area is not None:
        area_points = [
            {"date": day.isoformat(), "series": area.name, "value": value}
            for day, value in area_series(indicator, area, suppress=trend.suppressed)
            if value is not None
        ]
    unit = indicator.unit or _("value")
    names = [kommune_name] + ([area.name] if area is not None else [])
    series_encoding = {
        "x": {
            "field": "date",
            "type": "temporal",
            "title": _("Reference date"),
            "axis": {"tickCount": {"interval": "year", "step": 1}, "format": "%Y"},
        },
        "y": {"field": "value", "type": "quantitative", "title": unit},
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {"domain": names, "range": ["#3b528b", "#e8590c"]},
            "legend": {"orient": "bottom"},
        },
        # Dashes and shapes too: colour is never the only way to tell the lines apart.
        "strokeDash": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": names, "range": [[1, 0], [6, 3]]},
            "legend": None,
        },
        "shape": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": names, "range": ["circle", "square"]},
            "legend": None,
        },
    }
    layers = [
        {
            "data": {"values": points + area_points},
            "mark": {"type": "line", "point": {"size": 60, "filled": True}},
            "encoding": series_encoding,
        }
    ]
    if trend.target_value is not None:
        layers.append(
            {
                "data": {"values": [{"target": trend.target_value, "label": _("target")}]},
                "layer": [
                    {
                        "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#1a1a1a"},
                        "encoding": {"y": {"field": "target", "type": "quantitative"}},
                    },
                    {
                        "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "x": 0},
                        "encoding": {
                            "y": {"field": "target", "type": "quantitative"},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    spec = base_spec(width=480, height=240, layer=layers)
    described = "; ".join(
        f"{_day(day)}: {_number(value)}"
        for day, value in zip(trend.dates, trend.kommune_values, strict=True)
    )
    description = _(
        "Line chart of %(indicator)s (%(unit)s) over the reference dates. %(kommune)s: %(values)s."
    ) % {
        "indicator": indicator.name,
        "unit": unit,
        "kommune": kommune_name,
        "values": described or "–",
    }
    if area_points:
        description += " " + _("%(area)s: %(values)s.") % {
            "area": area.name,
            "values": "; ".join(
                f"{_day(dt.date.fromisoformat(p['date']))}: {_number(p['value'])}"
                for p in area_points
            ),
        }
    if trend.target_value is not None:
        description += " " + _("Dashed line: the target, %(target)s.") % {
            "target": _number(trend.target_value)
        }
    return chart(
        spec,
        key=f"chart-trend-{indicator.code.lower()}",
        title=_("Time series: %(indicator)s") % {"indicator": indicator.name},
        description=description,
    )


def indicator_map(
    indicator: Indicator,
    reference_date: dt.date | None = None,
    *,
    life_phase: str | None = None,
    suppress: bool = False,
) -> Chart | None:
    """The areas of the indicator's level coloured by its value, with the offers of
    `life_phase` (a code of the life-phase vocabulary; None: no offers) as points.
    None when the indicator has no area level with areas."""
    series = _series(indicator)
    level = series.level
    if level is None:
        return None
    basis = analysis_basis(indicator.kommune)
    day = reference_date or _latest(series)
    values = {v.area.pk: v.value for v in _area_values(series, day, suppress=suppress)}
    mask = np.zeros(basis.offers.size, bool)
    label = ""
    if life_phase:
        selection = TermSelection.of(f"{LIFE_PHASE}:{life_phase}")
        mask = basis.offers.mask(selection)
        label = selection.label(basis.names)
    measure = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
    drawn = choropleth(basis, level, values, measure_label=measure, offer_mask=mask)
    shown = sum(1 for value in values.values() if value is not None)
    layers = drawn.spec["layer"]
    points = len(layers[2]["data"]["values"]) if len(layers) > 2 else 0
    spec = drawn.spec
    if not shown:
        # Without any value the colour scale has no domain: its legend would read "NaN".
        spec = {**spec, "layer": [layers[0], *layers[2:]]}
    description = _(
        "Map of the %(level)s, coloured by %(measure)s on %(date)s: the darker, the higher. "
        "Grey areas have no value or a withheld one; %(shown)s of %(areas)s areas have a "
        "value. The table of areas gives every figure."
    ) % {
        "level": level.name_plural or level.name,
        "measure": measure,
        "date": _day(day) if day else "–",
        "shown": shown,
        "areas": len(layers[0]["data"]["values"]),
    }
    if label:
        description += " " + _(
            "Orange dots: the %(points)s locations of the %(offers)s offers for %(phase)s."
        ) % {"points": points, "offers": int(mask.sum()), "phase": label}
    else:
        description += " " + _("No offers are shown.")
    return chart(
        spec,
        key=f"chart-map-{indicator.code.lower()}",
        title=_("Map: %(measure)s by area") % {"measure": measure},
        description=description,
    )
