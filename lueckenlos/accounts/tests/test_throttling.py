"""Throttling of failed logins (django-axes): five failures lock the name from that address."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "Richtiges-Passwort-9"

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice", "alice@example.org", PASSWORD)


def fail(client, url: str, username: str, times: int):
    for _attempt in range(times):
        client.post(url, {"username": username, "password": "falsch"})


def test_five_failures_lock_even_the_right_password_out(client, alice, english):
    fail(client, "/konto/anmelden/", "alice@example.org", 4)
    response = client.post(
        "/konto/anmelden/", {"username": "alice@example.org", "password": "falsch"}
    )
    assert response.status_code == 429
    response = client.post(
        "/konto/anmelden/", {"username": "ALICE@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "locked for" in html and "15 minutes" in html
    assert not client.get("/konto/anmelden/").context["user"].is_authenticated


def test_fewer_failures_do_not_lock_and_a_success_resets_the_count(client, alice):
    fail(client, "/konto/anmelden/", "alice@example.org", 4)
    ok = client.post("/konto/anmelden/", {"username": "alice@example.org", "password": PASSWORD})
    assert ok.status_code == 302
    client.post("/konto/abmelden/")
    fail(client, "/konto/anmelden/", "alice@example.org", 4)
    ok = client.post("/konto/anmelden/", {"username": "alice@example.org", "password": PASSWORD})
    assert ok.status_code == 302


def test_the_lock_is_per_name_and_address(client, alice):
    fail(client, "/konto/anmelden/", "alice@example.org", 5)
    other_address = client.post(
        "/konto/anmelden/",
        {"username": "alice@example.org", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other_address.status_code == 302


def test_the_admin_login_is_throttled_too(client):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    fail(client, "/admin/login/", "root", 5)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
