"""Providers' proposals: changes and new offers that wait for the coordinator's decision.

A provider never edits a live record (STYLE.md: "provider edits are proposals"): what they
submit is kept here, as the data a catalogue write would take, until a coordinator approves
(the write happens then, in the coordinator's name) or rejects it. Nothing about children or
families is stored here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Contact, Organization, Service
from lueckenlos.review.payload import from_json


class Proposal(models.Model):
    """A provider's proposed change of an offer, or a proposed new offer (or provider)."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("change of an offer")
        NEW_OFFER = "new_offer", _("new offer")
        NEW_PROVIDER = "new_provider", _("new provider (public form)")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("replaced by a later proposal")

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
        help_text=_("Empty for a proposed new offer until it is approved."),
    )
    payload = models.JSONField(
        _("proposed data"), help_text=_("The offer's data as proposed (see review.payload).")
    )
    previous = models.JSONField(
        _("offer before the decision"),
        null=True,
        blank=True,
        help_text=_("The offer's values the proposal changed, as they were when it was decided."),
    )
    base_version = models.PositiveIntegerField(
        _("based on version"),
        null=True,
        blank=True,
        help_text=_("The version of the offer the provider started from."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text=_("Empty for a report through the public form."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who reported a missing provider; told of the decision."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment of the coordinator"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["kommune", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="change") | Q(service__isnull=False),
                name="proposal_change_names_its_offer",
            )
        ]

    def __str__(self) -> str:
        return _("Proposal #%(number)s") % {"number": self.pk}

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def offer_name(self) -> str:
        """The offer's name as proposed (or, failing that, as it is)."""
        name = self.payload.get("name") if isinstance(self.payload, dict) else None
        return name or (self.service.name if self.service_id else "")

    def data_dict(self) -> dict[str, Any]:
        """The proposed data back, in the shape of catalogue.services.service_update.

        Raises payload.PayloadError when a term or location it names has vanished since.
        """
        return from_json(self.payload, kommune=self.kommune)
