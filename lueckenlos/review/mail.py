"""E-mails about proposals: to the coordinators when one arrives, to the submitter when it is
decided. Sent after the transaction has committed; a failing mail server is logged and never
undoes the proposal or the decision."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lueckenlos.accounts.models import Membership
from lueckenlos.freshness.services import absolute_url
from lueckenlos.review.models import Proposal

logger = logging.getLogger(__name__)


def _url(name: str, *args: object) -> str:
    # The e-mails are in the installation's language, whose addresses carry no prefix.
    return absolute_url(reverse(name, args=args))


def _send(messages: list[EmailMessage]) -> int:
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                message.connection = connection
                try:
                    message.send()
                    sent += 1
                except Exception:  # noqa: BLE001 - SMTP raises many kinds; never undo the work
                    logger.exception("Could not send the review e-mail to %s", message.to)
    except Exception:  # noqa: BLE001 - opening the connection failed
        logger.exception("Could not connect to send review e-mails")
    return sent


def coordinator_addresses(proposal: Proposal) -> list[str]:
    """The coordinators of the proposal's own Kommune (not those of a containing county:
    they would hear of every town's proposals)."""
    return sorted(
        set(
            Membership.objects.filter(
                kommune=proposal.kommune,
                role=Membership.Role.COORDINATOR,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def proposal_arrived(proposal: Proposal) -> int:
    """One short e-mail to each coordinator of the Kommune; returns how many were sent."""
    addresses = coordinator_addresses(proposal)
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "kind": proposal.get_kind_display(),
            "review_url": _url("workspace:review", proposal.kommune.slug, proposal.pk),
        }
        subject = _("New proposal for review: %(name)s") % {"name": proposal.offer_name}
        body = render_to_string("review/email/proposal_arrived.txt", context)
    return _send([EmailMessage(subject=subject, body=body, to=[address]) for address in addresses])


def _submitter_address(proposal: Proposal) -> str:
    if proposal.submitted_by_id:
        return proposal.submitted_by.email
    if proposal.contact_id:
        return proposal.contact.email
    return ""


def proposal_decided(proposal: Proposal) -> int:
    """Tell the submitter (or the reporting contact person) the decision and the reason."""
    address = _submitter_address(proposal)
    if not address:
        return 0
    approved = proposal.status == Proposal.Status.APPROVED
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "approved": approved,
            "kind": proposal.get_kind_display(),
            "name": proposal.offer_name,
            "my_proposals_url": (
                _url("workspace:my_proposals", proposal.kommune.slug)
                if proposal.submitted_by_id
                else ""
            ),
            "offer_url": (
                _url("portal:offer", proposal.kommune.slug, proposal.service_id)
                if approved
                and proposal.service_id
                and proposal.service.status == proposal.service.Status.ACTIVE
                else ""
            ),
        }
        subject = (
            _("Your proposal was approved: %(name)s")
            if approved
            else _("Your proposal was not accepted: %(name)s")
        ) % {"name": proposal.offer_name}
        body = render_to_string("review/email/proposal_decided.txt", context)
    return _send([EmailMessage(subject=subject, body=body, to=[address])])
