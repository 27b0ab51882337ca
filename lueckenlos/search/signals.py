"""Re-index an offer whenever it or a part of it changes, in the same transaction."""

from __future__ import annotations

import contextvars

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from lueckenlos.search.indexing import index_offers

# Offers being deleted: their parts go first, and re-indexing the offer in between would
# write index rows for an offer about to vanish.
_deleting: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "search_deleting", default=frozenset()
)


def _reindex(*service_ids) -> None:
    ids = [pk for pk in service_ids if pk is not None and pk not in _deleting.get()]
    if ids:
        index_offers(ids)


def _service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance.pk)


def _service_deleting(sender, instance, **kwargs):
    _deleting.set(_deleting.get() | {instance.pk})


def _service_deleted(sender, instance, **kwargs):
    _deleting.set(_deleting.get() - {instance.pk})


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance.service_id)


def _terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # term.services.add(...)
        _reindex(*(pk_set or ()))
    else:
        _reindex(instance.pk)


def _location_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(*instance.services.values_list("pk", flat=True))


def _organization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(*instance.services.values_list("pk", flat=True))


def _term_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        _reindex(*instance.services.values_list("pk", flat=True))


PARTS = [ServiceAtLocation, Schedule, CostOption, ServiceLanguage]


def connect(extra_parts: list | None = None) -> None:
    post_save.connect(_service_saved, sender=Service, dispatch_uid="search_service")
    pre_delete.connect(_service_deleting, sender=Service, dispatch_uid="search_service_pre")
    post_delete.connect(_service_deleted, sender=Service, dispatch_uid="search_service_post")
    for model in [*PARTS, *(extra_parts or [])]:
        uid = f"search_part_{model.__name__}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_part_changed, sender=model, dispatch_uid=uid + "_deleted")
    m2m_changed.connect(_terms_changed, sender=Service.terms.through, dispatch_uid="search_terms")
    post_save.connect(_location_saved, sender=Location, dispatch_uid="search_location")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="search_org")
    post_save.connect(_term_saved, sender=TaxonomyTerm, dispatch_uid="search_term")
