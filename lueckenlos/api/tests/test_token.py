"""`lueckenlos api_token USER`: a personal token, shown again until replaced."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token


def token_of(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_the_token_is_made_once_and_replaced_on_request(db):
    user = get_user_model().objects.create_user("koordination")
    first = token_of("koordination")
    assert Token.objects.get(user=user).key == first
    assert token_of("koordination") == first
    renewed = token_of("koordination", "--reset")
    assert renewed != first
    assert not Token.objects.filter(key=first).exists()


def test_an_unknown_user_gets_no_token(db, english):
    with pytest.raises(CommandError, match="There is no user “niemand”."):
        token_of("niemand")
