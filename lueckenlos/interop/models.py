"""What imports keep: saved column mappings, uploads between the steps, and a record of runs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune

# An upload left between the back office's steps is deleted after this long.
UPLOAD_LIFETIME = dt.timedelta(days=1)


class ImportMapping(models.Model):
    """A column and value mapping of offer imports, saved per Kommune by name, reusable."""

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    defaults = models.JSONField(_("defaults"), default=dict, blank=True)
    values = models.JSONField(_("value mappings"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["kommune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"], name="unique_import_mapping_name")
        ]

    def __str__(self) -> str:
        return self.name


class PendingImport(models.Model):
    """An uploaded file between upload, mapping, preview and commit in the back office.

    Kept in the database rather than on disk, so that every worker process sees it; deleted
    after the commit, or after UPLOAD_LIFETIME by the next upload.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"))
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename


class ImportRun(models.Model):
    """A committed import of offers: who imported which file, and what it changed."""

    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.PositiveIntegerField(_("offers created"), default=0)
    updated = models.PositiveIntegerField(_("offers updated"), default=0)
    unchanged = models.PositiveIntegerField(_("offers unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected (skipped)"), default=0)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("import of offers")
        verbose_name_plural = _("imports of offers")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"
