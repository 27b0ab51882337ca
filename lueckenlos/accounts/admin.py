"""Back office for memberships: who has which role in which Kommune."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from lueckenlos.accounts.models import Membership
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
