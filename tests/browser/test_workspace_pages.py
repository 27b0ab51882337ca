"""Every page of the workspace, as the coordinator and as a provider editor sees it, passes
axe (WCAG 2.1 AA) on a wide screen and a phone, in German and in Arabic (right to left),
with no console error (the strict Content-Security-Policy reports what it blocks there)."""

from __future__ import annotations

import pytest
from django.utils import translation

from lueckenlos.accounts.tests.personas import build_world
from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.services import service_delete
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from lueckenlos.freshness.services import update_round_start
from lueckenlos.review.services import proposal_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Arbeitsbereich-2026"


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


@pytest.fixture
def world(marzahn, pankow, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    world = build_world(marzahn.kommune, pankow.kommune)
    for name in ("coordinator_marzahn", "provider_a"):
        user = world.users[name]
        user.set_password(PASSWORD)
        user.save()
    coordinator = world.users["coordinator_marzahn"]
    world.kita_a.email = "kita-a@example.org"
    world.kita_a.save()
    proposal = proposal_submit(
        kommune=world.marzahn,
        organization=world.kita_a,
        service=world.active_a,
        data={"description": "Jeden Dienstag um 10 Uhr."},
        base_version=world.active_a.version,
        submitted_by=world.users["provider_a"],
    )
    service_delete(service=world.draft_b, acting_user=coordinator)
    update_round, _report = update_round_start(
        kommune=world.marzahn,
        title="Frühjahr",
        message="Bitte prüfen Sie Ihre Angebote.",
        ends=world.active_a.created_at.date().replace(year=world.active_a.created_at.year + 1),
        acting_user=coordinator,
    )
    world.proposal = proposal
    world.update_round = update_round
    return world


def sign_in(page, email: str) -> None:
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def coordinator_pages(world) -> list[str]:
    base = f"/{world.marzahn.slug}/arbeitsbereich/"
    offer, provider, location = world.active_a.pk, world.kita_a.pk, world.location_a.pk
    return [
        base,
        f"{base}angebote/",
        f"{base}angebote/?status=draft&q=caf",
        f"{base}angebote/neu/",
        f"{base}angebote/{offer}/",
        f"{base}angebote/{offer}/verlauf/",
        f"{base}angebote/{offer}/loeschen/",
        f"{base}traeger/",
        f"{base}traeger/neu/",
        f"{base}traeger/{provider}/",
        f"{base}traeger/{provider}/verlauf/",
        f"{base}orte/",
        f"{base}orte/neu/",
        f"{base}orte/{location}/",
        f"{base}orte/{location}/verlauf/",
        f"{base}papierkorb/",
        f"{base}personendaten/",
        f"{base}personendaten/?q=niemand",
        f"{base}aktualisierungsrunden/",
        f"{base}aktualisierungsrunden/{world.update_round.pk}/",
        f"{base}einladungen/",
        f"{base}pruefungen/",
        f"{base}pruefungen/{world.proposal.pk}/",
    ]


def provider_pages(world) -> list[str]:
    base = f"/{world.marzahn.slug}/arbeitsbereich/"
    return [
        base,
        f"{base}angebote/",
        f"{base}angebote/neu/",
        f"{base}angebote/{world.active_a.pk}/",
        f"{base}meine-vorschlaege/",
    ]


@pytest.mark.parametrize("language", ["", "/ar"])
@pytest.mark.parametrize("width", [1280, 375])
def test_every_workspace_page_is_accessible(page, world, assert_accessible, language, width):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": width, "height": 900})
    for email, pages in (
        ("coordinator_marzahn@example.org", coordinator_pages(world)),
        ("provider_a@example.org", provider_pages(world)),
    ):
        page.context.clear_cookies()
        sign_in(page, email)
        for path in pages:
            response = page.goto(f"{language}{path}")
            assert response.status == 200, path
            assert_accessible(page)
            # Nothing scrolls sideways on a phone (WCAG 1.4.10).
            if width == 375:
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{path} is {overflow} px wide"
    assert errors == []
