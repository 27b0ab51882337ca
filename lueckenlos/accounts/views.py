"""The account pages under /konto/: sign in and out, the second factor, passwords, invitations.

Thin views: the rules live in second_factor.py and services.py.
"""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from lueckenlos.accounts.forms import AcceptInvitationForm, EmailLoginForm, TokenForm
from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.second_factor import (
    login_and_second_factor_required,
    second_factor_missing,
)
from lueckenlos.accounts.services import (
    InvitationInvalid,
    existing_account,
    invitation_accept,
    invitation_for_token,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["second_factor_waived"] = not settings.REQUIRE_SECOND_FACTOR
        return context


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, made here: no request
    leaves the server, and the SVG carries no script or style attribute."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enter the code of one's authenticator app, or first set the app up (QR code)."""
    next_url = _next_url(request)
    if not second_factor_missing(request.user):
        return HttpResponseRedirect(next_url)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        # The secret stays the same across reloads until the first code confirms it.
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name=_("Authenticator app"), confirmed=False
            )
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        # A new session key for the session that is now fully signed in.
        request.session.cycle_key()
        return HttpResponseRedirect(next_url)
    context = {"form": form, "next": next_url, "setting_up": setting_up}
    if setting_up:
        context["qr_svg"] = _qr_svg(device)
        secret = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/second_factor.html", context)


@login_and_second_factor_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account: roles, and where to go from here."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("kommune")
        .prefetch_related("organizations")
        .defer("kommune__boundary")
    )
    return render(request, "accounts/home.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: set name and password (or, with an account, confirm)."""
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": exc}, status=410)
    account = existing_account(invitation)
    context = {"invitation": invitation, "account": account}
    if account is not None:
        # Joining with an existing account needs that account signed in.
        if request.method == "POST" and request.user.is_authenticated:
            try:
                invitation_accept(token=token, user=request.user)
            except InvitationInvalid as exc:
                return render(
                    request, "accounts/invitation_invalid.html", {"reason": exc}, status=403
                )
            messages.success(request, _("The invitation is accepted: you have the new role."))
            return HttpResponseRedirect(resolve_url("accounts:home"))
        return render(request, "accounts/invitation_existing.html", context)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        membership = invitation_accept(
            token=token,
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        login(request, membership.user, backend="lueckenlos.accounts.backends.EmailBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        # Coordinators go on to set up their second factor (the middleware sends them).
        return HttpResponseRedirect(resolve_url("accounts:home"))
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


logout = auth_views.LogoutView.as_view()

password_change = login_and_second_factor_required(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change_form.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = login_and_second_factor_required(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)

password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html",
    extra_context={"title": gettext_lazy("Password set")},
)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """What django-axes shows instead of a sign-in page while the name/address is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
