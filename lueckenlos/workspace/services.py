"""The workspace's bulk actions on offers.

The catalogue's bulk writes (lueckenlos.catalogue.services) change many offers with
update(), which no signal follows: here the portal's search index is brought in step for the
offers concerned, in the same transaction, so that a deactivated offer leaves the portal's
search at once and a confirmed one that was hidden comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lueckenlos.catalogue.models import Service, TaxonomyTerm
from lueckenlos.catalogue.services import (
    services_assign_term,
    services_confirm,
    services_set_status,
)
from lueckenlos.search.indexing import index_offers


@dataclass
class BulkOutcome:
    """What a bulk action did: offers selected, changed, and refused (with the reason)."""

    selected: int
    changed: int
    refused: list[Service] = field(default_factory=list)


def _ids(offers: QuerySet[Service]) -> list:
    return list(offers.values_list("pk", flat=True))


@transaction.atomic
def offers_confirm(
    *, offers: QuerySet[Service], acting_user: AbstractBaseUser, on: dt.date | None = None
) -> BulkOutcome:
    """The offers were checked and still hold today (or `on`)."""
    ids = _ids(offers)
    changed = services_confirm(
        services=Service.objects.filter(pk__in=ids),
        on=on or timezone.localdate(),
        acting_user=acting_user,
    )
    index_offers(ids)  # a confirmed offer that was hidden for staleness comes back
    return BulkOutcome(selected=len(ids), changed=changed)


@transaction.atomic
def offers_set_status(
    *, offers: QuerySet[Service], status: str, acting_user: AbstractBaseUser
) -> BulkOutcome:
    """Publish (active), withdraw (inactive) or take back to draft many offers."""
    ids = _ids(offers)
    changed = services_set_status(
        services=Service.objects.filter(pk__in=ids), status=status, acting_user=acting_user
    )
    index_offers(ids)  # only active offers stay in the index
    return BulkOutcome(selected=len(ids), changed=changed)


@transaction.atomic
def offers_assign_term(
    *, offers: QuerySet[Service], term: TaxonomyTerm, acting_user: AbstractBaseUser
) -> BulkOutcome:
    """Add a classification term to many offers (life phases only where the age fits)."""
    ids = _ids(offers)
    changed, refused = services_assign_term(
        services=Service.objects.filter(pk__in=ids), term=term, acting_user=acting_user
    )
    index_offers(ids)  # the portal's filters find the offers by their new term
    return BulkOutcome(selected=len(ids), changed=changed, refused=refused)
