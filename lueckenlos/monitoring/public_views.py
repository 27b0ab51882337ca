"""The public indicators of a Kommune on the portal: only indicators marked public, with
small numbers withheld (queries.py, suppress=True). No cookies, no JavaScript."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lueckenlos.analysis.charts import Chart
from lueckenlos.analysis.suppression import SuppressionPolicy
from lueckenlos.areas.queries import kommunen_for_pages
from lueckenlos.monitoring.models import Indicator
from lueckenlos.monitoring.queries import (
    AreaValue,
    IndicatorTrend,
    area_values,
    indicator_map,
    indicator_trend,
    indicator_trends,
    trend_chart,
)


@dataclass(frozen=True)
class PublicIndicator:
    """What the portal shows of one indicator, every figure already suppressed."""

    trend: IndicatorTrend
    day: dt.date | None
    values: list[AreaValue]
    area_map: Chart | None
    series_chart: Chart | None = None

    @property
    def indicator(self) -> Indicator:
        return self.trend.indicator

    @property
    def withheld(self) -> int:
        return sum(1 for entry in self.values if entry.suppressed)


def _public(trend: IndicatorTrend, *, with_series: bool = False) -> PublicIndicator:
    day = trend.dates[-1] if trend.dates else None
    indicator = trend.indicator
    return PublicIndicator(
        trend=trend,
        day=day,
        values=area_values(indicator, day, suppress=True) if day else [],
        area_map=indicator_map(indicator, day, suppress=True) if day else None,
        series_chart=trend_chart(trend) if with_series and day else None,
    )


def _context(kommune, **parts) -> dict:
    return {"kommune": kommune, "policy": SuppressionPolicy.from_settings(), **parts}


@require_safe
def indicator_list(request: HttpRequest, kommune_slug: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=kommune_slug)
    trends = indicator_trends(kommune, public_only=True, suppress=True)
    return render(
        request,
        "monitoring/public_list.html",
        _context(kommune, indicators=[_public(trend) for trend in trends]),
    )


@require_safe
def indicator_detail(request: HttpRequest, kommune_slug: str, code: str) -> HttpResponse:
    kommune = get_object_or_404(kommunen_for_pages(), slug=kommune_slug)
    indicator = (
        Indicator.objects.for_kommune(kommune)
        .filter(is_public=True, code=code)
        .select_related("area_level", "kommune")
        .first()
    )
    if indicator is None:  # unknown, or internal: the same answer, so nothing is revealed
        raise Http404
    trend = indicator_trend(indicator, suppress=True)
    return render(
        request,
        "monitoring/public_detail.html",
        _context(kommune, entry=_public(trend, with_series=True)),
    )
