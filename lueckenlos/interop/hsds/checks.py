"""Turning what a feed sends into clean HSDS records: flattening and checking with the schemas.

Nested JSON objects are taken apart into the flat records of the tabular model (a service's
phones become `phone` records with its `service_id` ...), so that both forms are imported the
same way. Every record is then checked against its official schema: each field with the
field's own subschema from the vendored file (type, enum), compiled by jsonschema and
remembered per type of value (a feed of 100,000 offers has few distinct shapes), and the
schema's `required` list. Formats (uuid, email, uri) are not asserted here: the importer
repairs or drops such values with a warning instead of refusing the whole package.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from lueckenlos.interop.hsds.reading import Record, Where
from lueckenlos.interop.hsds.schemas import schema, tabular_resources

# Nested fields we take apart: field -> (table of the nested records, their key to the parent).
# A key of None marks a single nested object whose id the parent refers to by `refers`.
NESTED: dict[str, dict[str, tuple[str, str | None]]] = {
    "service": {
        "organization": ("organization", None),
        "service_at_locations": ("service_at_location", "service_id"),
        "phones": ("phone", "service_id"),
        "schedules": ("schedule", "service_id"),
        "languages": ("language", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "contacts": ("contact", "service_id"),
        "attributes": ("attribute", "link_id"),
    },
    "organization": {
        "contacts": ("contact", "organization_id"),
        "phones": ("phone", "organization_id"),
        "locations": ("location", "organization_id"),
    },
    "location": {
        "addresses": ("address", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "phones": ("phone", "location_id"),
    },
    "service_at_location": {
        "location": ("location", None),
        "schedules": ("schedule", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
        "contacts": ("contact", "service_at_location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", None)},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", None)},
}
# The parent's field naming a single nested object.
REFERS = {
    ("service", "organization"): "organization_id",
    ("service_at_location", "location"): "location_id",
    ("attribute", "taxonomy_term"): "taxonomy_term_id",
    ("taxonomy_term", "taxonomy_detail"): "taxonomy_id",
}
# Names may be missing or empty in real feeds; the importer names or skips such records.
NAMED = {"service", "organization", "location", "taxonomy", "taxonomy_term"}

TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\s*/?\s*>", re.IGNORECASE)
LIST_ITEM = re.compile(r"<\s*li[^>]*>", re.IGNORECASE)


def flatten(table: str, where: Where, record: dict, out: dict[str, list[Record]]) -> None:
    """Add `record` and the records nested in it to `out` (table -> records)."""
    flat = {}
    for key, value in record.items():
        nested = NESTED.get(table, {}).get(key)
        properties = schema(table)["properties"]
        if nested is None:
            # Known nested lists we do not keep (funding, programs, metadata ...) are dropped
            # here; unknown fields go on to the check, which warns about them.
            if key in properties and properties[key].get("type") == "array":
                continue
            if key in properties and "$ref" in properties[key]:
                continue
            flat[key] = value
            continue
        child_table, parent_key = nested
        if parent_key is None:
            if isinstance(value, dict):
                flatten(child_table, where.nested(key), value, out)
                if value.get("id") is not None:
                    flat.setdefault(REFERS[(table, key)], value["id"])
            elif value is not None:
                flat[key] = value  # the check reports the wrong type
            continue
        if not isinstance(value, list):
            flat[key] = value
            continue
        for index, child in enumerate(value):
            child_where = where.nested(f"{key}[{index}]")
            if not isinstance(child, dict):
                out.setdefault(child_table, []).append((child_where, {"": child}))
                continue
            child = dict(child)
            if record.get("id") is not None:
                child.setdefault(parent_key, record["id"])
            if child_table == "attribute":
                child.setdefault("link_entity", table)
            flatten(child_table, child_where, child, out)
    out.setdefault(table, []).append((where, flat))


@functools.cache
def _field_validator(table: str, key: str) -> Draft202012Validator:
    subschema = {k: v for k, v in schema(table)["properties"][key].items() if k in {"type", "enum"}}
    return Draft202012Validator(subschema)


@functools.cache
def _enum_errors(table: str, key: str, kind: type, value: object) -> tuple[str, ...]:
    return tuple(e.message for e in _field_validator(table, key).iter_errors(value))


@functools.cache
def _type_fits(table: str, key: str, kind: type) -> bool:
    return _field_validator(table, key).is_valid(_SAMPLES[kind])


_SAMPLES: dict[type, object] = {str: "", int: 0, float: 0.5, bool: True, type(None): None}


def field_errors(table: str, key: str, value: object) -> tuple[str, ...]:
    """What the official schema says about one value of one field (nothing if it is fine).

    Without an enum a field's subschema constrains only the type, so the verdict is
    remembered per type; a refused value is checked again itself for the message.
    """
    kind = type(value)
    if kind in _SAMPLES:
        if "enum" in schema(table)["properties"][key]:
            return _enum_errors(table, key, kind, value)
        if _type_fits(table, key, kind):
            return ()
    return tuple(e.message for e in _field_validator(table, key).iter_errors(value))


def check(
    table: str,
    where: Where,
    record: dict,
    *,
    warn_unknown: Callable[[str, Where, str], None],
    warn_missing: Callable[[str, Where, str], None],
    error: Callable[[Where, str, object, str], None],
) -> dict | None:
    """The record with unknown fields removed, or None if the schema refuses it.

    A missing id is an error; other required fields that real feeds leave out (a state in an
    address, a description of a taxonomy) are reported once per field, and the record kept.
    """
    properties = schema(table)["properties"]
    clean = {}
    ok = True
    for key, value in record.items():
        if key not in properties:
            warn_unknown(table, where, key)
            continue
        for message in field_errors(table, key, value):
            error(where, key, value, message)
            ok = False
        clean[key] = value
    for key in schema(table).get("required", []):
        if key == "name" and table in NAMED:
            continue  # the importer names or skips such records itself
        if clean.get(key) is None:
            if key == "id":
                error(where, key, "", _("required by HSDS but missing"))
                ok = False
            else:
                warn_missing(table, where, key)
    return clean if ok else None


def typed_csv_record(table: str, record: dict, error: Callable[[str, object, str], None]) -> dict:
    """Cells of the tabular form as JSON values: numbers where the package says number."""
    types = tabular_resources()[table].types
    typed = {}
    for key, value in record.items():
        if types.get(key) in {"number", "integer"}:
            try:
                number = float(value.replace(",", ".")) if "," in value else float(value)
            except ValueError:
                error(key, value, _("not a number"))
                continue
            typed[key] = int(number) if number.is_integer() else number
        else:
            typed[key] = value
    return typed


def plain_text(text: str) -> tuple[str, bool]:
    """Text without HTML markup (line breaks kept); and whether there was any."""
    if not TAG.search(text):
        return text, False
    text = BLOCK_END.sub("\n", text)
    text = LIST_ITEM.sub("- ", text)
    text = html.unescape(TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip(), True
