"""The official HSDS 3.0 schemas, vendored in ./schema, compiled once per process.

Everything that needs the specification reads it from here: the export takes its CSV columns
from the tabular package (`datapackage.json`), the import and the tests validate with the
JSON schemas, whose `$ref`s to each other are resolved from the same folder, never over the
network.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# A base address only for resolving the schemas' relative `$ref`s ("phone.json") among the
# local files; nothing is ever fetched from it.
BASE_URI = "https://hsds.invalid/3.0/schema/"
HSDS_VERSION = "3.0"


@functools.cache
def schema(name: str) -> dict:
    """The JSON schema of one HSDS object ("service", "taxonomy_term" ...)."""
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name in {"openapi.json", "datapackage.json"}:
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE_URI + path.name, Resource(contents, specification=DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str, *, check_formats: bool = False) -> Draft202012Validator:
    """A Draft 2020-12 validator of one object's schema, with its references resolved locally.

    The schemas declare no `$schema`; 2020-12 is what HSDS 3.0 documents. `check_formats`
    also asserts `format` (uuid, email, date-time ...), which the export promises to meet.
    """
    root = dict(schema(name), **{"$id": BASE_URI + f"{name}.json"})
    return Draft202012Validator(
        root,
        registry=_registry(),
        format_checker=FormatChecker() if check_formats else None,
    )


@dataclass(frozen=True)
class TabularResource:
    """One table of the tabular form: its CSV file, columns in order and required columns."""

    name: str
    path: str
    fields: tuple[str, ...]
    required: frozenset[str]
    types: dict[str, str]


@functools.cache
def datapackage() -> dict:
    return json.loads((SCHEMA_DIR / "datapackage.json").read_text(encoding="utf-8"))


@functools.cache
def tabular_resources() -> dict[str, TabularResource]:
    """The tables of the official tabular data package, by object name, in file order."""
    found = {}
    for resource in datapackage()["resources"]:
        fields = resource["schema"]["fields"]
        found[resource["name"]] = TabularResource(
            name=resource["name"],
            path=resource["path"],
            fields=tuple(f["name"] for f in fields),
            required=frozenset(
                f["name"] for f in fields if f.get("constraints", {}).get("required")
            ),
            types={f["name"]: f.get("type", "string") for f in fields},
        )
    return found


@functools.cache
def openapi() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
