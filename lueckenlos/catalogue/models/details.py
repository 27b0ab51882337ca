"""Details of an offer: when (schedule), what it costs (cost_option), in which language."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lueckenlos.catalogue.languages import is_known_language, language_name
from lueckenlos.catalogue.models.locations import Location
from lueckenlos.catalogue.models.offers import Service
from lueckenlos.catalogue.models.tracking import CatalogueHistory


class Weekday(models.TextChoices):
    """iCalendar BYDAY codes, as HSDS schedule uses them."""

    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


class Schedule(models.Model):
    """When an offer is available (HSDS schedule): a weekly opening hour or a dated event."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular opening hours")
        EVENT = "event", _("dated event")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    weekday = models.CharField(_("weekday"), max_length=2, choices=Weekday.choices, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["service", "kind", "weekday", "opens_at", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="regular", starts_at__isnull=True)
                    & ~Q(weekday="")
                    & Q(opens_at__isnull=False, closes_at__isnull=False)
                    & Q(opens_at__lt=models.F("closes_at"))
                )
                | (
                    Q(kind="event", starts_at__isnull=False)
                    & (Q(ends_at__isnull=True) | Q(starts_at__lte=models.F("ends_at")))
                ),
                name="schedule_complete_and_in_order",
                violation_error_message=_(
                    "Opening hours need a weekday and a closing time after the opening time; "
                    "an event needs a start before its end."
                ),
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.EVENT:
            return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
        if (
            self.location_id
            and self.service_id
            and self.location.kommune_id != self.service.kommune_id
        ):
            raise ValidationError({"location": _("The location belongs to another Kommune.")})
        if self.kind == self.Kind.REGULAR:
            if not self.weekday or self.opens_at is None or self.closes_at is None:
                raise ValidationError(_("Regular opening hours need a weekday and both times."))
            if self.opens_at >= self.closes_at:
                raise ValidationError({"closes_at": _("Closing time must follow opening time.")})
        elif self.kind == self.Kind.EVENT:
            if self.starts_at is None:
                raise ValidationError({"starts_at": _("A dated event needs a start.")})
            if self.ends_at is not None and self.ends_at < self.starts_at:
                raise ValidationError({"ends_at": _("The event ends before it starts.")})


class CostOption(models.Model):
    """What an offer costs (HSDS cost_option)."""

    class Kind(models.TextChoices):
        FREE = "free", _("free of charge")
        FEE = "fee", _("fee")
        BUT = "but", _("covered by Bildung und Teilhabe")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="cost_options"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount in euro"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    amount_description = models.CharField(_("about the amount"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="free") | Q(amount__isnull=True) | Q(amount=0),
                name="free_costs_nothing",
                violation_error_message=_("An offer free of charge cannot have an amount."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        if self.kind == self.Kind.FREE and self.amount:
            raise ValidationError({"amount": _("An offer free of charge cannot have an amount.")})


class ServiceLanguage(models.Model):
    """A language the offer is delivered in (HSDS language), ISO 639-1 code."""

    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(_("language code"), max_length=3, help_text=_("ISO 639-1, e.g. tr"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("language of the offer")
        verbose_name_plural = _("languages of the offer")
        ordering = ["service", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="unique_service_language")
        ]

    def __str__(self) -> str:
        return language_name(self.code)

    def clean(self) -> None:
        if not is_known_language(self.code):
            raise ValidationError(
                {"code": _("Unknown language code %(code)r.") % {"code": self.code}}
            )
