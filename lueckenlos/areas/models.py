"""Kommunen (tenants), their area hierarchies and the population statistics of each area."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.slugs import validate_kommune_slug


class Kommune(models.Model):
    """A municipality, district or county: the tenant that owns areas and offers.

    A Kommune may contain other Kommunen (a county its towns, Berlin its twelve Bezirke).
    """

    class Kind(models.TextChoices):
        STATE = "state", _("State programme")
        COUNTY = "county", _("County")
        CITY = "city", _("City")
        MUNICIPALITY = "municipality", _("Municipality")
        DISTRICT = "district", _("District")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=80,
        unique=True,
        validators=[validate_kommune_slug],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contained in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    official_code = models.CharField(
        _("official code"), max_length=20, blank=True, help_text=_("e.g. the district number")
    )
    youth_office = models.CharField(_("youth office"), max_length=200, blank=True)
    boundary = models.JSONField(
        _("boundary (GeoJSON, WGS84)"), null=True, blank=True, editable=False
    )
    attribution = models.TextField(_("data sources and attribution"), blank=True)
    # Plain text, shown with line breaks on the portal; each Kommune is its own publisher.
    imprint = models.TextField(
        _("imprint"), blank=True, help_text=_("Plain text; line breaks are kept.")
    )
    privacy_notice = models.TextField(
        _("privacy notice"), blank=True, help_text=_("Plain text; line breaks are kept.")
    )

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A Kommune cannot contain itself.")})
            ancestor = ancestor.parent

    def descendant_ids(self) -> list[int]:
        """This Kommune and every Kommune it contains, at any depth."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Kommune.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


class KommuneScopedQuerySet(models.QuerySet):
    """Every tenant-owned model's queryset: `for_kommune` is how reads stay in one tenant."""

    def for_kommune(
        self, kommune: Kommune, *, include_contained: bool = False
    ) -> KommuneScopedQuerySet:
        if include_contained:
            return self.filter(kommune_id__in=kommune.descendant_ids())
        return self.filter(kommune=kommune)


class AreaLevel(models.Model):
    """One level of a Kommune's own area hierarchy (e.g. Prognoseraum, Planungsraum)."""

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="area_levels"
    )
    name = models.CharField(_("name"), max_length=100)
    name_plural = models.CharField(_("name in plural"), max_length=100, blank=True)
    depth = models.PositiveSmallIntegerField(
        _("depth"), help_text=_("0 for the largest areas, increasing towards the smallest.")
    )

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("area level")
        verbose_name_plural = _("area levels")
        ordering = ["kommune", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "depth"], name="unique_level_depth"),
            models.UniqueConstraint(fields=["kommune", "name"], name="unique_level_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kommune})"


class AreaQuerySet(KommuneScopedQuerySet):
    def valid_on(self, day: dt.date) -> AreaQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def within(self, area: Area) -> AreaQuerySet:
        """The area itself and all areas below it, of the same vintage.

        Codes repeat across vintages (a new LOR edition keeps most numbers), so the path
        prefix alone would mix the old and the new boundaries.
        """
        query = self.filter(kommune_id=area.kommune_id, path__startswith=area.path)
        if area.valid_to is not None:
            query = query.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=area.valid_to))
        if area.valid_from is not None:
            query = query.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=area.valid_from))
        return query


class Area(models.Model):
    """A neighbourhood or district of a Kommune, at one level of its hierarchy.

    The boundary is stored as GeoJSON in WGS84 with its bounding box beside it (to fit a map
    to the area without reading the polygon); distances and areas are computed in a metric
    CRS (see lueckenlos.lib.geo).
    """

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="areas"
    )
    level = models.ForeignKey(
        AreaLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="areas"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        # The code is a segment of the path below: a slash would break it.
        validators=[RegexValidator(r"^[^/\s]+$", _("A code may not contain slashes or spaces."))],
    )
    name = models.CharField(_("name"), max_length=200)
    # Materialised path of codes ("0110/011001/01100101/") so "everything inside this area"
    # is one indexed prefix filter at any depth.
    path = models.CharField(max_length=500, editable=False, db_index=True)
    boundary = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    area_m2 = models.FloatField(_("area in m²"), null=True, blank=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kommune", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "code", "valid_from"], name="unique_area_code_per_vintage"
            ),
            # NULLs are distinct in a unique constraint: areas without a vintage need their own.
            models.UniqueConstraint(
                fields=["kommune", "code"],
                condition=Q(valid_from__isnull=True),
                name="unique_area_code_without_vintage",
                violation_error_message=_("This Kommune already has an area with this code."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="area_vintage_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.level.name})"

    def clean(self) -> None:
        errors = {}
        if self.level_id and self.level.kommune_id != self.kommune_id:
            errors["level"] = _("The level belongs to another Kommune.")
        if self.parent_id:
            if self.parent.kommune_id != self.kommune_id:
                errors["parent"] = _("The parent area belongs to another Kommune.")
            elif self.level_id and self.parent.level.depth >= self.level.depth:
                errors["parent"] = _("The parent area must be on a higher level.")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            errors["valid_to"] = _("The end of validity lies before its start.")
        if errors:
            raise ValidationError(errors)


class AgeBand(models.Model):
    """An age band in which a Kommune's statistics office counts its population.

    Bands are data: Berlin counts under 6, 6-15, 15-18 ...; others count differently.
    Ages are in months, the upper bound exclusive; an open upper bound is empty.
    """

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="age_bands"
    )
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    min_age_months = models.PositiveIntegerField(_("from age (months)"), default=0)
    max_age_months = models.PositiveIntegerField(
        _("below age (months)"), null=True, blank=True, help_text=_("Empty: no upper limit.")
    )
    is_total = models.BooleanField(
        _("whole population"), default=False, help_text=_("The band that counts everyone.")
    )

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        ordering = ["kommune", "-is_total", "min_age_months"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="unique_age_band_code"),
            models.CheckConstraint(
                condition=Q(max_age_months__isnull=True)
                | Q(min_age_months__lt=models.F("max_age_months")),
                name="age_band_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class PopulationCount(models.Model):
    """Inhabitants of one age band in one area on one reference date.

    A value the statistics office suppressed is stored as missing (count empty), never as 0.
    """

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="population"
    )
    age_band = models.ForeignKey(
        AgeBand, verbose_name=_("age band"), on_delete=models.PROTECT, related_name="counts"
    )
    reference_date = models.DateField(_("reference date"))
    count = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    missing_reason = models.CharField(_("reason for a missing value"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("population count")
        verbose_name_plural = _("population counts")
        ordering = ["area", "reference_date", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "age_band", "reference_date"], name="unique_population_count"
            )
        ]

    def __str__(self) -> str:
        shown = self.count if self.count is not None else "–"
        return f"{self.area.name}, {self.age_band.label}, {self.reference_date}: {shown}"

    def clean(self) -> None:
        if self.area_id and self.age_band_id and self.area.kommune_id != self.age_band.kommune_id:
            raise ValidationError({"age_band": _("The age band belongs to another Kommune.")})


class AddressPoint(models.Model):
    """One entry of a Kommune's address register: an official house coordinate.

    Imported from the surveying office's house-coordinates file (Hauskoordinaten) so that
    addresses can be placed without asking a third party; see lueckenlos.areas.geocoding.
    """

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="addresses"
    )
    street = models.CharField(_("street"), max_length=200)
    # The street as lueckenlos.areas.geocoding.normalise_street folds it, for lookups.
    street_key = models.CharField(_("street (normalised)"), max_length=200)
    house_number = models.CharField(
        _("house number"), max_length=20, help_text=_("Normalised: “5 a” and “5A” become “5a”.")
    )
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("address register")
        ordering = ["kommune", "street_key", "house_number", "postal_code"]
        indexes = [
            models.Index(
                fields=["kommune", "street_key", "house_number"], name="address_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.postal_code} {self.locality}".strip(", ")
