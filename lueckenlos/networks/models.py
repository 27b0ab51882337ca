"""Who works with whom: networks and committees of a Kommune, their members and meetings,
cooperation agreements between providers, and the events (Fachtage, Arbeitskonferenzen).

Members are providers (catalogue organizations); the people who represent them are the
providers' contacts, so that one set of personal-data rules (purpose, consent, export,
erasure in lueckenlos.catalogue.history) covers them. Records people edit keep a history and
go to a trash, as the catalogue's do.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.models import Contact, Organization, TaxonomyTerm
from lueckenlos.catalogue.models.tracking import CatalogueHistory, NotInTrashManager, Trashable
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE

COVERED_VOCABULARIES = (LIFE_PHASE, FIELD_OF_ACTION)


class NetworkKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Steering group")
    WORKING_GROUP = "working_group", _("Working group")
    ROUND_TABLE = "round_table", _("Round table")
    EARLY_HELP = "early_help", _("Early help network")
    OTHER = "other", _("Other network")


class Network(Trashable):
    """A network or committee: Steuerungsgruppe, Arbeitsgruppe, Runder Tisch, Netzwerk
    Frühe Hilfen … with what it is for and which life phases, fields and areas it covers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="networks"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NetworkKind.choices)
    name = models.CharField(_("name"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    terms = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("life phases and fields of action"),
        blank=True,
        related_name="networks",
        limit_choices_to={"taxonomy__code__in": COVERED_VOCABULARIES},
    )
    areas = models.ManyToManyField(
        Area,
        verbose_name=_("areas"),
        blank=True,
        related_name="networks",
        help_text=_("Empty: the whole Kommune."),
    )
    coordinated_by = models.ForeignKey(
        Organization,
        verbose_name=_("coordinated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_networks",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory(m2m_fields=["terms", "areas"])

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["kommune", "kind", "name"]
        indexes = [models.Index(fields=["kommune", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.founded_on and self.ended_on and self.ended_on < self.founded_on:
            raise ValidationError({"ended_on": _("A network cannot end before it was founded.")})


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    OFFICE = "office", _("Office")
    MEMBER = "member", _("Member")
    ADVISORY = "advisory", _("Advisory member")
    GUEST = "guest", _("Guest")


class NetworkMember(models.Model):
    """A provider's membership in a network, with its role and the people representing it."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="members"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    representatives = models.ManyToManyField(
        Contact,
        verbose_name=_("represented by"),
        blank=True,
        related_name="network_memberships",
        help_text=_("Contact persons of the provider (kept with their purpose and consent)."),
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(_("member until"), null=True, blank=True)

    history = CatalogueHistory(m2m_fields=["representatives"])

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["network", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organization"], name="unique_network_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        if (
            self.network_id
            and self.organization_id
            and self.organization.kommune_id != self.network.kommune_id
        ):
            raise ValidationError({"organization": _("The provider belongs to another Kommune.")})


class Meeting(models.Model):
    """A meeting of a network: when, where, agenda, minutes; decisions are its parts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(
        _("minutes"),
        blank=True,
        help_text=_("No personal data about children or families."),
    )

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["network", "-starts_at"]

    def __str__(self) -> str:
        return f"{self.network} {self.starts_at:%Y-%m-%d}"


class Decision(models.Model):
    """A decision taken at a meeting, in its words."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("decision"))

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


def _document_path(instance: Document, filename: str) -> str:
    # Stored under an opaque name: the original name is kept in the record, not the path.
    return f"networks/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a meeting (agenda, minutes, presentation) or to an agreement.

    Served only through the workspace, to those who may read the network."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    agreement = models.ForeignKey(
        "CooperationAgreement",
        verbose_name=_("cooperation agreement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=_document_path)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, agreement__isnull=True)
                | Q(meeting__isnull=True, agreement__isnull=False),
                name="document_belongs_to_one",
                violation_error_message=_(
                    "A document belongs to a meeting or to a cooperation agreement."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CooperationAgreement(Trashable):
    """A cooperation agreement between two or more providers (Kooperationsvereinbarung)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
    )
    title = models.CharField(_("title"), max_length=300)
    subject = models.TextField(_("subject"), blank=True)
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("parties"),
        related_name="cooperation_agreements",
    )
    terms = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("life phases and fields of action"),
        blank=True,
        related_name="cooperation_agreements",
        limit_choices_to={"taxonomy__code__in": COVERED_VOCABULARIES},
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory(m2m_fields=["organizations", "terms"])

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["kommune", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.signed_on and self.valid_until and self.valid_until < self.signed_on:
            raise ValidationError(
                {"valid_until": _("An agreement cannot end before it was signed.")}
            )


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Fachtag")
    WORKING_CONFERENCE = "working_conference", _("Arbeitskonferenz")
    OTHER = "other", _("Other event")


class Event(Trashable):
    """A Fachtag or an Arbeitskonferenz: in the Kommune's calendar and its iCalendar feed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    network = models.ForeignKey(
        Network,
        verbose_name=_("organised by network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public events are in the Kommune's public calendar feed."),
    )

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["kommune", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title
