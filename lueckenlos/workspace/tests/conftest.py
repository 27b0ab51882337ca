"""The workspace tests' world: Marzahn with Kita A and Verein B, Pankow beside it, Berlin
containing Marzahn, and a user per role (lueckenlos.accounts.tests.personas)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.models import TaxonomyTerm


@pytest.fixture
def world(marzahn, pankow, settings) -> World:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has tests of its own
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(client: Client, world: World) -> Callable[[str], Client]:
    """signed_in("coordinator_marzahn"): the test client, signed in as that persona."""

    def sign_in(role: str) -> Client:
        client.force_login(world.users[role])
        return client

    return sign_in


def term(ref: str) -> TaxonomyTerm:
    """term("life_phase:preschool")"""
    taxonomy, code = ref.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)


def workspace_url(world: World, path: str = "") -> str:
    return f"/{world.marzahn.slug}/arbeitsbereich/{path}"


class _FormReader(HTMLParser):
    """What a browser would send for one form of a page: checked boxes, selected options,
    the text of text areas; disabled controls and buttons send nothing."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._select_options: list[tuple[str, bool]] = []
        self._option: str | None = None
        self._option_selected = False
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self._add(name, attributes.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes)
            self._select_options = []
        elif tag == "option" and self._select:
            self._option = attributes.get("value", "")
            self._option_selected = "selected" in attributes
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._option is not None:
            self._select_options.append((self._option, self._option_selected))
            self._option = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def form_data(response, form_id: str) -> dict[str, list[str]]:
    """The fields a browser would submit from the form `form_id` of the response's page."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.fields, f"no form #{form_id} with fields on the page"
    return reader.fields
