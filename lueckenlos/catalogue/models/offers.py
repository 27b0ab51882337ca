"""Offers (Angebote), HSDS service, and where they are delivered (service_at_location)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.models.locations import Location
from lueckenlos.catalogue.models.providers import Organization
from lueckenlos.catalogue.models.taxonomy import TaxonomyTerm
from lueckenlos.catalogue.models.tracking import CatalogueHistory, NotInTrashManager, Trashable


class ServiceQuerySet(KommuneScopedQuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(status=Service.Status.ACTIVE)


class Service(Trashable):
    """An offer (Angebot), HSDS service."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DRAFT = "draft", _("draft")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="services"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    min_age_months = models.PositiveIntegerField(
        _("from age (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: from pregnancy or birth on."),
    )
    max_age_months = models.PositiveIntegerField(
        _("below age (months)"),
        null=True,
        blank=True,
        help_text=_("Exclusive: 72 means up to the sixth birthday. Empty: no upper limit."),
    )
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    application_process = models.TextField(_("how to get in"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("e.g. approved Kita places")
    )
    terms = models.ManyToManyField(
        TaxonomyTerm, verbose_name=_("classification"), blank=True, related_name="services"
    )
    last_confirmed = models.DateField(
        _("last confirmed on"), null=True, blank=True, help_text=_("HSDS assured_date")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    external_id = models.CharField(_("external identifier"), max_length=100, blank=True)
    is_example = models.BooleanField(
        _("example entry"), default=False, help_text=_("Invented for the demo, not a real one.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    locations = models.ManyToManyField(
        Location,
        through="ServiceAtLocation",
        verbose_name=_("locations"),
        related_name="services",
        blank=True,
    )

    objects = NotInTrashManager.from_queryset(ServiceQuerySet)()
    all_objects = ServiceQuerySet.as_manager()
    # The terms are kept with each version; parts have their own history.
    history = CatalogueHistory(m2m_fields=["terms"])

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kommune", "status", "name"]),
            models.Index(fields=["kommune", "external_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lt=models.F("max_age_months")),
                name="service_age_range_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months >= self.max_age_months
        ):
            errors["max_age_months"] = _(
                "The upper age limit must lie above the lower one (months %(min)s to %(max)s)."
            ) % {"min": self.min_age_months, "max": self.max_age_months}
        if self.organization_id and self.organization.kommune_id != self.kommune_id:
            errors["organization"] = _("The provider belongs to another Kommune.")
        if errors:
            raise ValidationError(errors)


class ServiceAtLocation(models.Model):
    """Where an offer is delivered (HSDS service_at_location)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, verbose_name=_("offer"), on_delete=models.CASCADE)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.CASCADE)
    description = models.TextField(_("description"), blank=True)

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("offer at location")
        verbose_name_plural = _("offers at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"

    def clean(self) -> None:
        if (
            self.service_id
            and self.location_id
            and self.service.kommune_id != self.location.kommune_id
        ):
            raise ValidationError({"location": _("The location belongs to another Kommune.")})
