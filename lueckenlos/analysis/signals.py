"""Count up a Kommune's AnalysisGeneration when what its analysis reads is saved or deleted.

Offers need nothing here: each change of one re-indexes it for the search, and the
search's IndexGeneration is part of the cache key (see lueckenlos.analysis.cache). Bulk
writers send no signals; the cache's fingerprint of the tables they write covers them.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from lueckenlos.analysis.cache import touch
from lueckenlos.analysis.models import PopulationGrid
from lueckenlos.areas.models import AgeBand, Area, PopulationCount
from lueckenlos.catalogue.models import Location
from lueckenlos.monitoring.models import Indicator, IndicatorValue


def _kommune_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch([instance.kommune_id])


def _area_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    kommune_id = Area.objects.filter(pk=instance.area_id).values_list("kommune_id", flat=True)
    touch(list(kommune_id))


def _indicator_value_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    kommune_id = Indicator.objects.filter(pk=instance.indicator_id).values_list(
        "kommune_id", flat=True
    )
    touch(list(kommune_id))


def connect() -> None:
    for model in (Area, AgeBand, Indicator, Location, PopulationGrid):
        uid = f"analysis_{model.__name__}"
        post_save.connect(_kommune_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_kommune_changed, sender=model, dispatch_uid=uid + "_deleted")
    post_save.connect(_area_part_changed, sender=PopulationCount, dispatch_uid="analysis_pop")
    post_delete.connect(
        _area_part_changed, sender=PopulationCount, dispatch_uid="analysis_pop_deleted"
    )
    post_save.connect(
        _indicator_value_changed, sender=IndicatorValue, dispatch_uid="analysis_indicator"
    )
    post_delete.connect(
        _indicator_value_changed, sender=IndicatorValue, dispatch_uid="analysis_indicator_del"
    )
