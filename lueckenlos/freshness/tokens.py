"""The signed token of a one-click confirmation link: it names the offer and the day it was
made, so it needs no row of its own and expires by itself (LUECKENLOS_CONFIRM_LINK_DAYS)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.core import signing

SALT = "lueckenlos.freshness.confirm"
DEFAULT_VALID_DAYS = 60


class TokenExpired(Exception):
    """A genuine link, but older than its validity."""


class TokenInvalid(Exception):
    """No link this site made for this offer."""


def valid_for() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "LUECKENLOS_CONFIRM_LINK_DAYS", DEFAULT_VALID_DAYS))


def make_token(offer_id: UUID) -> str:
    """The timestamp and signature of the offer's id; the id itself is in the address."""
    return signing.TimestampSigner(salt=SALT).sign(str(offer_id)).split(":", 1)[1]


def check_token(offer_id: UUID, token: str) -> None:
    """Raise TokenInvalid or TokenExpired unless `token` confirms this offer today."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        signer.unsign(f"{offer_id}:{token}", max_age=valid_for())
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
