"""What every catalogue record shares for history, recovery and edit conflicts.

`CatalogueHistory` records each change with the acting user (set by the write functions for
the length of a write, else the request's user); `Trashable` gives the records people edit
and delete a version number and a trash, and managers that leave the trash out.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The user a write function acts for; parts it saves or deletes name them in their history.
_acting_user: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "catalogue_acting_user", default=None
)
# Set by bulk writers (imports, demo loader) that keep no history row by row.
_paused: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "catalogue_history_paused", default=False
)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Name `user` in the history of everything saved or deleted inside the block."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


@contextmanager
def history_paused() -> Iterator[None]:
    """Write no history rows inside the block (for bulk writers; they record a summary)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _history_user(instance: models.Model = None, request: Any = None, **kwargs: Any) -> Any:
    user = _acting_user.get()
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


class CatalogueHistory(HistoricalRecords):
    """django-simple-history's records, naming the acting user, pausable for bulk writers.

    The model gets `history_records` (this object), so that a write function can record a
    version itself once all of a change is saved.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("get_user", _history_user)
        super().__init__(**kwargs)
        # simple-history keeps this dict on the class, shared by every model's records: a
        # model's own many-to-many histories must not list another model's.
        self.m2m_models = {}

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        cls.history_records = self

    def post_save(self, instance, created, using=None, **kwargs):
        if not _paused.get():
            super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        if not _paused.get():
            super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not _paused.get():
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


class NotInTrashManager(models.Manager):
    """The default manager of trashable records: whatever reads them leaves the trash out."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Trashable(models.Model):
    """A record people edit and delete: a version against lost updates, and a trash."""

    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Counts the saved changes.")
    )
    deleted_at = models.DateTimeField(_("moved to the trash"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the trash by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None
