"""Places where offers are delivered, HSDS location with its physical address."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.models.providers import Organization
from lueckenlos.catalogue.models.tracking import CatalogueHistory, NotInTrashManager, Trashable


class Location(Trashable):
    """A place where offers are delivered (HSDS location with its physical address)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="locations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("street and house number"), max_length=300, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
        help_text=_("The smallest area containing the coordinates; set automatically."),
    )

    class Wheelchair(models.TextChoices):
        UNKNOWN = "", _("unknown")
        YES = "yes", _("wheelchair accessible")
        PARTIAL = "partial", _("partly wheelchair accessible")
        NO = "no", _("not wheelchair accessible")

    wheelchair = models.CharField(
        _("wheelchair access"), max_length=10, choices=Wheelchair.choices, blank=True
    )
    accessibility_description = models.TextField(_("accessibility"), blank=True)
    external_id = models.CharField(_("external identifier"), max_length=100, blank=True)

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_has_both_coordinates_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.address_1}" if self.address_1 else self.name

    def clean(self) -> None:
        if self.organization_id and self.organization.kommune_id != self.kommune_id:
            raise ValidationError({"organization": _("The provider belongs to another Kommune.")})

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_outside_areas(self) -> bool:
        """Placed on the map but in none of its Kommune's areas: the coordinator must look."""
        return self.has_coordinates and self.area_id is None
