"""A coordinator invites people to roles in the Kommune and sees who holds which role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lueckenlos.accounts.models import Invitation, Membership
from lueckenlos.accounts.tests.personas import World, build_world

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(marzahn, pankow, settings) -> World:
    settings.REQUIRE_SECOND_FACTOR = False
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.users["coordinator_marzahn"])
    return world.users["coordinator_marzahn"]


def page(world: World) -> str:
    return reverse("workspace:invitations", args=[world.marzahn.slug])


def test_a_coordinator_invites_a_steering_member_by_email(client, world, coordinator):
    response = client.post(
        page(world), {"email": "Neu@Example.org", "role": "steering_member"}, follow=True
    )

    assert response.redirect_chain == [(page(world), 302)]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.kommune) == (
        "neu@example.org",
        "steering_member",
        world.marzahn,
    )
    assert invitation.invited_by == coordinator
    (message,) = mail.outbox
    assert message.to == ["neu@example.org"]
    # The link leads to this installation, as the request reached it.
    assert "http://testserver/konto/einladung/" in message.body
    body = response.content.decode()
    assert "The invitation to neu@example.org as steering group member is sent." in body
    assert response.context["open_invitations"] == [invitation]


def test_a_provider_editor_is_invited_for_the_kommunes_own_providers(client, world, coordinator):
    client.post(
        page(world),
        {
            "email": "kita@example.org",
            "role": "provider_editor",
            "organizations": [str(world.kita_a.pk)],
        },
    )

    invitation = Invitation.objects.get()
    assert list(invitation.organizations.all()) == [world.kita_a]
    assert "Kita A" in mail.outbox[0].body


def test_a_provider_editor_needs_a_provider(client, world, coordinator):
    response = client.post(page(world), {"email": "kita@example.org", "role": "provider_editor"})

    assert response.status_code == 200
    assert response.context["form"].errors["organizations"] == [
        "A provider editor needs at least one provider."
    ]
    assert "Please correct the following" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_another_kommunes_provider_cannot_be_given(client, world, coordinator):
    response = client.post(
        page(world),
        {
            "email": "kita@example.org",
            "role": "provider_editor",
            "organizations": [str(world.pankow_org.pk)],
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organizations"]
    assert not Invitation.objects.exists()
    # Not even offered: the choices are Marzahn's providers.
    assert world.pankow_org.name not in response.content.decode()


def test_it_lists_invitations_and_the_members_with_their_roles(client, world, coordinator):
    Invitation.objects.create(
        email="offen@example.org",
        kommune=world.marzahn,
        role="coordinator",
        token_hash="a" * 64,
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    accepted = Invitation.objects.create(
        email="provider_a@example.org",
        kommune=world.marzahn,
        role="provider_editor",
        token_hash="b" * 64,
        sent_at=timezone.now(),
        expires_at=timezone.now(),
        accepted_at=timezone.now(),
        accepted_by=world.users["provider_a"],
    )
    Invitation.objects.create(
        email="pankow@example.org",
        kommune=world.pankow,
        role="coordinator",
        token_hash="c" * 64,
        sent_at=timezone.now(),
        expires_at=timezone.now(),
    )

    response = client.get(page(world))

    assert [i.email for i in response.context["open_invitations"]] == ["offen@example.org"]
    assert response.context["accepted_invitations"] == [accepted]
    members = {(m.user.username, m.role) for m in response.context["members"]}
    assert members == {
        ("provider_a", Membership.Role.PROVIDER_EDITOR),
        ("provider_b", Membership.Role.PROVIDER_EDITOR),
        ("steering_marzahn", Membership.Role.STEERING_MEMBER),
        ("coordinator_marzahn", Membership.Role.COORDINATOR),
    }
    # Berlin's coordinator acts in Marzahn too, and the page says so.
    assert [m.user.username for m in response.context["inherited"]] == ["county_coordinator"]
    body = response.content.decode()
    assert "pankow@example.org" not in body
    assert "coordinator_pankow" not in body


def test_only_coordinators_invite(client, world):
    for role in ("steering_marzahn", "provider_a", "coordinator_pankow"):
        client.force_login(world.users[role])
        assert client.get(page(world)).status_code == 403
        response = client.post(page(world), {"email": "x@example.org", "role": "coordinator"})
        assert response.status_code == 403
    assert not Invitation.objects.exists()
