"""Who must confirm a sign-in with a TOTP code, and the check the back-office pages use.

Coordinators and administrators (superusers, staff) must, when
settings.REQUIRE_SECOND_FACTOR is on (production default). Their session counts as signed
in only after a code from their authenticator app (django-otp) was accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from lueckenlos.accounts.models import Membership


def second_factor_required_for(user: Any) -> bool:
    """Must this user confirm their sign-in with a code (in this installation)?"""
    if not settings.REQUIRE_SECOND_FACTOR or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()


def second_factor_missing(user: Any) -> bool:
    """Is the user signed in with the password but still owes the code?"""
    verified = getattr(user, "is_verified", None)
    return second_factor_required_for(user) and not (verified and verified())


def second_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:second_factor')}?{urlencode({'next': next_url})}"


def login_and_second_factor_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Like login_required, and for coordinators and administrators the code as well."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if second_factor_missing(request.user):
            return HttpResponseRedirect(second_factor_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return login_required(wrapped)
