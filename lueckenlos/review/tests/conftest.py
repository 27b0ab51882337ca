"""The review tests' world: Marzahn with Kita A and Verein B, Pankow beside it, a user per
role (lueckenlos.accounts.tests.personas), and Kita A's active offer "Krabbelgruppe"."""

from __future__ import annotations

import pytest

from lueckenlos.accounts.tests.personas import World, build_world
from lueckenlos.catalogue.models import TaxonomyTerm


@pytest.fixture
def world(marzahn, pankow) -> World:
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.LUECKENLOS_PUBLIC_URL = "https://familien.example.org"


def term(ref: str) -> TaxonomyTerm:
    taxonomy, code = ref.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)
