"""Freshness settings fixed for every test here, whatever the environment's defaults."""

import pytest
from django.urls import clear_url_caches


@pytest.fixture(autouse=True)
def _freshness_settings(settings):
    settings.LUECKENLOS_REMIND_AFTER_MONTHS = 12
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    settings.LUECKENLOS_REMINDER_QUIET_DAYS = 30
    settings.LUECKENLOS_CONFIRM_LINK_DAYS = 60
    settings.LUECKENLOS_PUBLIC_URL = "https://familien.example.de"
    yield
    # A page rendered under the `english` fixture reverses its German address while
    # LANGUAGE_CODE is "en", and the resolver would keep that "/de/" prefix for later tests.
    clear_url_caches()
