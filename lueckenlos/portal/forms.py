"""Forms of the public portal: the feedback form of the accessibility statement.

Public pages set no cookies, so this form has no CSRF token. A signed timestamp and a field
people never see keep most robots out instead; the message itself is only e-mailed to the
installation's operator, never stored.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 5000
PAGE_MAX_LENGTH = 500
SIGNING_SALT = "lueckenlos.portal.feedback"
# A form older than a day was left open or copied; one sent within two seconds of being
# served was not filled in by a person.
TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60
TOKEN_MIN_AGE_SECONDS = 2


def feedback_token(*, now: float | None = None) -> str:
    """A signed record of when the form was served."""
    return signing.dumps(time.time() if now is None else now, salt=SIGNING_SALT)


def token_age(token: str, *, now: float | None = None) -> float | None:
    """Seconds since the token was issued, or None if it is forged, garbled or expired."""
    try:
        issued = signing.loads(token, salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
    except signing.BadSignature:  # also SignatureExpired, a subclass
        return None
    if not isinstance(issued, int | float):
        return None
    return (time.time() if now is None else now) - issued


class FeedbackForm(forms.Form):
    """A barrier report: a message, optionally a reply address and the page concerned."""

    message = forms.CharField(
        label=_("Your message"),
        help_text=_("What did not work, or what do you need in another form?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        help_text=_("Only if you would like an answer."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    page = forms.CharField(
        label=_("Address of the page (optional)"),
        help_text=_("Where did you find the barrier?"),
        max_length=PAGE_MAX_LENGTH,
        required=False,
    )
    # Named like a field robots like to fill; hidden from people by a CSS class.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Rendered by the template with a fresh token each time the form is shown.
    issued = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        age = token_age(cleaned.get("issued", ""))
        if age is None or not TOKEN_MIN_AGE_SECONDS <= age <= TOKEN_MAX_AGE_SECONDS:
            self.add_error(
                None,
                _(
                    "The form could not be sent: it was open for too long or sent too "
                    "quickly. Please send it again."
                ),
            )
        return cleaned

    @property
    def is_trapped(self) -> bool:
        """Whether a robot filled in the field people never see."""
        return bool(self.cleaned_data.get("website"))

    def send(self, *, language: str) -> None:
        """E-mail the message to the installation's operator, in the installation's language."""
        data = self.cleaned_data
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(_("Accessibility feedback from the portal"))
            lines = [
                data["message"],
                "",
                "—",
                f"{_('Reply to')}: {data['email'] or _('(no address given)')}",
                f"{_('Page')}: {data['page'] or _('(not given)')}",
                f"{_('Interface language')}: {language}",
            ]
        send_mail(
            subject=subject,
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[settings.FEEDBACK_EMAIL],
        )
