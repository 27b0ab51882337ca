"""Remember when a session signed in, for the longest session length (middleware.py)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from lueckenlos.accounts.middleware import SIGNED_IN_AT


@receiver(user_logged_in)
def remember_sign_in_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
