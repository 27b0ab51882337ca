"""Forms of the review: the coordinator's decision, and the public "Unsere Einrichtung fehlt".

The public form sets no cookie (the portal promises none), so it carries no Django CSRF
token: the view checks the browser's Origin instead, and a signed timestamp and a field
people never see keep robots out, as the portal's feedback form does.
"""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import CostOption
from lueckenlos.review.services import REPORT_SOURCE, MissingProviderReport

# --- The coordinator's decision ------------------------------------------------------------

APPROVE = "approve"
REJECT = "reject"


class DecisionForm(forms.Form):
    """Approve or reject, with a comment (required to reject: the provider must learn why)."""

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment for the provider"),
        help_text=_("Sent with the decision. Required when you reject."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    publish = forms.BooleanField(
        label=_("Publish the offer on the portal at once"),
        help_text=_("Unticked, the approved offer stays a draft."),
        required=False,
        initial=True,
    )
    # The offer's version the page showed: an offer saved since is not overwritten unseen.
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == REJECT and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say why the proposal is rejected."))
        return cleaned


# --- "Unsere Einrichtung fehlt" ------------------------------------------------------------

SIGNING_SALT = "lueckenlos.review.report_missing"
# A form older than a day was left open or copied; one sent within a few seconds of being
# served was not filled in by a person.
TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60
TOKEN_MIN_AGE_SECONDS = 3

# Stored as the provider's type (German, as the catalogue's data); shown translated.
PROVIDER_TYPES = [
    ("freier Träger", _("independent non-profit provider")),
    ("Wohlfahrtsverband", _("welfare association")),
    ("öffentlicher Träger", _("public provider (e.g. youth or health office)")),
    ("Verein", _("registered association or club")),
    ("Elterninitiative", _("parents' initiative")),
    ("Kirchengemeinde", _("church congregation")),
    ("privater Träger", _("private provider")),
    ("sonstiger Träger", _("other")),
]
# The languages families in German towns ask for most; more can be added later.
OFFER_LANGUAGES = ["de", "en", "tr", "ar", "ru", "uk", "pl", "fa", "sgn"]
MAX_AGE_YEARS = 27

postal_code_validator = RegexValidator(r"^\d{5}$", _("A German postcode has five digits."))


def report_token(*, now: float | None = None) -> str:
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


def _text(label, *, autocomplete: str = "", required: bool = True, max_length: int = 300, **kw):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=attrs),
        **kw,
    )


class ReportMissingForm(forms.Form):
    """A provider reports itself and one offer; fields are grouped into three fieldsets."""

    FIELDSETS = (
        (
            _("Your organisation"),
            ("provider_name", "provider_type", "provider_website", "provider_email"),
        ),
        (
            _("Your offer"),
            (
                "offer_name",
                "offer_description",
                "age_from",
                "age_to",
                "street",
                "postal_code",
                "city",
                "languages",
                "free_of_charge",
            ),
        ),
        (
            _("Who we may ask about this report"),
            ("contact_name", "contact_email", "contact_phone", "consent"),
        ),
    )

    provider_name = _text(_("Name of the organisation"), autocomplete="organization")
    provider_type = forms.ChoiceField(
        label=_("Type of organisation"),
        choices=[("", _("Please choose"))] + PROVIDER_TYPES,
    )
    provider_website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    provider_email = forms.EmailField(
        label=_("E-mail address of the organisation"),
        help_text=_("Families and the coordination office write to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    offer_name = _text(_("Name of the offer"), help_text=_("e.g. “Krabbelgruppe am Montag”"))
    offer_description = forms.CharField(
        label=_("What the offer is about"),
        help_text=_("For whom, what happens, how to take part."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    age_from = forms.IntegerField(
        label=_("From age (years, optional)"),
        required=False,
        min_value=0,
        max_value=MAX_AGE_YEARS,
    )
    age_to = forms.IntegerField(
        label=_("Up to age (years, optional)"),
        help_text=_("e.g. 3 to 6 for Kita age: up to the sixth birthday."),
        required=False,
        min_value=1,
        max_value=MAX_AGE_YEARS,
    )
    street = _text(_("Street and house number"), autocomplete="address-line1")
    postal_code = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        validators=[postal_code_validator],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = _text(_("City"), autocomplete="address-level2", max_length=100)
    languages = forms.MultipleChoiceField(
        label=_("Languages of the offer"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_of_charge = forms.ChoiceField(
        label=_("Free of charge?"),
        choices=[("yes", _("yes, free of charge")), ("no", _("no, there is a fee"))],
        widget=forms.RadioSelect,
    )
    contact_name = _text(_("Your name"), autocomplete="name", max_length=200)
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("You will hear of the decision at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = _text(
        _("Your telephone number (optional)"), autocomplete="tel", required=False, max_length=50
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name, e-mail address and telephone number are stored so that the "
            "coordination office can ask me about this report. I can have them deleted at any "
            "time."
        ),
        error_messages={"required": _("Without your consent we cannot take the report.")},
    )
    # Named like a field robots like to fill; hidden from people by a CSS class.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Rendered by the template with a fresh token each time the form is shown.
    issued = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = sorted(
            ((code, language_name(code)) for code in OFFER_LANGUAGES),
            key=lambda choice: (choice[0] != "de", choice[1]),
        )
        self.fields["contact_phone"].widget.input_type = "tel"

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("age_from"), cleaned.get("age_to")
        if low is not None and high is not None and high <= low:
            self.add_error("age_to", _("The upper age must lie above the lower one."))
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
        return bool(self.cleaned_data.get("homepage"))

    def report(self) -> MissingProviderReport:
        data = self.cleaned_data
        low, high = data.get("age_from"), data.get("age_to")
        free = data["free_of_charge"] == "yes"
        return MissingProviderReport(
            provider={
                "name": data["provider_name"],
                "provider_type": data["provider_type"],
                "website": data["provider_website"],
                "email": data["provider_email"],
            },
            offer={
                "name": data["offer_name"],
                "description": data["offer_description"],
                "email": data["provider_email"],
                "url": data["provider_website"],
                "min_age_months": low * 12 if low is not None else None,
                "max_age_months": high * 12 if high is not None else None,
                "languages": [{"code": code} for code in data["languages"]],
                "cost_options": [{"kind": CostOption.Kind.FREE if free else CostOption.Kind.FEE}],
                "source": REPORT_SOURCE,
            },
            address={
                "address_1": data["street"],
                "postal_code": data["postal_code"],
                "city": data["city"],
            },
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
        )
