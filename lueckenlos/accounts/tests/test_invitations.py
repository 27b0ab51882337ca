"""Invitations by one-time link: a coordinator invites, the link creates account and role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lueckenlos.accounts.models import Invitation, Membership
from lueckenlos.accounts.services import InvitationInvalid, invitation_accept, invitation_create

BASE = "http://testserver"

pytestmark = pytest.mark.django_db


def invite(world, **overrides):
    arguments = {
        "kommune": world.marzahn,
        "email": "Neu@Kita-A.example",
        "role": Membership.Role.PROVIDER_EDITOR,
        "organizations": [world.kita_a],
        "invited_by": world.users["coordinator_marzahn"],
        "base_url": BASE,
    }
    invitation = invitation_create(**(arguments | overrides))
    path = re.search(r"http://testserver(/konto/einladung/[^/\s]+/)", mail.outbox[-1].body)[1]
    return invitation, path


def accept(client, path, password="Sommerfest-am-See-7"):
    return client.post(
        path,
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "password1": password,
            "password2": password,
        },
    )


def test_the_mail_carries_a_link_whose_secret_is_stored_only_hashed(world):
    invitation, path = invite(world)
    assert mail.outbox[0].to == ["neu@kita-a.example"]
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert "Kita A" in mail.outbox[0].body


def test_accepting_creates_the_user_and_the_membership(client, world):
    _invitation, path = invite(world)
    assert client.get(path).status_code == 200
    response = accept(client, path)
    assert response["Location"] == "/konto/"
    user = get_user_model().objects.get(email="neu@kita-a.example")
    assert user.get_full_name() == "Nora Neu"
    assert user.check_password("Sommerfest-am-See-7")
    membership = Membership.objects.get(user=user)
    assert (membership.kommune, membership.role) == (world.marzahn, "provider_editor")
    assert list(membership.organizations.all()) == [world.kita_a]
    # Signed in straight away.
    assert client.get("/konto/").status_code == 200


def test_a_used_link_is_refused(client, world, english):
    _invitation, path = invite(world)
    accept(client, path)
    client.post("/konto/abmelden/")
    response = client.get(path)
    assert response.status_code == 410
    assert "has been used already" in response.content.decode()


def test_an_expired_link_is_refused(client, world, english):
    invitation, path = invite(world)
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    response = accept(client, path)
    assert response.status_code == 410
    assert "This invitation expired" in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@kita-a.example").exists()


def test_an_unknown_link_is_refused(client, world):
    assert client.get("/konto/einladung/erfunden/").status_code == 410


def test_a_weak_password_is_refused(client, world, english):
    _invitation, path = invite(world)
    response = accept(client, path, password="12345678")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.filter(email="neu@kita-a.example").exists()


def test_an_existing_account_gets_the_role_once_signed_in(client, world):
    provider_b = world.users["provider_b"]
    _invitation, path = invite(world, email=provider_b.email, organizations=[world.kita_a])
    assert client.get(path).status_code == 200
    # Without signing in nothing changes ...
    client.post(path)
    assert not provider_b.memberships.filter(organizations=world.kita_a).exists()
    # ... signed in as that account, the role is added to it.
    client.force_login(provider_b)
    client.post(path)
    assert provider_b.memberships.get().organizations.filter(pk=world.kita_a.pk).exists()


def test_the_link_is_for_the_invited_address_only(world):
    _invitation, path = invite(world, email=world.users["provider_b"].email)
    token = path.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(InvitationInvalid):
        invitation_accept(token=token, user=world.users["provider_a"])


def test_only_a_coordinator_of_the_kommune_invites(world):
    with pytest.raises(PermissionDenied):
        invite(world, invited_by=world.users["coordinator_pankow"])
    with pytest.raises(PermissionDenied):
        invite(world, invited_by=world.users["provider_a"])
    # The county's coordinator acts in the Kommunen it contains.
    invite(world, invited_by=world.users["county_coordinator"])
    assert Invitation.objects.count() == 1


def test_providers_only_for_provider_editors_and_only_of_the_kommune(world):
    with pytest.raises(ValidationError):
        invite(world, organizations=[world.pankow_org])
    with pytest.raises(ValidationError):
        invite(world, role=Membership.Role.COORDINATOR)
    assert Invitation.objects.count() == 0 and mail.outbox == []


def test_the_admin_sends_an_invitation_and_sends_it_again(client, world):
    admin = world.users["admin"]
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/invitation/add/",
        {
            "email": "steuerung@marzahn.example",
            "kommune": world.marzahn.pk,
            "role": Membership.Role.STEERING_MEMBER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin
    assert mail.outbox[0].to == ["steuerung@marzahn.example"]
    old_hash = invitation.token_hash
    client.post(
        "/admin/accounts/invitation/",
        {"action": "send_again", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert len(mail.outbox) == 2
    assert invitation.token_hash != old_hash  # the first link no longer works
