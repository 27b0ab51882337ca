"""Journey: a coordinator deletes an active offer in the workspace, the portal no longer shows
it, the coordinator restores it from the trash, and the portal shows it again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from lueckenlos.accounts.models import Membership
from lueckenlos.catalogue.models import Service
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Papierkorb-2026"
SLUG = "marzahn-hellersdorf"


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


@pytest.fixture
def coordinator(marzahn, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_user(
        "clara@example.org", "clara@example.org", PASSWORD, first_name="Clara"
    )
    Membership.objects.create(user=user, kommune=marzahn.kommune, role="coordinator")
    return user


@pytest.fixture
def offer(marzahn):
    provider = OrganizationFactory(kommune=marzahn.kommune, name="Familienzentrum Kaulsdorf")
    return ServiceFactory(
        kommune=marzahn.kommune, organization=provider, name="Elterncafé Kaulsdorf"
    )


def test_a_coordinator_restores_a_deleted_offer_from_the_trash(
    page, coordinator, offer, assert_accessible
):
    portal_offer = f"/{SLUG}/angebote/{offer.pk}/"
    search = f"/{SLUG}/angebote/?q=Elterncafe"
    result_link = page.get_by_role("link", name="Elterncafé Kaulsdorf")
    page.goto(search)
    expect(result_link).to_be_visible()

    # Sign in; the workspace's edit page of the offer is where it is deleted.
    page.goto(f"/konto/anmelden/?next=/{SLUG}/arbeitsbereich/angebote/{offer.pk}/")
    page.locator("#id_username").fill("clara@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=german("Sign in")).click()
    page.get_by_role("link", name=german("Delete (to the trash)")).click()
    page.get_by_role("button", name=german("Move to the trash")).click()
    page.wait_for_load_state()
    assert Service.all_objects.get(pk=offer.pk).in_trash

    # Gone from the portal: its page and the search.
    assert page.goto(portal_offer).status == 404
    page.goto(search)
    expect(result_link).to_have_count(0)

    # The trash names it, who deleted it, and brings it back.
    page.goto(f"/{SLUG}/arbeitsbereich/papierkorb/")
    expect(page.locator("h1")).to_have_text(german("Trash"))
    row = page.get_by_role("row").filter(has_text="Elterncafé Kaulsdorf")
    expect(row).to_contain_text("Clara")
    assert_accessible(page)
    row.get_by_role("button", name=german("Restore")).click()
    expect(page.get_by_role("status")).to_contain_text("Elterncafé Kaulsdorf")
    expect(page.get_by_text(german("The trash is empty."))).to_be_visible()
    assert_accessible(page)

    # The history tells the story, nothing lost.
    page.goto(f"/{SLUG}/arbeitsbereich/angebote/{offer.pk}/verlauf/")
    headings = page.get_by_role("heading", level=2)
    expect(headings.first).to_contain_text(german("restored from the trash"))
    expect(headings.nth(1)).to_contain_text(german("moved to the trash"))
    assert_accessible(page)

    # Back in the portal: the search finds it and its page shows it.
    page.goto(search)
    expect(result_link).to_be_visible()
    assert page.goto(portal_offer).status == 200
    expect(page.locator("h1")).to_have_text("Elterncafé Kaulsdorf")
