"""Forms of the back office's offer import: upload, column mapping, commit."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.areas.models import Kommune
from lueckenlos.interop.models import ImportMapping
from lueckenlos.interop.offers.fields import FIELDS, Mapping, MappingError
from lueckenlos.interop.tabular import Table, TableError, read_table


class UploadForm(forms.Form):
    kommune = forms.ModelChoiceField(
        queryset=Kommune.objects.order_by("name"), label=gettext_lazy("Kommune")
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV, Excel workbook (.xlsx) or GeoJSON with points"),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Only for Excel workbooks; empty: the first sheet with data."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            data = upload.read()
            try:
                self.table = read_table(
                    data, filename=upload.name, sheet=cleaned.get("sheet") or None
                )
            except TableError as exc:
                raise forms.ValidationError(str(exc)) from exc
            cleaned["data"] = data
        return cleaned


class MappingForm(forms.Form):
    """One select per field, with the table's columns; value mappings as JSON."""

    def __init__(self, *args, table: Table, kommune: Kommune, initial_mapping: Mapping, **kw):
        super().__init__(*args, **kw)
        choices = [("", "—"), *((column, column) for column in table.columns)]
        for target in FIELDS:
            self.fields[f"column_{target.key}"] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=False,
                initial=initial_mapping.columns.get(target.key, ""),
            )
        self.fields["defaults"] = forms.CharField(
            label=gettext_lazy("Defaults (JSON)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=json.dumps(initial_mapping.defaults, ensure_ascii=False, indent=1),
            help_text=gettext_lazy(
                'Texts for fields no column fills, e.g. {"fields_of_action": "Bildung"}.'
            ),
        )
        self.fields["values"] = forms.CharField(
            label=gettext_lazy("Value mappings (JSON)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 6}),
            initial=json.dumps(initial_mapping.values, ensure_ascii=False, indent=1),
            help_text=gettext_lazy(
                'What cell texts mean, by kind: {"terms": {"Familienbildung": '
                '"field_of_action:parenting_family"}, "languages": {"Kurmandschi": "ku"}, '
                '"costs": {"Elternbeitrag": "fee"}, "ages": {"Krabbelgruppe": "1-3 Jahre"}}'
            ),
        )
        self.fields["save_as"] = forms.CharField(
            label=gettext_lazy("Save the mapping as"),
            required=False,
            max_length=100,
            help_text=gettext_lazy("A name to reuse it for the next file of %(kommune)s.")
            % {"kommune": kommune.name},
        )
        self.table = table

    def clean(self):
        cleaned = super().clean()
        columns = {
            target.key: cleaned[f"column_{target.key}"]
            for target in FIELDS
            if cleaned.get(f"column_{target.key}")
        }
        used = list(columns.values())
        doubled = sorted({c for c in used if used.count(c) > 1})
        if doubled:
            raise forms.ValidationError(
                _("Each column fills one field; mapped twice: %(columns)s")
                % {"columns": ", ".join(doubled)}
            )
        try:
            data = {
                "columns": columns,
                "defaults": json.loads(cleaned.get("defaults") or "{}"),
                "values": json.loads(cleaned.get("values") or "{}"),
            }
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The JSON is not valid: %(reason)s") % {"reason": exc}
            ) from exc
        try:
            self.mapping = Mapping.from_json(data)
            self.mapping.check_columns(self.table.columns)
        except MappingError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class LoadMappingForm(forms.Form):
    saved = forms.ModelChoiceField(
        queryset=ImportMapping.objects.none(), label=gettext_lazy("Saved mapping")
    )

    def __init__(self, *args, kommune: Kommune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].queryset = ImportMapping.objects.filter(kommune=kommune)


class CommitForm(forms.Form):
    skip_rejected = forms.BooleanField(
        label=gettext_lazy("Skip the rejected rows and import the others"), required=False
    )
