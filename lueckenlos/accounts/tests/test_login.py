"""Signing in by e-mail address at /konto/anmelden/, signing out, and passwords by e-mail."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from lueckenlos.demo.accounts import COORDINATOR_EMAIL, DEMO_PASSWORD, ensure_demo_logins
from lueckenlos.demo.errors import DemoInProduction
from tests.factories import OrganizationFactory, ServiceFactory

LOGIN = "/konto/anmelden/"
PASSWORD = "Kita-Marzahn-2025"

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    """A provider editor's account (no second factor needed)."""
    return get_user_model().objects.create_user("alice", "Alice@Example.org", PASSWORD)


def test_login_page_is_german_and_sets_no_session_before_signing_in(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Anmelden" in response.content.decode() or "Sign in" in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_it_signs_in_by_email_in_any_case(client, alice):
    response = client.post(LOGIN, {"username": "alice@EXAMPLE.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/konto/"
    assert client.get("/konto/").context["user"] == alice


def test_it_refuses_a_wrong_password(client, alice, english):
    response = client.post(LOGIN, {"username": "alice@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_the_admin_login_still_works_by_username(client):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_logout_needs_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get("/konto/abmelden/").status_code == 405
    response = client.post("/konto/abmelden/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/anmelden/"
    assert client.get("/konto/")["Location"].startswith("/konto/anmelden/")


def test_the_account_page_needs_a_sign_in(client):
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/anmelden/?next=/konto/"


def test_password_reset_mail_has_a_link_that_sets_a_new_password(client, alice):
    response = client.post("/konto/passwort-vergessen/", {"email": "ALICE@example.org"})
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    link = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_page = form_page.redirect_chain[-1][0]
    done = client.post(
        set_page, {"new_password1": "Neues-Passwort-42", "new_password2": "Neues-Passwort-42"}
    )
    assert done["Location"] == "/konto/passwort-neu/fertig/"
    alice.refresh_from_db()
    assert alice.check_password("Neues-Passwort-42")


def test_password_reset_tells_no_one_whether_an_address_has_an_account(client):
    response = client.post("/konto/passwort-vergessen/", {"email": "nobody@example.org"})
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"
    assert mail.outbox == []


def test_password_change(client, alice):
    client.force_login(alice)
    response = client.post(
        "/konto/passwort/",
        {
            "old_password": PASSWORD,
            "new_password1": "Anderes-Passwort-7",
            "new_password2": "Anderes-Passwort-7",
        },
    )
    assert response["Location"] == "/konto/passwort/geaendert/"
    alice.refresh_from_db()
    assert alice.check_password("Anderes-Passwort-7")


def test_sessions_expire_when_idle_and_are_renewed_by_each_request():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_a_session_ends_after_the_longest_session_length(client, alice, settings):
    client.force_login(alice)
    session = client.session
    session["lueckenlos_signed_in_at"] -= settings.SESSION_MAX_HOURS * 3600 + 1
    session.save()
    response = client.get("/konto/")
    assert response["Location"] == "/konto/anmelden/"
    assert not client.get(LOGIN).context["user"].is_authenticated


def test_public_pages_still_set_no_cookie(client, marzahn):
    for url in ["/", f"/{marzahn.kommune.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url


def test_the_demo_logins_are_created_once_and_work(client, marzahn):
    ServiceFactory(
        kommune=marzahn.kommune, organization=OrganizationFactory(kommune=marzahn.kommune)
    )
    first = ensure_demo_logins()
    assert ensure_demo_logins() == first  # idempotent
    assert [login.email for login in first] == [
        COORDINATOR_EMAIL,
        "steuerung@marzahn-hellersdorf.example",
        "traeger@marzahn-hellersdorf.example",
    ]
    coordinator = get_user_model().objects.get(email=COORDINATOR_EMAIL)
    assert coordinator.memberships.get().role == "coordinator"
    provider = get_user_model().objects.get(email="traeger@marzahn-hellersdorf.example")
    assert provider.memberships.get().organizations.count() == 1
    response = client.post(LOGIN, {"username": COORDINATOR_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_logins_are_never_made_in_production(marzahn, settings):
    settings.PRODUCTION = True
    with pytest.raises(DemoInProduction):
        ensure_demo_logins()
    assert not get_user_model().objects.exists()
