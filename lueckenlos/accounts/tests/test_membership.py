"""Memberships: providers only for provider editors, and only of the membership's Kommune."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.accounts.models import Membership


def test_a_provider_editor_gets_providers_of_its_kommune_only(world, english):
    membership = Membership(kommune=world.marzahn, role=Membership.Role.PROVIDER_EDITOR)
    membership.clean_organizations([world.kita_a])  # fine
    with pytest.raises(ValidationError) as caught:
        membership.clean_organizations([world.pankow_org])
    assert "Not providers of Marzahn-Hellersdorf: Pankower Träger." in caught.value.messages


def test_a_county_membership_may_name_providers_of_contained_kommunen(world):
    membership = Membership(kommune=world.berlin, role=Membership.Role.PROVIDER_EDITOR)
    membership.clean_organizations([world.kita_a])


def test_a_coordinator_gets_no_providers(world, english):
    membership = Membership(kommune=world.marzahn, role=Membership.Role.COORDINATOR)
    with pytest.raises(ValidationError) as caught:
        membership.clean_organizations([world.kita_a])
    assert caught.value.messages == ["Only a provider editor is given providers."]


def test_the_admin_form_refuses_a_provider_of_another_kommune(world, admin_client, english):
    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": world.users["stranger"].pk,
            "kommune": world.marzahn.pk,
            "role": Membership.Role.PROVIDER_EDITOR,
            "organizations": [world.pankow_org.pk],
        },
    )
    assert response.status_code == 200
    assert "Not providers of Marzahn-Hellersdorf" in response.content.decode()
    assert not Membership.objects.filter(user=world.users["stranger"]).exists()
