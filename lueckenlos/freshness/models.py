"""What freshness remembers: the reminders sent for each offer, and the update rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service


class UpdateRound(models.Model):
    """An Aktualisierungsrunde: the coordinator asks every provider to review its offers
    within a window and follows how many answer."""

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="update_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Your words to the providers, put into the e-mail.")
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(
        _("ends"), help_text=_("The providers are asked to answer by this day.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("update round")
        verbose_name_plural = _("update rounds")
        ordering = ["-starts", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.kommune})"


class Reminder(models.Model):
    """One request to a provider to confirm one offer: a reminder for a stale offer, or the
    offer's part of an update round's e-mail."""

    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="reminders"
    )
    update_round = models.ForeignKey(
        UpdateRound,
        verbose_name=_("update round"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["service", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.service} → {self.sent_to}"
