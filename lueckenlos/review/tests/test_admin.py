"""The back office shows proposals and changes none: decisions belong to the review queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lueckenlos.review.services import proposal_submit

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def proposal(world):
    return proposal_submit(
        kommune=world.marzahn,
        organization=world.kita_a,
        service=world.active_a,
        data={"description": "Neu"},
        base_version=1,
        submitted_by=world.users["provider_a"],
    )


def test_administrators_look_at_proposals(world, client, proposal):
    client.force_login(world.users["admin"])

    listed = client.get(reverse("admin:review_proposal_changelist"))
    shown = client.get(reverse("admin:review_proposal_change", args=[proposal.pk]))

    assert listed.status_code == 200 and "Krabbelgruppe" in listed.content.decode()
    assert shown.status_code == 200
    assert reverse("workspace:review", args=[world.marzahn.slug, proposal.pk]) in (
        shown.content.decode()
    )


def test_nobody_adds_or_changes_one_there(world, client, proposal):
    client.force_login(world.users["admin"])

    added = client.get(reverse("admin:review_proposal_add"))
    changed = client.post(
        reverse("admin:review_proposal_change", args=[proposal.pk]), {"status": "approved"}
    )

    assert added.status_code == 403
    assert changed.status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_pending
