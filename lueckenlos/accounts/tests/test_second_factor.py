"""The second factor (TOTP): coordinators and administrators confirm their sign-in with a code."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.second_factor import login_and_second_factor_required

PASSWORD = "Koordination-2025"
SETUP = "/konto/zweiter-faktor/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_on")]


@pytest.fixture
def second_factor_on(settings):
    settings.REQUIRE_SECOND_FACTOR = True


@pytest.fixture
def coordinator(marzahn):
    user = get_user_model().objects.create_user(
        "koordination", "koordination@marzahn.example", PASSWORD
    )
    Membership.objects.create(user=user, kommune=marzahn.kommune, role=Membership.Role.COORDINATOR)
    return user


def sign_in(client, email: str):
    return client.post("/konto/anmelden/", {"username": email, "password": PASSWORD})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_a_coordinator_without_a_device_is_sent_to_set_one_up(client, coordinator):
    sign_in(client, "koordination@marzahn.example")
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/zweiter-faktor/?next=%2Fkonto%2F"
    page = client.get(SETUP)
    html = page.content.decode()
    # The QR code is drawn here as inline SVG, and the secret is shown as text too.
    assert "<svg" in html and "<script" not in html and "style=" not in html
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', html)[1].replace(" ", "")
    assert len(secret) == 32
    assert page.has_header("Content-Security-Policy")
    assert device.bin_key  # the device the page shows is the one kept for the code


def test_a_valid_code_confirms_the_device_and_lets_the_coordinator_in(client, coordinator):
    sign_in(client, "koordination@marzahn.example")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(SETUP, {"token": code_for(device), "next": "/konto/"})
    assert response["Location"] == "/konto/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/konto/").status_code == 200


def test_a_wrong_code_is_refused(client, coordinator, english):
    sign_in(client, "koordination@marzahn.example")
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    assert client.get("/konto/").status_code == 302


def test_with_a_device_the_next_sign_in_asks_for_its_code(client, coordinator):
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    sign_in(client, "koordination@marzahn.example")
    page = client.get(SETUP)
    assert "qr_svg" not in page.context  # no new secret for someone who has one
    response = client.post(SETUP, {"token": code_for(device), "next": "/konto/passwort/"})
    assert response["Location"] == "/konto/passwort/"
    assert client.get("/konto/passwort/").status_code == 200


def test_the_admin_requires_the_second_factor_too(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zweiter-faktor/?next=%2Fadmin%2F")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client.post(SETUP, {"token": code_for(device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_provider_editors_sign_in_with_the_password_alone(client, marzahn):
    user = get_user_model().objects.create_user("kita", "kita@example.org", PASSWORD)
    Membership.objects.create(
        user=user, kommune=marzahn.kommune, role=Membership.Role.PROVIDER_EDITOR
    )
    sign_in(client, "kita@example.org")
    assert client.get("/konto/").status_code == 200


def test_the_decorator_guards_a_view_of_its_own(rf, coordinator):
    @login_and_second_factor_required
    def workspace(request):
        raise AssertionError("must not be reached")

    request = rf.get("/marzahn/arbeitsbereich/")
    request.user = coordinator
    coordinator.is_verified = lambda: False  # as django_otp's middleware would say
    response = workspace(request)
    assert response["Location"] == "/konto/zweiter-faktor/?next=%2Fmarzahn%2Farbeitsbereich%2F"


@override_settings(REQUIRE_SECOND_FACTOR=False)
def test_when_waived_the_login_page_says_so_and_coordinators_get_in(client, coordinator, english):
    page = client.get("/konto/anmelden/").content.decode()
    assert "the second factor (a code from an authenticator app) is switched off" in page
    sign_in(client, "koordination@marzahn.example")
    assert client.get("/konto/").status_code == 200
