"""Providers (Träger), HSDS organization."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.models.tracking import CatalogueHistory, NotInTrashManager, Trashable


class Organization(Trashable):
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

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        indexes = [models.Index(fields=["kommune", "name"])]

    def __str__(self) -> str:
        return self.name
