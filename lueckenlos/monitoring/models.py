"""Indicators per area and reference date (child poverty, single parents ...).

An indicator is defined per Kommune: what is counted above and below the line (or a rate
given directly), unit, source, the area level it is published for, whether higher is better,
public or internal, and a target. Values are kept as published, with the reason where a
value is missing (withheld, invalid): a missing value is never 0.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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
        if self.code.lower() in RESERVED_CODES:
            raise ValidationError(
                {
                    "code": _(
                        "“%(code)s” is a word of the workspace's addresses: choose another code."
                    )
                    % {"code": self.code}
                }
            )
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


# Codes an indicator cannot have: the workspace's addresses monitoring/neu/ and
# monitoring/werte/ come before monitoring/<code>/ and would hide its page.
RESERVED_CODES = frozenset({"neu", "werte"})


class PendingIndicatorImport(models.Model):
    """An uploaded file of indicator values between its preview and its commit.

    Kept in the database (every worker process sees it), never as a path the browser sends
    back; deleted by the commit, or after PENDING_LIFETIME by the next upload.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"))
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    layout = models.CharField(_("layout"), max_length=10, blank=True)
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    indicator_code = models.CharField(_("indicator"), max_length=40, blank=True)
    area_column = models.CharField(_("area column"), max_length=200, blank=True)
    skip_unknown_areas = models.BooleanField(_("leave out unknown areas"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("pending indicator import")
        verbose_name_plural = _("pending indicator imports")

    def __str__(self) -> str:
        return self.filename


class ValueBatch(models.Model):
    """One change of indicator values: an import or a manual save, or the undoing of one.

    Its ValueChange rows keep each value as it was before and after, so that the batch can
    be undone while no later batch has changed the same values.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("import")
        MANUAL = "manual", _("manual entry")
        UNDO = "undo", _("undo")

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    missing = models.PositiveIntegerField(_("missing with a reason"), default=0)
    undone_by = models.OneToOneField(
        "self",
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="undoes",
    )

    class Meta:
        verbose_name = _("batch of indicator values")
        verbose_name_plural = _("batches of indicator values")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.pk} {self.source}"

    @property
    def changed_values(self) -> int:
        return self.created + self.updated + self.removed


class ValueChange(models.Model):
    """One value a batch created, changed or removed: its state before and after.

    A state is {"value", "missing_reason", "numerator", "denominator"}; None: no value stored.
    """

    batch = models.ForeignKey(
        ValueBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="changes"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    reference_date = models.DateField(_("reference date"))
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change of an indicator value")
        verbose_name_plural = _("changes of indicator values")
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["indicator", "area", "reference_date"])]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.indicator_id} {self.area_id} {self.reference_date}"
