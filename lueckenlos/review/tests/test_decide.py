"""Coordinators approve (the proposal is applied in their name) or reject (nothing changes);
the submitter hears of it either way."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lueckenlos.catalogue.history import service_history
from lueckenlos.catalogue.models import Service
from lueckenlos.catalogue.services import EditConflict, service_update
from lueckenlos.review.models import Proposal
from lueckenlos.review.services import proposal_approve, proposal_reject, proposal_submit
from lueckenlos.review.tests.conftest import term

pytestmark = pytest.mark.usefixtures("english")

NEW_TEXT = "Jetzt auch mit Zauberflötenkurs für die Kleinsten."


def change(world, data=None, user="provider_a"):
    return proposal_submit(
        kommune=world.marzahn,
        organization=world.kita_a,
        service=world.active_a,
        data=data or {"description": NEW_TEXT},
        base_version=world.active_a.version,
        submitted_by=world.users[user],
    )


def search(client, kommune, words):
    response = client.get(f"/{kommune.slug}/angebote/", {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def test_approving_applies_the_change_in_the_coordinators_name(world):
    proposal = change(world)
    coordinator = world.users["coordinator_marzahn"]

    proposal_approve(proposal=proposal, acting_user=coordinator, comment="Danke!")

    world.active_a.refresh_from_db()
    assert world.active_a.description == NEW_TEXT
    newest = service_history(world.active_a)[0]
    assert newest.user == coordinator
    reason = Service.history.filter(history_id=newest.id).get().history_change_reason
    assert reason == f"proposal #{proposal.pk} by provider_a@example.org"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert proposal.decided_by == coordinator
    assert proposal.comment == "Danke!"
    assert proposal.previous["description"] == ""  # what the offer said before


def test_the_portal_search_finds_the_new_text_only_after_approval(world, client):
    proposal = change(world)
    assert "Krabbelgruppe" not in search(client, world.marzahn, "Zauberflötenkurs")

    proposal_approve(proposal=proposal, acting_user=world.users["coordinator_marzahn"])

    assert "Krabbelgruppe" in search(client, world.marzahn, "Zauberflötenkurs")


def test_parts_are_applied_as_proposed(world):
    proposal = change(
        world,
        {
            "terms": [term("life_phase:infant")],
            "languages": [{"code": "tr"}],
            "cost_options": [{"kind": "free"}],
        },
    )

    proposal_approve(proposal=proposal, acting_user=world.users["admin"])

    assert list(world.active_a.terms.all()) == [term("life_phase:infant")]
    assert [language.code for language in world.active_a.languages.all()] == ["tr"]
    assert [cost.kind for cost in world.active_a.cost_options.all()] == ["free"]


def test_rejecting_keeps_the_published_offer(world):
    proposal = change(world)
    before = world.active_a.version

    proposal_reject(
        proposal=proposal, acting_user=world.users["coordinator_marzahn"], comment="Bitte kürzer."
    )

    world.active_a.refresh_from_db()
    assert world.active_a.description != NEW_TEXT
    assert world.active_a.version == before
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.comment == "Bitte kürzer."


def test_rejecting_needs_a_reason(world):
    proposal = change(world)

    with pytest.raises(ValidationError):
        proposal_reject(proposal=proposal, acting_user=world.users["admin"], comment="  ")


def test_a_decided_proposal_cannot_be_decided_again(world):
    proposal = change(world)
    proposal_reject(proposal=proposal, acting_user=world.users["admin"], comment="Nein.")

    with pytest.raises(ValidationError, match="decided already"):
        proposal_approve(proposal=proposal, acting_user=world.users["admin"])


def test_an_offer_saved_after_the_review_page_was_shown_is_not_overwritten_unseen(world):
    proposal = change(world)
    seen = world.active_a.version
    service_update(
        service=world.active_a,
        data={"name": "Krabbelgruppe Nord"},
        acting_user=world.users["admin"],
    )

    with pytest.raises(EditConflict):
        proposal_approve(proposal=proposal, acting_user=world.users["admin"], seen_version=seen)

    proposal.refresh_from_db()
    assert proposal.is_pending


def test_a_new_offer_is_created_active_unless_the_coordinator_keeps_it_a_draft(world):
    def propose(name):
        return proposal_submit(
            kommune=world.marzahn,
            organization=world.kita_a,
            service=None,
            data={"name": name, "description": "Neu"},
            base_version=None,
            submitted_by=world.users["provider_a"],
        )

    coordinator = world.users["coordinator_marzahn"]
    published = proposal_approve(proposal=propose("Babymassage"), acting_user=coordinator)
    kept = proposal_approve(proposal=propose("Vätertreff"), acting_user=coordinator, publish=False)

    assert published.status == Service.Status.ACTIVE
    assert kept.status == Service.Status.DRAFT
    assert published.organization == world.kita_a
    (version,) = service_history(published)
    assert version.user == coordinator
    assert Proposal.objects.get(service=published).status == Proposal.Status.APPROVED


def test_the_submitter_hears_of_the_decision_with_the_comment(
    world, django_capture_on_commit_callbacks
):
    proposal = change(world)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(
            proposal=proposal,
            acting_user=world.users["coordinator_marzahn"],
            comment="Bitte nennen Sie die Uhrzeit.",
        )

    (message,) = mail.outbox
    assert message.to == ["provider_a@example.org"]
    assert "not accepted" in message.subject
    assert "Bitte nennen Sie die Uhrzeit." in message.body
    assert "https://familien.example.org/marzahn-hellersdorf/arbeitsbereich/meine-vorschlaege/" in (
        message.body
    )


def test_an_approval_mail_links_to_the_offer_on_the_portal(
    world, django_capture_on_commit_callbacks
):
    proposal = change(world)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=proposal, acting_user=world.users["coordinator_marzahn"])

    (message,) = mail.outbox
    assert "approved" in message.subject
    assert f"/marzahn-hellersdorf/angebote/{world.active_a.pk}/" in message.body
