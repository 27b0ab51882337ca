"""How to reach a provider or offer: HSDS contact and phone."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lueckenlos.catalogue.models.locations import Location
from lueckenlos.catalogue.models.offers import Service
from lueckenlos.catalogue.models.providers import Organization
from lueckenlos.catalogue.models.tracking import CatalogueHistory


class Contact(models.Model):
    """A contact (HSDS contact): a role or a named person of a provider.

    Named persons are personal data (DSGVO): why they are kept and since when the person
    agreed is recorded with them; lueckenlos.catalogue.history exports and erases them.
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
    purpose = models.CharField(
        _("purpose"),
        max_length=300,
        blank=True,
        help_text=_('Why the person\'s data is kept, e.g. "contact for families".'),
    )
    consent_date = models.DateField(
        _("consent given on"),
        null=True,
        blank=True,
        help_text=_("When the person agreed to be named here."),
    )

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(service__isnull=False),
                name="contact_belongs_somewhere",
                violation_error_message=_("A contact belongs to a provider or an offer."),
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
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    number = models.CharField(_("number"), max_length=50)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    history = CatalogueHistory()

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
                violation_error_message=_(
                    "A phone number belongs to a provider, offer, location or contact."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.number
