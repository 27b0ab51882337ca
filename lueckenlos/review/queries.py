"""Reading proposals: the review queue, a provider's own proposals, an offer's data as a
proposal holds it, and what changed in an offer since a proposal was made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.history import service_history
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.catalogue.services import SERVICE_FIELDS, SERVICE_PARTS
from lueckenlos.review.models import Proposal
from lueckenlos.review.payload import to_json


def _listed(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return proposals.select_related("organization", "service", "submitted_by", "decided_by")


def pending_proposals(kommune: Kommune) -> QuerySet[Proposal]:
    """The Kommune's proposals waiting for review, oldest first (first come, first served)."""
    return _listed(
        Proposal.objects.filter(kommune=kommune, status=Proposal.Status.PENDING)
    ).order_by("submitted_at", "pk")


def review_queue(kommune: Kommune, status: str | None = None) -> QuerySet[Proposal]:
    """The Kommune's proposals for the review queue: pending first (oldest first), then the
    decided ones, latest first; `status` keeps only those of one status."""
    proposals = Proposal.objects.filter(kommune=kommune)
    if status:
        proposals = proposals.filter(status=status)
    return _listed(proposals).order_by(
        Case(
            When(status=Proposal.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        Case(
            When(status=Proposal.Status.PENDING, then="submitted_at"),
            default=None,
        ).asc(),
        "-submitted_at",
        "-pk",
    )


def proposals_of(
    *, kommune: Kommune, user: AbstractBaseUser, organizations: QuerySet[Organization]
) -> QuerySet[Proposal]:
    """The proposals a provider editor follows: their own, and those for their providers."""
    return _listed(
        Proposal.objects.filter(kommune=kommune).filter(
            Q(submitted_by=user) | Q(organization__in=organizations)
        )
    ).order_by("-submitted_at", "-pk")


def offer_data(service: Service) -> dict[str, Any]:
    """The offer as the data dict of catalogue.services.service_update (fields and parts)."""
    data: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
    data["organization"] = service.organization
    data["terms"] = list(service.terms.select_related("taxonomy"))
    data["locations"] = list(service.locations.all())
    for key, (model, names) in SERVICE_PARTS.items():
        data[key] = [
            {name: getattr(part, name) for name in names}
            for part in model.objects.filter(service=service)
        ]
    return data


def offer_snapshot(service: Service, *, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """The offer's data as a proposal stores it (JSON), only `keys` if given."""
    data = offer_data(service)
    if keys is not None:
        wanted = set(keys)
        data = {key: value for key, value in data.items() if key in wanted}
    return to_json(data)


def changed_since(proposal: Proposal) -> list[str] | None:
    """What others changed in the offer after the provider started from base_version: the
    labels of the changed fields (empty list: saved, but nothing visible differs); None when
    the offer is still at that version or the proposal concerns no published offer."""
    if proposal.kind != Proposal.Kind.CHANGE or proposal.base_version is None:
        return None
    service = proposal.service
    if service is None or service.version == proposal.base_version:
        return None
    labels: list[str] = []
    for version in service_history(service):
        if version.number is not None and version.number <= proposal.base_version:
            break
        for change in version.changes:
            if change.label not in labels:
                labels.append(change.label)
    return labels
