import pytest

from lueckenlos.accounts.tests.personas import World, build_world


@pytest.fixture
def world(marzahn, pankow) -> World:
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests sign in often; the real hasher is slow by design (1 s per login here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
