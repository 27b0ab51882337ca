"""The report page's choices: year, sections, introduction, format."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lueckenlos.reports.content import available_sections
from lueckenlos.reports.models import ReportDraft

FIRST_YEAR = 2000
INTRODUCTION_MAX = 20_000


def default_year() -> int:
    """Reports look back: the year that ended last."""
    return timezone.localdate().year - 1


class ReportForm(forms.Form):
    year = forms.IntegerField(
        label=_("Reporting year"),
        min_value=FIRST_YEAR,
        help_text=_("New offers are counted for this year; all other figures are today's."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one section.")},
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=INTRODUCTION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Comes first in the report. An empty line starts a new paragraph."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ReportDraft.Format.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [
            (section.key, section.title) for section in available_sections()
        ]
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(
                _("%(year)s lies in the future: choose this year or an earlier one.")
                % {"year": year}
            )
        return year

    @classmethod
    def initial_for(cls, draft: ReportDraft | None, year: int) -> dict:
        if draft is None:
            return {
                "year": year,
                "sections": [section.key for section in available_sections()],
                "format": ReportDraft.Format.PDF,
            }
        known = {section.key for section in available_sections()}
        return {
            "year": draft.year,
            "sections": [key for key in draft.sections if key in known],
            "introduction": draft.introduction,
            "format": draft.format,
        }
