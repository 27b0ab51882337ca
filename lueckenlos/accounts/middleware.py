"""Session rules for every page: the second factor first, and a longest session length."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from lueckenlos.accounts.second_factor import second_factor_missing, second_factor_url

# Set at sign-in (signals.py): the moment the session began, in seconds since the epoch.
SIGNED_IN_AT = "lueckenlos_signed_in_at"
# Where a half-signed-in user may go: the account pages (code entry, logout, password reset).
OPEN_PREFIXES = ("/konto/", "/static/")


class SessionPolicyMiddleware:
    """Ends sessions older than SESSION_MAX_HOURS; sends a coordinator or administrator who
    has not entered the code to the second factor, from every page (the admin, the API
    with a session, the workspace) except the account pages themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is signed in; the public pages' visitors stay
        # untouched (no session read, no cookie, no Vary: Cookie).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            if started is None or time.time() - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
            if not request.path.startswith(OPEN_PREFIXES) and second_factor_missing(user):
                return HttpResponseRedirect(second_factor_url(request.get_full_path()))
        return self.get_response(request)
