"""Writing proposals: providers submit, coordinators approve or reject, and the public reports
a missing provider ("Unsere Einrichtung fehlt").

The published offer stays as it is until a coordinator approves: then the proposal is applied
through the catalogue's own write functions, in the coordinator's name, with the reason
"proposal #<number> by <submitter>" kept in the offer's history. Everyone concerned hears of it by
e-mail (lueckenlos.review.mail), after the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Contact, Organization, Phone, Service
from lueckenlos.catalogue.models.tracking import acting_as
from lueckenlos.catalogue.services import (
    EditConflict,
    location_create,
    location_delete,
    organization_create,
    organization_delete,
    service_create,
    service_delete,
    service_update,
)
from lueckenlos.review import mail
from lueckenlos.review.models import Proposal
from lueckenlos.review.payload import to_json
from lueckenlos.review.queries import offer_snapshot

# The inactive account named in the history of what the public form created: nobody signs
# in for it, and the history must still say how the records came about.
PUBLIC_FORM_USERNAME = "public-form"
# Why a reporter's contact data is kept (stored with the Contact, DSGVO).
CONTACT_PURPOSE = "Rückfragen zur Meldung über „Unsere Einrichtung fehlt“"
REASON_MAX_LENGTH = 100
# The offer's source (data, German like the offer texts).
REPORT_SOURCE = "Meldung über „Unsere Einrichtung fehlt“"


def review_reason(proposal: Proposal) -> str:
    """The reason kept with the offer's version: which proposal, by whom (in the
    installation's language, as the history shows it to everyone alike)."""
    with translation.override(settings.LANGUAGE_CODE):
        if proposal.submitted_by_id:
            user = proposal.submitted_by
            submitter = user.get_full_name() or user.email or user.get_username()
        else:
            submitter = _("the public form")
        reason = _("proposal #%(number)s by %(submitter)s") % {
            "number": proposal.pk,
            "submitter": submitter,
        }
    # The history keeps up to 100 characters, and reads "code:detail" as a code of its own.
    return reason.replace(":", " ")[:REASON_MAX_LENGTH]


class _DryRun(Exception):  # noqa: N818 – a signal to roll back, not an error
    pass


def _check_applies(
    *,
    kommune: Kommune,
    organization: Organization,
    service: Service | None,
    data: Mapping[str, Any],
    acting_user: AbstractBaseUser,
) -> None:
    """Refuse now (ValidationError by field) what the coordinator could not apply later.

    The write is tried in a savepoint and rolled back, so that the rules are exactly those of
    the catalogue's write functions.
    """
    try:
        with transaction.atomic():
            if service is None:
                service_create(
                    kommune=kommune, organization=organization, data=data, acting_user=acting_user
                )
            else:
                # A copy: the write changes the object it is given, and the caller's must stay.
                copy = Service.all_objects.get(pk=service.pk)
                service_update(service=copy, data=data, acting_user=acting_user)
            raise _DryRun
    except _DryRun:
        pass


@transaction.atomic
def proposal_submit(
    *,
    kommune: Kommune,
    organization: Organization,
    service: Service | None,
    data: Mapping[str, Any],
    base_version: int | None,
    submitted_by: AbstractBaseUser,
) -> Proposal:
    """Keep a provider's change of `service` (None: a new offer of `organization`) for review.

    `data` is the dict of catalogue.services.service_create/update; what those would refuse
    is refused here with the same ValidationError. A pending proposal of the same user for
    the same offer is superseded by this one. The coordinators of the Kommune are told (once
    per offer and user while a proposal waits).
    """
    if organization.kommune_id != kommune.pk:
        raise ValidationError(_("The provider belongs to another Kommune."))
    if service is not None and (
        service.kommune_id != kommune.pk or service.organization_id != organization.pk
    ):
        raise ValidationError(_("The offer belongs to another provider or Kommune."))
    _check_applies(
        kommune=kommune,
        organization=organization,
        service=service,
        data=data,
        acting_user=submitted_by,
    )
    superseded = 0
    if service is not None:
        superseded = Proposal.objects.filter(
            service=service, submitted_by=submitted_by, status=Proposal.Status.PENDING
        ).update(status=Proposal.Status.SUPERSEDED, decided_at=timezone.now())
    proposal = Proposal.objects.create(
        kommune=kommune,
        kind=Proposal.Kind.NEW_OFFER if service is None else Proposal.Kind.CHANGE,
        organization=organization,
        service=service,
        payload=to_json(data),
        base_version=service.version if base_version is None and service else base_version,
        submitted_by=submitted_by,
    )
    if not superseded:  # the coordinators know of this offer's proposal already
        transaction.on_commit(lambda: mail.proposal_arrived(proposal))
    return proposal


def pending_proposal(service: Service, user: AbstractBaseUser) -> Proposal | None:
    """The user's proposal for the offer that still waits for review, if any."""
    return (
        Proposal.objects.filter(service=service, submitted_by=user, status=Proposal.Status.PENDING)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def _refuse_unless_pending(proposal: Proposal) -> None:
    if not proposal.is_pending:
        raise ValidationError(
            _("%(proposal)s has been decided already (%(status)s).")
            % {"proposal": proposal, "status": proposal.get_status_display()}
        )


def _decide(
    proposal: Proposal,
    status: str,
    acting_user: AbstractBaseUser,
    comment: str,
    previous: dict[str, Any] | None,
) -> None:
    proposal.status = status
    proposal.decided_by = acting_user
    proposal.decided_at = timezone.now()
    proposal.comment = comment.strip()
    proposal.previous = previous
    proposal.save()
    transaction.on_commit(lambda: mail.proposal_decided(proposal))


@transaction.atomic
def proposal_approve(
    *,
    proposal: Proposal,
    acting_user: AbstractBaseUser,
    comment: str = "",
    publish: bool = True,
    seen_version: int | None = None,
) -> Service:
    """Apply the proposal in the coordinator's name and mark it approved; return the offer.

    A change is written with service_update; with `seen_version` (the offer's version the
    coordinator's review page showed), an offer saved since raises EditConflict. A new offer
    is created; it and a reported provider's offer become active, or stay a draft when
    `publish` is false. The offer's history names the coordinator and this proposal.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _refuse_unless_pending(proposal)
    reason = review_reason(proposal)
    status = Service.Status.ACTIVE if publish else Service.Status.DRAFT
    previous = None
    if proposal.kind == Proposal.Kind.CHANGE:
        service = Service.objects.filter(pk=proposal.service_id).first()
        if service is None:
            raise ValidationError(_("The offer is in the trash: restore it first."))
        previous = offer_snapshot(service, keys=proposal.payload.keys())
        service = service_update(
            service=service,
            data=proposal.data_dict(),
            acting_user=acting_user,
            expected_version=seen_version,
            reason=reason,
        )
    elif proposal.kind == Proposal.Kind.NEW_OFFER:
        data = {**proposal.data_dict(), "status": status}
        service = service_create(
            kommune=proposal.kommune,
            organization=proposal.organization,
            data=data,
            acting_user=acting_user,
        )
        # service_create keeps no reason; its one version says where the offer came from.
        service.history.filter(history_type="+").update(history_change_reason=reason)
        proposal.service = service
    else:
        service = Service.all_objects.get(pk=proposal.service_id)
        if service.in_trash:
            raise ValidationError(_("The offer is in the trash: restore it first."))
        service = service_update(
            service=service,
            data={"status": status},
            acting_user=acting_user,
            expected_version=seen_version,
            reason=reason,
        )
    _decide(proposal, Proposal.Status.APPROVED, acting_user, comment, previous)
    return service


@transaction.atomic
def proposal_reject(*, proposal: Proposal, acting_user: AbstractBaseUser, comment: str) -> None:
    """Refuse the proposal with the coordinator's reason; the published offer stays as it is.

    A reported provider and its draft offer and location go to the trash (restorable).
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _refuse_unless_pending(proposal)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the proposal is rejected.")})
    previous = None
    if proposal.kind == Proposal.Kind.CHANGE:
        service = Service.all_objects.get(pk=proposal.service_id)
        previous = offer_snapshot(service, keys=proposal.payload.keys())
    elif proposal.kind == Proposal.Kind.NEW_PROVIDER:
        service = Service.objects.filter(pk=proposal.service_id).first()
        if service is not None:
            locations = list(service.locations.filter(deleted_at__isnull=True))
            service_delete(service=service, acting_user=acting_user)
            for location in locations:
                if not location.services.exists():
                    location_delete(location=location, acting_user=acting_user)
        organization = Organization.objects.filter(pk=proposal.organization_id).first()
        if organization is not None and not organization.services.exists():
            organization_delete(organization=organization, acting_user=acting_user)
    _decide(proposal, Proposal.Status.REJECTED, acting_user, comment, previous)


# --- "Unsere Einrichtung fehlt" ------------------------------------------------------------


def public_form_user() -> AbstractBaseUser:
    """The inactive account that stands for "someone, through the public form"."""
    user, _created = get_user_model().objects.get_or_create(
        username=PUBLIC_FORM_USERNAME,
        defaults={"is_active": False, "password": "!"},  # "!": no password ever matches
    )
    return user


@dataclass
class MissingProviderReport:
    """What the public form collects: a provider, one of its offers, and who to ask."""

    provider: dict[str, Any]  # Organization fields by name
    offer: dict[str, Any]  # service_create data, without terms and locations
    address: dict[str, Any]  # address_1, postal_code, city
    contact_name: str
    contact_email: str
    contact_phone: str = ""


@transaction.atomic
def missing_provider_report(*, kommune: Kommune, report: MissingProviderReport) -> Proposal:
    """Create the reported provider, its location and a draft offer, and a proposal for the
    coordinator; the contact person's data is kept with its purpose and today's consent.

    Nothing of it is public until a coordinator approves.
    """
    user = public_form_user()
    organization = organization_create(kommune=kommune, data=report.provider, acting_user=user)
    location, _warnings = location_create(
        kommune=kommune,
        data={**report.address, "name": organization.name, "organization": organization},
        acting_user=user,
    )
    data = {**report.offer, "status": Service.Status.DRAFT, "locations": [location]}
    service = service_create(
        kommune=kommune, organization=organization, data=data, acting_user=user
    )
    with acting_as(user):
        contact = Contact.objects.create(
            organization=organization,
            name=report.contact_name,
            email=report.contact_email,
            purpose=CONTACT_PURPOSE,
            consent_date=timezone.localdate(),
        )
        if report.contact_phone:
            Phone.objects.create(contact=contact, number=report.contact_phone)
    proposal = Proposal.objects.create(
        kommune=kommune,
        kind=Proposal.Kind.NEW_PROVIDER,
        organization=organization,
        service=service,
        payload=to_json({key: value for key, value in data.items() if key != "status"}),
        base_version=service.version,
        contact=contact,
    )
    transaction.on_commit(lambda: mail.proposal_arrived(proposal))
    return proposal


__all__ = [
    "EditConflict",
    "MissingProviderReport",
    "missing_provider_report",
    "pending_proposal",
    "proposal_approve",
    "proposal_reject",
    "proposal_submit",
    "public_form_user",
]
