"""Indicators per area and reference date (child poverty, single parents ...).

This first version keeps raw values as published, with the reason where a value is
missing; definitions with numerator and denominator, targets and suppression follow with
the monitoring issue.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, Kommune, KommuneScopedQuerySet


class Indicator(models.Model):
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["kommune", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="unique_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    reference_date = models.DateField(_("reference date"))
    value = models.FloatField(_("value"), null=True, blank=True)
    missing_reason = models.CharField(_("reason for a missing value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "area", "reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "reference_date"], name="unique_indicator_value"
            )
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else "–"
        return f"{self.indicator.code} {self.area.name} {self.reference_date}: {shown}"

    def clean(self) -> None:
        if self.indicator_id and self.area_id and self.indicator.kommune_id != self.area.kommune_id:
            raise ValidationError({"area": _("The area belongs to another Kommune.")})
