"""The fields an offer row can fill, and the column mapping: which column fills which field.

A mapping is proposed from the column titles (German and English titles, spelling variants
and the titles of lueckenlos' own exports), can be corrected, saved per Kommune by name and
given to the command as a JSON file:

    {
      "columns": {"name": "Angebot", "street_and_number": "Adresse", "age": "Alter"},
      "defaults": {"fields_of_action": "Bildung"},
      "values": {
        "terms": {"Familienbildung": "field_of_action:parenting_family"},
        "languages": {"Kurmandschi": "ku"},
        "costs": {"Elternbeitrag": "fee"},
        "ages": {"Krabbelgruppe": "6 Monate bis 3 Jahre"}
      }
    }

`columns` maps a field key (FIELDS) to a column title; `defaults` gives a field's text for
rows where no column fills it; `values` maps cell texts to what they mean.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.search.text import fold

VALUE_KINDS = ("terms", "languages", "costs", "ages")


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise
    titles: tuple[str, ...]  # column titles that name it, compared folded and without punctuation


FIELDS: list[Field] = [
    Field("id", gettext_lazy("lueckenlos ID"), ("lueckenlos id", "uuid")),
    Field(
        "external_id",
        gettext_lazy("external ID"),
        ("externe id", "external id", "nr", "nummer", "angebotsnummer", "kennung", "schlussel",
         "e nr", "einrichtungsnummer", "id extern", "lfd nr", "laufende nummer"),
    ),
    Field(
        "name",
        gettext_lazy("name of the offer"),
        ("name", "angebot", "angebotsname", "name des angebots", "titel", "bezeichnung",
         "offer", "service", "service name", "e name", "einrichtung", "name der einrichtung"),
    ),
    Field(
        "description",
        gettext_lazy("description"),
        ("beschreibung", "angebotsbeschreibung", "description", "inhalt", "kurzbeschreibung",
         "details", "info", "informationen"),
    ),
    Field(
        "provider",
        gettext_lazy("provider"),
        ("trager", "anbieter", "organisation", "provider", "organization", "trager name",
         "t name", "name des tragers", "tragerin"),
    ),
    Field(
        "location_name",
        gettext_lazy("location"),
        ("standort", "ort des angebots", "location", "einrichtung standort", "standortname",
         "veranstaltungsort"),
    ),
    Field(
        "street_and_number",
        gettext_lazy("street and house number"),
        ("strasse und hausnummer", "adresse", "anschrift", "address", "strasse hausnummer",
         "strasse nr", "str nr", "street address", "address 1"),
    ),
    Field("street", gettext_lazy("street"), ("strasse", "street", "e strasse", "str")),
    Field(
        "house_number",
        gettext_lazy("house number"),
        ("hausnummer", "hausnr", "hnr", "nr haus", "house number", "e hnr"),
    ),
    Field(
        "postal_code",
        gettext_lazy("postcode"),
        ("plz", "postleitzahl", "postcode", "postal code", "zip", "e plz"),
    ),
    Field("city", gettext_lazy("city"), ("ort", "stadt", "city", "gemeinde", "wohnort", "e ort")),
    Field("latitude", gettext_lazy("latitude"), ("breitengrad", "breite", "latitude", "lat", "y")),
    Field(
        "longitude",
        gettext_lazy("longitude"),
        ("langengrad", "lange", "longitude", "lon", "lng", "long", "x"),
    ),
    Field(
        "age_from_months",
        gettext_lazy("age from (months)"),
        ("alter von monate", "alter ab monate", "min age months", "mindestalter monate"),
    ),
    Field(
        "age_to_months",
        gettext_lazy("age below (months)"),
        ("alter bis monate", "max age months", "hochstalter monate"),
    ),
    Field(
        "age_from_years",
        gettext_lazy("age from (years)"),
        ("alter von", "alter ab", "ab alter", "mindestalter", "min age", "age from"),
    ),
    Field(
        "age_to_years",
        gettext_lazy("age below (years)"),
        ("alter bis", "bis alter", "hochstalter", "max age", "age to"),
    ),
    Field(
        "age",
        gettext_lazy("age (text)"),
        ("alter", "altersgruppe", "altersgruppen", "zielalter", "age", "ages", "age group",
         "alterspanne", "altersspanne", "fur kinder von"),
    ),
    Field(
        "life_phases",
        gettext_lazy("life phases"),
        ("lebensphasen", "lebensphase", "life phases", "life phase", "phase"),
    ),
    Field(
        "fields_of_action",
        gettext_lazy("fields of action"),
        ("handlungsfelder", "handlungsfeld", "fields of action", "bereich", "bereiche",
         "themenfeld", "themenfelder"),
    ),
    Field(
        "target_groups",
        gettext_lazy("target groups"),
        ("zielgruppen", "zielgruppe", "target groups", "target group", "fur wen"),
    ),
    Field(
        "topics",
        gettext_lazy("topics (any vocabulary)"),
        ("themen", "thema", "schlagworte", "schlagwort", "kategorien", "kategorie", "topics",
         "tags", "stichworte"),
    ),
    Field(
        "languages",
        gettext_lazy("languages"),
        ("sprachen", "sprache", "languages", "language", "angebotssprachen", "fremdsprachen"),
    ),
    Field(
        "costs",
        gettext_lazy("costs"),
        ("kosten", "preis", "gebuhr", "gebuhren", "teilnahmegebuhr", "beitrag", "cost",
         "costs", "fees", "kostenlos"),
    ),
    Field(
        "wheelchair",
        gettext_lazy("wheelchair accessible"),
        ("rollstuhlgerecht", "barrierefrei", "barrierefreiheit", "rollstuhl", "wheelchair",
         "wheelchair accessible", "accessible"),
    ),
    Field(
        "email",
        gettext_lazy("e-mail"),
        ("e mail", "email", "mail", "e mail adresse", "emailadresse", "kontakt e mail"),
    ),
    Field(
        "website",
        gettext_lazy("website"),
        ("website", "webseite", "internet", "homepage", "url", "internetseite", "web", "e web",
         "link", "internetadresse"),
    ),
    Field(
        "phone",
        gettext_lazy("telephone"),
        ("telefon", "telefonnummer", "tel", "phone", "telephone", "fon", "e tel",
         "kontakt telefon"),
    ),
    Field("status", gettext_lazy("status"), ("status", "zustand", "aktiv")),
    Field(
        "last_confirmed",
        gettext_lazy("last confirmed on"),
        ("zuletzt bestatigt", "bestatigt am", "stand", "aktualisiert", "letzte aktualisierung",
         "last confirmed", "assured date", "datum"),
    ),
    Field(
        "capacity",
        gettext_lazy("places"),
        ("platze", "platzzahl", "anzahl platze", "kapazitat", "capacity", "e platz"),
    ),
]  # fmt: skip
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def title_key(title: str) -> str:
    """A column title as it is compared: folded, punctuation and unit brackets as spaces."""
    return " ".join(re.sub(r"[^\w]+|_", " ", fold(title)).split())


def propose_mapping(columns: list[str]) -> dict[str, str]:
    """Field key → column title, proposed from the titles; each column fills one field."""
    by_title = {title_key(column): column for column in reversed(columns)}
    proposal: dict[str, str] = {}
    taken: set[str] = set()
    for target in FIELDS:
        for title in target.titles:
            column = by_title.get(title)
            if column is not None and column not in taken:
                proposal[target.key] = column
                taken.add(column)
                break
    # "ID" is lueckenlos' own key in its exports (with "Externe ID" beside it); elsewhere an
    # ID column is the sheet's own numbering, the external ID.
    id_column = by_title.get("id")
    if id_column is not None and id_column not in taken:
        target = "id" if "external_id" in proposal else "external_id"
        if target not in proposal:
            proposal[target] = id_column
    return proposal


class MappingError(ValueError):
    """A mapping that cannot be used; str(exc) says why, for the user."""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "defaults": self.defaults, "values": self.values}

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """A mapping from its JSON form; unknown fields and kinds are refused by name."""
        if not isinstance(data, dict):
            raise MappingError(_("A mapping is a JSON object with “columns”."))
        unknown_keys = set(data) - {"columns", "defaults", "values"}
        if unknown_keys:
            raise MappingError(
                _("Unknown key(s) in the mapping: %(keys)s; use columns, defaults and values.")
                % {"keys": ", ".join(sorted(unknown_keys))}
            )
        columns = _string_dict(data.get("columns", {}), "columns")
        defaults = _string_dict(data.get("defaults", {}), "defaults")
        for name in [*columns, *defaults]:
            if name not in FIELDS_BY_KEY:
                raise MappingError(
                    _("Unknown field “%(field)s” in the mapping; the fields are: %(fields)s.")
                    % {"field": name, "fields": ", ".join(FIELDS_BY_KEY)}
                )
        values_data = data.get("values", {})
        if not isinstance(values_data, dict):
            raise MappingError(_("“values” in the mapping must be a JSON object."))
        values = {}
        for kind, entries in values_data.items():
            if kind not in VALUE_KINDS:
                raise MappingError(
                    _("Unknown kind of value mapping “%(kind)s”; use %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(VALUE_KINDS)}
                )
            values[kind] = _string_dict(entries, f"values.{kind}")
        return cls(columns=columns, defaults=defaults, values=values)

    @classmethod
    def from_text(cls, text: str) -> Mapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MappingError(
                _("The mapping is not valid JSON: %(reason)s") % {"reason": exc}
            ) from exc
        return cls.from_json(data)

    def check_columns(self, columns: list[str]) -> None:
        """Refuse a mapping that names a column the table lacks, listing those it has."""
        missing = [c for c in self.columns.values() if c not in columns]
        if missing:
            raise MappingError(
                _("The mapping names column(s) the file lacks: %(missing)s. It has: %(columns)s.")
                % {"missing": ", ".join(missing), "columns": ", ".join(columns)}
            )
        if "name" not in self.columns and "name" not in self.defaults:
            raise MappingError(_("No column is mapped to the name of the offer."))


def _string_dict(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise MappingError(
            _("“%(where)s” in the mapping must map texts to texts.") % {"where": where}
        )
    return {k: v for k, v in data.items() if v != ""}
