"""The inventory of offers, aligned with Open Referral HSDS 3.0.

HSDS names are kept where they fit (organization, service, location, service_at_location,
contact, phone, schedule, cost_option, language, accessibility, taxonomy, taxonomy_term) so
that the export of a later issue is a direct mapping. Departures, each for a reason:
ages are in months (infants need months), languages and accessibility are simpler records
on the service and location, and every tenant-owned record carries its Kommune.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.languages import is_known_language, language_name


class Taxonomy(models.Model):
    """A vocabulary (HSDS taxonomy): life phases, fields of action, target groups ..."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """One term of a taxonomy (HSDS taxonomy_term); life phases carry an age range."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, verbose_name=_("taxonomy"), on_delete=models.PROTECT, related_name="terms"
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("broader term"), null=True, blank=True, on_delete=models.PROTECT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    min_age_months = models.IntegerField(
        _("from age (months)"),
        null=True,
        blank=True,
        help_text=_("Negative values lie before birth (pregnancy)."),
    )
    max_age_months = models.IntegerField(
        _("below age (months)"), null=True, blank=True, help_text=_("Exclusive upper limit.")
    )

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="unique_term_code"),
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lt=models.F("max_age_months")),
                name="term_age_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """A provider (Träger): youth office, welfare association, school authority, club ..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="organizations"
    )
    name = models.CharField(_("name"), max_length=300)
    alternate_name = models.CharField(_("alternate name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    provider_type = models.CharField(
        _("type of provider"),
        max_length=100,
        blank=True,
        help_text=_("e.g. public provider, welfare association, independent provider"),
    )
    external_id = models.CharField(_("external identifier"), max_length=100, blank=True)
    is_example = models.BooleanField(
        _("example entry"), default=False, help_text=_("Invented for the demo, not a real one.")
    )

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        indexes = [models.Index(fields=["kommune", "name"])]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
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

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_has_both_coordinates_or_none",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.address_1}" if self.address_1 else self.name

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_outside_areas(self) -> bool:
        """Placed on the map but in none of its Kommune's areas: the coordinator must look."""
        return self.has_coordinates and self.area_id is None


class ServiceQuerySet(KommuneScopedQuerySet):
    def active(self):
        return self.filter(status=Service.Status.ACTIVE)

    def for_age_months(self, months: int):
        return self.filter(
            Q(min_age_months__isnull=True) | Q(min_age_months__lte=months),
            Q(max_age_months__isnull=True) | Q(max_age_months__gt=months),
        )


class Service(models.Model):
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

    objects = ServiceQuerySet.as_manager()

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


class Contact(models.Model):
    """A contact (HSDS contact): a role or a named person of a provider.

    Named persons are personal data; the workspace issue adds purpose and consent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("role"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(service__isnull=False),
                name="contact_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.title or self.email or str(_("contact"))


class Phone(models.Model):
    """A telephone number (HSDS phone) of a provider, offer, location or contact."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("telephone")
        FAX = "fax", _("fax")
        CELL = "cell", _("mobile")
        TEXT = "text", _("text message")
        VIDEO = "video", _("video call")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=50)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False)
                | Q(service__isnull=False)
                | Q(location__isnull=False)
                | Q(contact__isnull=False),
                name="phone_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.number


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
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.EVENT:
            return f"{self.starts_at:%d.%m.%Y %H:%M}"
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def clean(self) -> None:
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

    class Meta:
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="free") | Q(amount__isnull=True) | Q(amount=0),
                name="free_costs_nothing",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceLanguage(models.Model):
    """A language the offer is delivered in (HSDS language), ISO 639-1 code."""

    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="languages"
    )
    code = models.CharField(_("language code"), max_length=3, help_text=_("ISO 639-1, e.g. tr"))
    note = models.CharField(_("note"), max_length=200, blank=True)

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
