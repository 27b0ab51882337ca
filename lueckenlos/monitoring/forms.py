"""Forms of the indicator data pages: upload, definition, manual entry of values."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.interop.tabular import TableError, read_table
from lueckenlos.monitoring.imports import LONG, WIDE, parse_value
from lueckenlos.monitoring.models import RESERVED_CODES, Indicator
from lueckenlos.monitoring.services import DEFINITION_FIELDS, State

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UploadForm(forms.Form):
    """A table of values and how to read it; `table` and `data` once valid."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or Excel workbook (.xlsx) as the statistics office publishes it."
        ),
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        required=False,
        choices=[
            ("", gettext_lazy("Automatic")),
            (LONG, gettext_lazy("Long: one row per area, indicator and date")),
            (WIDE, gettext_lazy("Wide: one row per area, one column per indicator code")),
        ],
        help_text=gettext_lazy("Automatic: long if a column names the indicator of each row."),
    )
    reference_date = forms.DateField(
        label=gettext_lazy("Reference date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Needed for a wide table and for a long one without a date column."),
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Only this indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All indicators the file names"),
        help_text=gettext_lazy(
            "With one indicator chosen, a wide table may hold its values in a column “Wert”."
        ),
    )
    area_column = forms.CharField(
        label=gettext_lazy("Column of the area codes"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Empty: the column whose cells are codes of this Kommune's areas."),
    )
    skip_unknown_areas = forms.BooleanField(
        label=gettext_lazy("Leave out rows of areas this Kommune does not have"),
        required=False,
        help_text=gettext_lazy(
            "For a file of a whole city or Land: its other areas are counted, not errors."
        ),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Only for Excel workbooks; empty: the first sheet with data."),
    )

    def __init__(self, *args, kommune: Kommune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(kommune=kommune)
        self.table = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            data = upload.read()
            try:
                # Only tables: a GeoJSON file is read by read_table too, but holds no values.
                if upload.name.lower().endswith((".geojson", ".json")):
                    raise TableError(
                        _("The file %(filename)s is not a table: upload CSV or Excel (.xlsx).")
                        % {"filename": upload.name}
                    )
                self.table = read_table(
                    data, filename=upload.name, sheet=cleaned.get("sheet") or None
                )
            except TableError as exc:
                self.add_error("file", str(exc))
            else:
                if not self.table.rows:
                    self.add_error(
                        "file",
                        _("The file %(filename)s has a header but no rows of values.")
                        % {"filename": upload.name},
                    )
            cleaned["data"] = data
        return cleaned


DIRECTIONS = [
    ("higher", gettext_lazy("Higher is better")),
    ("lower", gettext_lazy("Lower is better")),
    ("neutral", gettext_lazy("Neither: a context indicator")),
]
DIRECTION_VALUES = {"higher": True, "lower": False, "neutral": None}


class IndicatorForm(forms.ModelForm):
    """The definition of an indicator; `data()` is what services.indicator_update takes."""

    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=DIRECTIONS, widget=forms.RadioSelect
    )

    class Meta:
        model = Indicator
        fields = [name for name in DEFINITION_FIELDS if name != "higher_is_better"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        # "12,5" in German: numbers as the interface language writes them.
        localized_fields = ["scale", "target_value"]

    field_order = [
        "code",
        "name",
        "description",
        "numerator_label",
        "denominator_label",
        "scale",
        "unit",
        "source",
        "area_level",
        "direction",
        "target_value",
        "is_public",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kommune = self.instance.kommune
        self.fields["area_level"].queryset = AreaLevel.objects.filter(kommune=kommune).order_by(
            "depth"
        )
        self.fields["code"].help_text = _(
            "Short and unique in this Kommune, e.g. S4 or SGB2_U15: letters, digits, _ . -"
        )
        direction = {True: "higher", False: "lower", None: "neutral"}
        self.initial.setdefault("direction", direction[self.instance.higher_is_better])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(
                _("Use letters, digits and _ . - only (the code is part of addresses).")
            )
        if code.lower() in RESERVED_CODES:
            raise forms.ValidationError(
                _("“%(code)s” is a word of the workspace's addresses: choose another code.")
                % {"code": code}
            )
        taken = Indicator.objects.filter(kommune=self.instance.kommune, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This Kommune has an indicator with this code already."))
        return code

    def data_for_save(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["higher_is_better"] = DIRECTION_VALUES[self.cleaned_data["direction"]]
        return data


class DateForm(forms.Form):
    """Which reference date to enter values for: one that has values, or a new one."""

    existing = forms.TypedChoiceField(
        label=gettext_lazy("A reference date with values"),
        required=False,
        coerce=dt.date.fromisoformat,
        empty_value=None,
    )
    new = forms.DateField(
        label=gettext_lazy("or a new reference date"), required=False, widget=DateInput()
    )

    def __init__(self, *args, dates: list[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].choices = [("", "—")] + [
            (day.isoformat(), formats.date_format(day, "SHORT_DATE_FORMAT")) for day in dates
        ]

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("new") or cleaned.get("existing")
        if day is None and not self.errors:
            raise forms.ValidationError(_("Choose a reference date or give a new one."))
        cleaned["day"] = day
        return cleaned


def _shown(number: float | None) -> str:
    return "" if number is None else formats.number_format(number)


class ValueRowForm(forms.Form):
    """One area's value of one indicator and date: a number, or numerator and denominator,
    or the reason it is missing; all empty: no value. `state` once valid (None: no value)."""

    value = forms.CharField(label=gettext_lazy("Value"), required=False, max_length=40)
    numerator = forms.CharField(label=gettext_lazy("Numerator"), required=False, max_length=40)
    denominator = forms.CharField(label=gettext_lazy("Denominator"), required=False, max_length=40)
    missing_reason = forms.CharField(
        label=gettext_lazy("Reason for a missing value"), required=False, max_length=200
    )

    def __init__(self, *args, area: Area, indicator: Indicator, stored: State | None, **kw):
        if stored is not None:
            kw["initial"] = {
                "value": _shown(stored.value),
                "numerator": _shown(stored.numerator),
                "denominator": _shown(stored.denominator),
                "missing_reason": stored.missing_reason,
            }
        super().__init__(*args, prefix=f"a{area.pk}", **kw)
        self.area = area
        self.indicator = indicator
        self.state: State | None = None
        if indicator.is_rate_given:
            del self.fields["numerator"]
            del self.fields["denominator"]
        for name, field in self.fields.items():
            field.widget.attrs["aria-label"] = f"{field.label}: {area.name}"
            if name != "missing_reason":
                field.widget.attrs.update(inputmode="decimal", size=8)

    def _number(self, name: str) -> float | None:
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        try:
            number = parse_value(text)[0]
        except ValueError:
            number = None
        if number is None:
            self.add_error(
                name,
                _("“%(text)s” is not a number: a missing value needs its reason instead.")
                % {"text": text},
            )
        return number

    def clean(self):
        cleaned = super().clean()
        value = self._number("value")
        numerator = self._number("numerator") if "numerator" in self.fields else None
        denominator = self._number("denominator") if "denominator" in self.fields else None
        reason = cleaned.get("missing_reason", "").strip()
        if self.errors:
            return cleaned
        if (numerator is None) != (denominator is None):
            raise forms.ValidationError(_("Give both numerator and denominator, or neither."))
        if denominator is not None and denominator <= 0:
            self.add_error("denominator", _("The denominator must be more than 0."))
            return cleaned
        if numerator is not None and numerator < 0:
            self.add_error("numerator", _("The numerator cannot be negative."))
            return cleaned
        if value is None and numerator is not None:
            value = numerator / denominator * self.indicator.scale
        if value is not None and reason:
            raise forms.ValidationError(_("Give a value or the reason it is missing, not both."))
        if value is None and not reason:
            self.state = None
        else:
            self.state = State(value, reason, numerator, denominator)
        return cleaned
