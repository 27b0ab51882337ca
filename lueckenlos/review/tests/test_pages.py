"""The review pages of the workspace: the queue, one proposal with its differences and the
decision, and a provider's own proposals; each Kommune and provider sees only its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lueckenlos.catalogue.models import Service
from lueckenlos.catalogue.services import service_update
from lueckenlos.review.models import Proposal
from lueckenlos.review.services import proposal_reject, proposal_submit
from lueckenlos.review.tests.conftest import term

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has tests of its own


def signed_in(client, world, role):
    client.force_login(world.users[role])
    return client


def submit(world, service, data, user):
    return proposal_submit(
        kommune=service.kommune,
        organization=service.organization,
        service=service,
        data=data,
        base_version=service.version,
        submitted_by=world.users[user],
    )


def texts(lines):
    return [line.text for line in lines]


def review_url(proposal):
    return reverse("workspace:review", args=[proposal.kommune.slug, proposal.pk])


def test_the_queue_lists_pending_proposals_first(world, client):
    old = submit(world, world.active_a, {"description": "Alt"}, "provider_a")
    proposal_reject(proposal=old, acting_user=world.users["admin"], comment="Nein")
    waiting = submit(world, world.draft_b, {"description": "Neu"}, "provider_b")

    response = signed_in(client, world, "coordinator_marzahn").get(
        reverse("workspace:reviews", args=[world.marzahn.slug])
    )

    assert list(response.context["proposals"]) == [waiting, old]
    html = response.content.decode()
    assert review_url(waiting) in html and review_url(old) in html


def test_the_queue_filters_by_status(world, client):
    rejected = submit(world, world.active_a, {"description": "Alt"}, "provider_a")
    proposal_reject(proposal=rejected, acting_user=world.users["admin"], comment="Nein")
    submit(world, world.draft_b, {"description": "Neu"}, "provider_b")

    response = signed_in(client, world, "coordinator_marzahn").get(
        reverse("workspace:reviews", args=[world.marzahn.slug]), {"status": "rejected"}
    )

    assert list(response.context["proposals"]) == [rejected]


def test_the_review_page_shows_the_changed_fields_side_by_side(world, client):
    service_update(
        service=world.active_a,
        data={"description": "Montags.", "languages": [{"code": "de"}]},
        acting_user=world.users["admin"],
    )
    world.active_a.refresh_from_db()
    proposal = submit(
        world,
        world.active_a,
        {
            "description": "Montags und mittwochs.",
            "name": world.active_a.name,
            "languages": [{"code": "de"}, {"code": "tr"}],
            "terms": [term("life_phase:infant")],
        },
        "provider_a",
    )

    response = signed_in(client, world, "coordinator_marzahn").get(review_url(proposal))

    diff = response.context["diff"]
    assert [(row.label, texts(row.now), texts(row.proposed)) for row in diff.changed] == [
        ("description", ["Montags."], ["Montags und mittwochs."]),
        ("classification", [], ["Lebensphasen: 0 bis 3 Jahre"]),  # vocabularies are data
        ("languages of the offer", ["German"], ["German", "Turkish"]),
    ]
    # The unchanged name is not among the differences, but can be looked at.
    assert [row.label for row in diff.unchanged] == ["name"]
    html = response.content.decode()
    assert '<ins><span class="visually-hidden">added: </span>Turkish</ins>' in html
    assert '<del><span class="visually-hidden">removed: </span>Montags.</del>' in html
    assert 'name="decision" value="approve"' in html


def test_approving_on_the_page_applies_the_proposal(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    page = signed_in(client, world, "coordinator_marzahn")

    response = page.post(
        review_url(proposal),
        {"decision": "approve", "comment": "Gut so.", "seen_version": world.active_a.version},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:reviews", args=[world.marzahn.slug])
    world.active_a.refresh_from_db()
    assert world.active_a.description == "Neuer Text"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED


def test_rejecting_on_the_page_needs_a_comment(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")

    response = signed_in(client, world, "coordinator_marzahn").post(
        review_url(proposal), {"decision": "reject", "comment": ""}
    )

    assert response.status_code == 200
    assert "Say why the proposal is rejected." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_the_page_warns_when_the_offer_changed_since_the_proposal(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    service_update(
        service=world.active_a,
        data={"name": "Krabbelgruppe Nord"},
        acting_user=world.users["admin"],
    )

    response = signed_in(client, world, "coordinator_marzahn").get(review_url(proposal))

    assert response.context["changed_since"] == ["name"]
    html = response.content.decode()
    assert "The offer was changed after this proposal was made." in html
    assert "started from version 1; the offer is now at version 2" in html


def test_no_warning_while_the_offer_is_as_the_provider_saw_it(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")

    response = signed_in(client, world, "coordinator_marzahn").get(review_url(proposal))

    assert response.context["changed_since"] is None
    assert "The offer was changed after" not in response.content.decode()


def test_an_approval_of_an_offer_saved_meanwhile_is_refused_with_both_shown(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    seen = world.active_a.version
    service_update(
        service=world.active_a,
        data={"description": "Koordination"},
        acting_user=world.users["admin"],
    )

    response = signed_in(client, world, "coordinator_marzahn").post(
        review_url(proposal), {"decision": "approve", "seen_version": seen}
    )

    assert response.status_code == 409
    world.active_a.refresh_from_db()
    assert world.active_a.description == "Koordination"
    now = [row for row in response.context["diff"].changed if row.key == "description"][0]
    assert texts(now.now) == ["Koordination"]
    # The next approval starts from the version now shown.
    assert response.context["form"].data["seen_version"] == world.active_a.version


def test_steering_members_read_but_cannot_decide(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    page = signed_in(client, world, "steering_marzahn")

    shown = page.get(review_url(proposal))
    refused = page.post(review_url(proposal), {"decision": "approve"})

    assert shown.status_code == 200
    assert 'name="decision"' not in shown.content.decode()
    assert refused.status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_a_coordinator_of_pankow_neither_sees_nor_decides_marzahns_proposals(world, client):
    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    page = signed_in(client, world, "coordinator_pankow")
    in_pankow = reverse("workspace:review", args=[world.pankow.slug, proposal.pk])

    assert page.get(review_url(proposal)).status_code == 403
    assert page.get(in_pankow).status_code == 404
    assert page.post(in_pankow, {"decision": "approve"}).status_code == 404
    assert (
        proposal
        not in page.get(reverse("workspace:reviews", args=[world.pankow.slug])).context["proposals"]
    )
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_providers_see_their_own_proposals_and_not_anothers(world, client):
    mine = submit(world, world.active_a, {"description": "Von A"}, "provider_a")
    theirs = submit(world, world.draft_b, {"description": "Von B"}, "provider_b")
    proposal_reject(proposal=mine, acting_user=world.users["admin"], comment="Bitte mit Uhrzeit.")
    url = reverse("workspace:my_proposals", args=[world.marzahn.slug])

    response = signed_in(client, world, "provider_a").get(url)

    assert [proposal for proposal, _diff in response.context["entries"]] == [mine]
    html = response.content.decode()
    assert "Bitte mit Uhrzeit." in html
    assert "Von B" not in html
    assert theirs.pk not in [p.pk for p, _d in response.context["entries"]]
    # Nor the review pages: those are the coordinators'.
    assert client.get(review_url(theirs)).status_code == 403


def test_a_colleague_editing_the_same_provider_sees_the_proposal_too(world, client):
    from lueckenlos.accounts.tests.personas import member

    colleague = member("colleague", world.marzahn, "provider_editor", world.kita_a)
    proposal = submit(world, world.active_a, {"description": "Von A"}, "provider_a")
    client.force_login(colleague)

    response = client.get(reverse("workspace:my_proposals", args=[world.marzahn.slug]))

    assert [p for p, _diff in response.context["entries"]] == [proposal]


def test_a_decided_change_still_shows_what_it_changed(world, client):
    from lueckenlos.review.services import proposal_approve

    proposal = submit(world, world.active_a, {"description": "Neuer Text"}, "provider_a")
    proposal_approve(proposal=proposal, acting_user=world.users["admin"])

    response = signed_in(client, world, "provider_a").get(
        reverse("workspace:my_proposals", args=[world.marzahn.slug])
    )

    ((shown, diff),) = response.context["entries"]
    assert [(row.key, texts(row.proposed)) for row in diff.changed] == [
        ("description", ["Neuer Text"])
    ]
    assert Service.objects.get(pk=world.active_a.pk).description == "Neuer Text"


def test_a_long_queue_is_paged_keeping_the_filter(world, client):
    for number in range(51):
        Proposal.objects.create(
            kommune=world.marzahn,
            kind=Proposal.Kind.CHANGE,
            organization=world.kita_a,
            service=world.active_a,
            payload={"description": f"Vorschlag {number}"},
            base_version=1,
        )
    url = reverse("workspace:reviews", args=[world.marzahn.slug])
    page = signed_in(client, world, "coordinator_marzahn")

    first = page.get(url, {"status": "pending"})
    second = page.get(url, {"status": "pending", "page": 2})

    assert len(first.context["proposals"]) == 50
    assert len(second.context["proposals"]) == 1
    assert 'href="?status=pending&amp;page=2"' in first.content.decode()


def test_an_amount_typed_without_trailing_zero_is_no_difference(world):
    from decimal import Decimal

    from lueckenlos.review.diff import proposal_diff

    service_update(
        service=world.active_a,
        data={"cost_options": [{"kind": "fee", "amount": Decimal("12.50")}]},
        acting_user=world.users["admin"],
    )
    world.active_a.refresh_from_db()
    proposal = submit(
        world,
        world.active_a,
        {"cost_options": [{"kind": "fee", "amount": Decimal("12.5")}], "description": "Neu"},
        "provider_a",
    )

    rows = {row.key: row for row in proposal_diff(proposal)}

    assert not rows["cost_options"].changed
    assert rows["description"].changed
