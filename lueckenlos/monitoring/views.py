"""The monitoring atlas of the workspace: the Kommune's indicators, and one indicator's page
with map (need beside the offers of a life phase), table of areas and time series.

Views stay thin: they read the GET choices and hand queries.py's results to the templates.
Internal pages: every value is shown, nothing suppressed (the readers own the data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from lueckenlos.analysis.selection import vocabulary_terms
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.monitoring.models import Indicator
from lueckenlos.monitoring.queries import (
    AreaValue,
    area_series,
    area_values,
    indicator_map,
    indicator_trend,
    indicator_trends,
    kommune_figure,
    trend_chart,
)
from lueckenlos.workspace.access import workspace_view
from lueckenlos.workspace.navigation import render


class AtlasForm(forms.Form):
    """What the indicator page shows: reference date, offers on the map, area of the series.

    A plain GET form; a refused choice falls back to its default and the page says so.
    """

    date = forms.TypedChoiceField(
        label=_("Reference date"), required=False, coerce=dt.date.fromisoformat
    )
    phase = forms.ChoiceField(label=_("Offers on the map for the life phase"), required=False)
    area = forms.TypedChoiceField(label=_("Area in the time series"), required=False, coerce=int)

    def __init__(self, data, *, dates: list[dt.date], phases, areas, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["date"].choices = [
            (day.isoformat(), date_format(day, "SHORT_DATE_FORMAT")) for day in reversed(dates)
        ]
        self.fields["phase"].choices = [("", _("no offers"))] + [(p.code, p.label) for p in phases]
        self.fields["area"].choices = [("", _("none, the Kommune only"))] + [
            (area.pk, area.name) for area in areas
        ]

    def chosen(self, name: str, default=None):
        if not self.is_bound or not self.is_valid():
            return default
        return self.cleaned_data.get(name) or default


@dataclass(frozen=True)
class AreaRow:
    """A line of the area table: the area's value and its distance to the Kommune's."""

    entry: AreaValue
    difference: float | None


@workspace_view("reader")
@require_safe
def monitoring(request: HttpRequest) -> HttpResponse:
    """The Kommune's indicators with their latest value, trend and target."""
    kommune = request.workspace.kommune
    return render(
        request,
        "monitoring/index.html",
        {"trends": indicator_trends(kommune)},
    )


@workspace_view("reader")
@require_safe
def monitoring_indicator(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: map, table of areas, time series, comparison with Kommune and target."""
    kommune = request.workspace.kommune
    indicator = get_object_or_404(
        Indicator.objects.for_kommune(kommune).select_related("area_level", "kommune"),
        code=code,
    )
    trend = indicator_trend(indicator)
    latest = area_values(indicator)
    form = AtlasForm(
        request.GET or None,
        dates=trend.dates,
        phases=vocabulary_terms(LIFE_PHASE),
        areas=[entry.area for entry in latest],
    )
    latest_day = trend.dates[-1] if trend.dates else None
    day = form.chosen("date", latest_day)
    phase = form.chosen("phase", "")
    area_pk = form.chosen("area")
    values = latest if day == latest_day else area_values(indicator, day)
    figure = kommune_figure(indicator, day)
    rows = [
        AreaRow(
            entry,
            entry.value - figure.value
            if entry.value is not None and figure.value is not None
            else None,
        )
        for entry in values
    ]
    series_area = next((e.area for e in latest if e.area.pk == area_pk), None)
    area_by_date = dict(area_series(indicator, series_area)) if series_area else {}
    return render(
        request,
        "monitoring/indicator.html",
        {
            "indicator": indicator,
            "form": form,
            "day": day,
            "phase": phase,
            "figure": figure,
            "trend": trend,
            "rows": rows,
            "missing": sum(1 for entry in values if entry.value is None),
            "area_map": indicator_map(indicator, day, life_phase=phase or None),
            "series_chart": trend_chart(trend, area=series_area) if trend.dates else None,
            "series_area": series_area,
            "series_rows": [
                (day_, value, area_by_date.get(day_))
                for day_, value in zip(trend.dates, trend.kommune_values, strict=True)
            ],
            "target_difference": (
                trend.latest - trend.target_value
                if trend.latest is not None and trend.target_value is not None
                else None
            ),
        },
    )
