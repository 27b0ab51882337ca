import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from lueckenlos.accounts.tests.personas import World, build_world


@pytest.fixture
def world(marzahn, pankow) -> World:
    return build_world(marzahn.kommune, pankow.kommune)


@pytest.fixture
def client_of(world):
    """An API client with the persona's token (anonymous: none)."""

    def make(persona: str) -> APIClient:
        client = APIClient()
        user = world.users[persona]
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
