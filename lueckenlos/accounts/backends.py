"""Sign-in backends: by e-mail address (any case), behind the throttle of failed logins."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class ThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in over HTTP (our login page, the admin's, the API) passes the request and
    is checked; code that calls authenticate() without one (the test client, a shell) has
    no address to throttle, so the check steps aside instead of failing the call.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class EmailBackend(ModelBackend):
    """Authenticates by e-mail address, in whatever case it is typed.

    The login form's field is called `username` (as the admin's), so both work with this
    backend and the throttle. Two accounts with one address sign in by username only.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if not username or password is None or "@" not in username:
            return None
        users = list(get_user_model().objects.filter(email__iexact=username.strip())[:2])
        if len(users) != 1:
            # As ModelBackend: spend the time of a hash, so timing tells no one which
            # addresses have accounts.
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def throttle_username(request: HttpRequest, credentials: dict | None) -> str:
    """The name django-axes counts failures under: the account's username when the typed
    name or address (any case) belongs to one account, else what was typed, in lower case.

    So failures typed as an address and the success recorded under the username (which
    resets the count) meet, and the admin's login by username counts towards the same lock.
    """
    source = credentials if credentials is not None else request.POST
    typed = (source.get("username") or "").strip()
    if "@" in typed:
        usernames = list(
            get_user_model()
            .objects.filter(email__iexact=typed)
            .values_list(get_user_model().USERNAME_FIELD, flat=True)[:2]
        )
        return usernames[0] if len(usernames) == 1 else typed.lower()
    return typed
