"""Back office for memberships (who has which role in which Kommune) and invitations."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.accounts.models import Invitation, Membership
from lueckenlos.accounts.permissions import can_coordinate
from lueckenlos.accounts.services import invitation_create, invitation_resend
from lueckenlos.areas.admin import kommune_filter


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "kommune", "role", "organizations"]

    def clean(self):
        cleaned = super().clean()
        membership = self.instance
        membership.role = cleaned.get("role") or ""
        membership.kommune = cleaned.get("kommune")
        if membership.kommune is not None:
            try:
                membership.clean_organizations(list(cleaned.get("organizations") or []))
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "kommune", "created_at"]
    list_filter = ["role", kommune_filter("kommune")]
    list_select_related = ["user", "kommune"]
    search_fields = ["user__username", "user__email", "kommune__name"]
    autocomplete_fields = ["user", "organizations"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("kommune__boundary")


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "kommune", "role", "organizations"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        kommune, role = cleaned.get("kommune"), cleaned.get("role")
        if kommune is None or not role:
            return cleaned
        if not can_coordinate(self.request.user, kommune):
            self.add_error(
                "kommune",
                _("Only a coordinator of %(kommune)s may invite to it.")
                % {"kommune": kommune.name},
            )
        try:
            Membership(kommune=kommune, role=role).clean_organizations(
                list(cleaned.get("organizations") or [])
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invite by e-mail (saving sends the link) and send open invitations again."""

    form = InvitationForm
    list_display = [
        "email",
        "role",
        "kommune",
        "invited_by",
        "sent_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", kommune_filter("kommune")]
    list_select_related = ["kommune", "invited_by"]
    search_fields = ["email", "kommune__name"]
    autocomplete_fields = ["organizations"]
    actions = ["send_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("kommune__boundary")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class WithRequest(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return WithRequest

    def has_change_permission(self, request, obj=None):
        # An invitation is sent as it was made; to change it, invite anew.
        return False

    def save_model(self, request, obj, form, change):
        invitation = invitation_create(
            kommune=form.cleaned_data["kommune"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            organizations=form.cleaned_data["organizations"],
            invited_by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved one.
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invitation, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The providers were set by invitation_create."""

    @admin.action(description=gettext_lazy("Send the selected invitations again (new link)"))
    def send_again(self, request, queryset):
        sent = 0
        for invitation in queryset.filter(accepted_at__isnull=True):
            try:
                invitation_resend(
                    invitation=invitation,
                    acting_user=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                sent += 1
        self.message_user(
            request, _("Sent again: %(count)s invitations.") % {"count": sent}, messages.SUCCESS
        )
