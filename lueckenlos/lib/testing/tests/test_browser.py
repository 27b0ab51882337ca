"""Playwright drives Debian's chromium against the live server, as every browser test does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_a_person_signs_in_through_the_browser(page, django_user_model):
    # Created after the browser started: ORM calls must still work beside Playwright's loop.
    django_user_model.objects.create_superuser("alice", "alice@example.org", "lange-passphrase")
    page.goto("/admin/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "lange-passphrase")
    page.click("input[type=submit]")
    # Only a session the live server created and recognises leads past the login page.
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools")).to_contain_text("alice")
