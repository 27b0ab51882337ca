"""Back office: update rounds (creating one sends its e-mails; its page shows the answers)
and the reminders sent."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lueckenlos.accounts.permissions import kommunen_editable_by
from lueckenlos.freshness.models import Reminder, UpdateRound
from lueckenlos.freshness.queries import update_round_progress
from lueckenlos.freshness.services import update_round_start


class UpdateRoundForm(forms.ModelForm):
    class Meta:
        model = UpdateRound
        fields = ["kommune", "title", "message", "ends"]

    def clean_ends(self):
        ends = self.cleaned_data["ends"]
        today = timezone.localdate()
        if ends <= today:
            raise forms.ValidationError(
                _("The round must end after today (%(today)s).") % {"today": today}
            )
        return ends


def _percent(rate: float) -> str:
    return f"{rate:.0%}"


@admin.register(UpdateRound)
class UpdateRoundAdmin(admin.ModelAdmin):
    form = UpdateRoundForm
    list_display = ["title", "kommune", "starts", "ends", "response_rate"]
    list_filter = ["kommune"]
    list_select_related = ["kommune"]
    readonly_fields = ["progress"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UpdateRound]:
        return (
            super()
            .get_queryset(request)
            .filter(kommune__in=kommunen_editable_by(request.user))
            .defer("kommune__boundary")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "kommune":
            kwargs["queryset"] = kommunen_editable_by(request.user).defer("boundary")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kommune", "title", "message", "ends"]
        return ["kommune", "title", "message", "starts", "ends", "created_by", "progress"]

    def get_readonly_fields(self, request, obj=None):
        # A round is its e-mails: once sent, nothing of it changes.
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        started, report = update_round_start(
            kommune=obj.kommune,
            title=obj.title,
            message=obj.message,
            ends=obj.ends,
            acting_user=request.user,
        )
        obj.pk = started.pk
        obj.starts = started.starts
        messages.info(
            request,
            ngettext(
                "%(emails)d e-mail sent, asking about %(offers)d offers.",
                "%(emails)d e-mails sent, asking about %(offers)d offers.",
                report.emails,
            )
            % {"emails": report.emails, "offers": report.offers},
        )
        if report.without_address:
            messages.warning(
                request,
                _("Not asked, for want of an e-mail address: %(offers)s.")
                % {"offers": ", ".join(offer.name for offer in report.without_address)},
            )
        if report.failed:
            messages.error(
                request,
                _("Could not send to: %(addresses)s.") % {"addresses": ", ".join(report.failed)},
            )

    @admin.display(description=gettext_lazy("response rate"))
    def response_rate(self, obj: UpdateRound) -> str:
        return _percent(update_round_progress(obj).rate)

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj: UpdateRound) -> str:
        figures = update_round_progress(obj)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (p.organization.name, p.asked, p.confirmed, _percent(p.rate))
                for p in figures.providers
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody><tfoot><tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>"
            "</tfoot></table>",
            _("provider"),
            _("offers asked"),
            _("confirmed since the start"),
            _("response rate"),
            rows,
            _("all providers"),
            figures.asked,
            figures.confirmed,
            _percent(figures.rate),
        )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["service", "sent_to", "sent_at", "update_round"]
    list_filter = ["service__kommune"]
    list_select_related = ["service", "update_round"]
    search_fields = ["service__name", "sent_to"]
    date_hierarchy = "sent_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return (
            super()
            .get_queryset(request)
            .filter(service__kommune__in=kommunen_editable_by(request.user))
        )

    # The record of what was sent: written by the freshness services only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
