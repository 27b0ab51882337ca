"""Vocabularies (HSDS taxonomy and taxonomy_term): life phases, fields of action ..."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
