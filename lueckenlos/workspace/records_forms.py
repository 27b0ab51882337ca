"""Forms of the workspace's records pages: personal data, update rounds and invitations.

The forms only parse what the coordinator typed; the functions they feed (erasure, update
round, invitation) check the rest and their errors are put back on the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lueckenlos.accounts.models import Membership
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a write function's ValidationError on the form: on its fields where the form has
    them, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail address"),
        max_length=254,
        help_text=_(
            "As stored, in full (upper and lower case do not matter). Part of a name lists "
            "the people it may mean."
        ),
    )


class PersonEraseForm(forms.Form):
    """Which of the found contacts to erase, and the coordinator's explicit confirmation."""

    q = forms.CharField(widget=forms.HiddenInput, max_length=254)
    contacts = forms.MultipleChoiceField(
        label=_("Contacts to erase"), widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(
        label=_(
            "I have checked that these contacts are the person who asked, and I know that "
            "the erasure cannot be undone."
        ),
        error_messages={"required": _("Confirm the erasure by ticking the box.")},
    )

    def __init__(self, *args: Any, contact_choices: Iterable[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].choices = list(contact_choices)
        self.fields["contacts"].error_messages["required"] = _(
            "Choose at least one contact to erase."
        )


class UpdateRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Spring update 2026”; the e-mail's subject names the end date."),
    )
    message = forms.CharField(
        label=_("Message to the providers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Your words, put into every e-mail above the list of offers."),
    )
    ends = forms.DateField(
        label=_("Answer by"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The providers are asked to review their offers by this day."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, widget=forms.RadioSelect
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Providers"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a provider editor only: the providers whose offers they may edit."),
    )

    def __init__(self, *args: Any, kommune: Kommune, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The Kommune's own providers only; not those of the Kommunen a county contains.
        self.fields["organizations"].queryset = Organization.objects.filter(
            kommune=kommune
        ).order_by("name", "pk")
