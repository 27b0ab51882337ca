"""Indicators per area and reference date (child poverty, single parents ...).

An indicator is defined per Kommune: what is counted above and below the line (or a rate
given directly), unit, source, the area level it is published for, whether higher is better,
public or internal, and a target. Values are kept as published, with the reason where a
value is missing (withheld, invalid): a missing value is never 0.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, AreaLevel, Kommune, KommuneScopedQuerySet


class Indicator(models.Model):
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    numerator_label = models.CharField(
        _("numerator"),
        max_length=300,
        blank=True,
        help_text=_("What is counted, e.g. “under-15s in SGB II benefit households”."),
    )
    denominator_label = models.CharField(
        _("denominator"),
        max_length=300,
        blank=True,
        help_text=_(
            "What it is counted among, e.g. “all under-15s”. Empty: a rate given directly."
        ),
    )
    scale = models.FloatField(
        _("scale"),
        default=100,
        help_text=_(
            "Numerator / denominator × scale gives the value: 100 for per cent, "
            "10000 for per 10,000."
        ),
    )
    area_level = models.ForeignKey(
        AreaLevel,
        verbose_name=_("area level"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("The level of areas the values are published for."),
    )
    higher_is_better = models.BooleanField(
        _("higher is better"),
        null=True,
        blank=True,
        help_text=_("Yes, no, or empty for an indicator that is neither (context)."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on the portal, with small numbers suppressed."),
    )
    target_value = models.FloatField(_("target value"), null=True, blank=True)

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

    @property
    def is_rate_given(self) -> bool:
        """True when values are published as a rate, without numerator and denominator."""
        return not self.denominator_label

    def clean(self) -> None:
        if self.area_level_id and self.area_level.kommune_id != self.kommune_id:
            raise ValidationError({"area_level": _("The area level belongs to another Kommune.")})


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
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)

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
