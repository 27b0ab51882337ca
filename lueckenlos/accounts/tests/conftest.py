import pytest

from lueckenlos.accounts.tests.personas import World, build_world


@pytest.fixture
def world(marzahn, pankow) -> World:
    return build_world(marzahn.kommune, pankow.kommune)
