"""Providers submit proposals: kept for review, the published offer untouched, one pending
proposal per user and offer, the coordinators told."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lueckenlos.review.models import Proposal
from lueckenlos.review.queries import pending_proposals
from lueckenlos.review.services import pending_proposal, proposal_submit
from lueckenlos.review.tests.conftest import term

pytestmark = pytest.mark.usefixtures("english")


def submit(world, data, *, user="provider_a", service=None, base_version=None):
    service = service or world.active_a
    return proposal_submit(
        kommune=world.marzahn,
        organization=service.organization,
        service=service,
        data=data,
        base_version=base_version if base_version is not None else service.version,
        submitted_by=world.users[user],
    )


def test_it_keeps_the_proposal_and_leaves_the_offer_as_it_is(world):
    proposal = submit(world, {"description": "Neu: auch nachmittags."})

    # Neither the caller's copy of the offer nor the stored one has changed.
    assert world.active_a.description != "Neu: auch nachmittags."
    world.active_a.refresh_from_db()
    assert world.active_a.description != "Neu: auch nachmittags."
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.kind == Proposal.Kind.CHANGE
    assert proposal.base_version == world.active_a.version
    assert proposal.data_dict() == {"description": "Neu: auch nachmittags."}
    assert list(pending_proposals(world.marzahn)) == [proposal]


def test_a_second_submission_supersedes_the_pending_one(world):
    first = submit(world, {"description": "Erster Entwurf"})
    second = submit(world, {"description": "Zweiter Entwurf"})

    first.refresh_from_db()
    assert first.status == Proposal.Status.SUPERSEDED
    assert pending_proposal(world.active_a, world.users["provider_a"]) == second
    assert second.data_dict()["description"] == "Zweiter Entwurf"
    assert list(pending_proposals(world.marzahn)) == [second]


def test_proposals_of_others_for_the_same_offer_stay(world):
    mine = submit(world, {"description": "Von A"})
    coordinator = submit(world, {"description": "Von der Koordination"}, user="admin")

    mine.refresh_from_db()
    assert mine.status == Proposal.Status.PENDING
    assert pending_proposal(world.active_a, world.users["admin"]) == coordinator


def test_a_new_offer_is_proposed_without_an_offer(world):
    proposal = proposal_submit(
        kommune=world.marzahn,
        organization=world.kita_a,
        service=None,
        data={"name": "Babymassage", "terms": [term("life_phase:infant")]},
        base_version=None,
        submitted_by=world.users["provider_a"],
    )

    assert proposal.kind == Proposal.Kind.NEW_OFFER
    assert proposal.service is None
    assert proposal.data_dict()["terms"] == [term("life_phase:infant")]
    assert not world.kita_a.services.filter(name="Babymassage").exists()


def test_what_the_catalogue_would_refuse_is_refused_at_once(world):
    # A life phase that contradicts the age range: the coordinator could never apply it.
    with pytest.raises(ValidationError) as refused:
        submit(
            world,
            {"min_age_months": 0, "max_age_months": 36, "terms": [term("life_phase:primary")]},
        )

    assert "terms" in refused.value.message_dict
    assert not Proposal.objects.exists()
    world.active_a.refresh_from_db()
    assert world.active_a.version == 1  # the trial write was rolled back


def test_an_offer_of_another_provider_is_refused(world):
    with pytest.raises(ValidationError):
        proposal_submit(
            kommune=world.marzahn,
            organization=world.verein_b,
            service=world.active_a,
            data={"description": "x"},
            base_version=1,
            submitted_by=world.users["provider_b"],
        )


def test_the_coordinators_of_the_kommune_hear_of_it_once_each(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submit(world, {"description": "Neu"})

    # Only Marzahn's own coordinator: the county's would hear of every Bezirk.
    assert [message.to for message in mail.outbox] == [["coordinator_marzahn@example.org"]]
    assert f"/marzahn-hellersdorf/arbeitsbereich/pruefungen/{proposal.pk}/" in mail.outbox[0].body
    assert "Kita A" in mail.outbox[0].body


def test_a_replaced_proposal_is_not_announced_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, {"description": "Erster Entwurf"})
        submit(world, {"description": "Zweiter Entwurf"})

    assert len(mail.outbox) == 1
