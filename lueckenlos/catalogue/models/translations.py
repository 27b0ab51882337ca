"""Optional translations of an offer's texts into the portal's other interface languages.

Providers cannot be expected to translate (DOMAIN.md): a translation is an extra, and every
field may stay empty, in which case the portal shows the German text with a note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.catalogue.models.offers import Service
from lueckenlos.catalogue.models.tracking import CatalogueHistory

# The language of the offer texts themselves.
SOURCE_LANGUAGE = "de"


def translation_languages() -> list[tuple[str, str]]:
    """The interface languages an offer text can be translated into.

    A callable, so that a change of settings.LANGUAGES needs no new migration.
    """
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


class ServiceTranslation(models.Model):
    """An offer's texts in one other interface language; empty fields fall back to German."""

    service = models.ForeignKey(
        Service, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=10, choices=translation_languages)
    name = models.CharField(_("name"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    application_process = models.TextField(_("how to get in"), blank=True)

    history = CatalogueHistory()

    class Meta:
        verbose_name = _("translation of the offer")
        verbose_name_plural = _("translations of the offer")
        ordering = ["service", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language"],
                name="unique_service_translation",
                violation_error_message=_("This offer already has a translation in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_language_display()})"
