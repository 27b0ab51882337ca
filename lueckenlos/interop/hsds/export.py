"""Writing a Kommune's public offers as an HSDS 3.0 data package, in both of the spec's forms.

    DIR/json/organizations.ndjson   one full organization object per line
    DIR/json/services.ndjson        one fully nested service per line (as `services/{id}`)
    DIR/json/taxonomies.ndjson, DIR/json/taxonomy_terms.ndjson
    DIR/csv/datapackage.json        the official tabular data package description
    DIR/csv/<table>.csv             every table it names, in its column order

NDJSON is the spec's own streaming form (the API's `format=ndjson`): one object per line, so
that 100,000 offers are written and read without holding them in memory. Everything is
sorted by id and carries no timestamp, so the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service, ServiceAtLocation
from lueckenlos.interop.hsds import serialize
from lueckenlos.interop.hsds.schemas import HSDS_VERSION, datapackage, tabular_resources

CHUNK = 2_000
JSON_FILES = ("organizations", "services", "taxonomies", "taxonomy_terms")


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def public_services(kommune: Kommune):
    """The offers a Kommune publishes: its own and those of the Kommunen it contains."""
    return Service.objects.for_kommune(kommune, include_contained=True).active()


def _chunks(ids: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Tables:
    """One CSV writer per table of the tabular package; each row written once."""

    def __init__(self, directory: Path, stack: ExitStack):
        self.writers = {}
        self.seen: dict[str, set[str]] = {}
        self.counts: dict[str, int] = {}
        for name, resource in tabular_resources().items():
            handle = stack.enter_context(
                (directory / resource.path).open("w", encoding="utf-8", newline="")
            )
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(resource.fields)
            self.writers[name] = (writer, resource.fields)
            self.seen[name] = set()
            self.counts[name] = 0

    def write(self, name: str, records: Iterable[dict]) -> None:
        writer, fields = self.writers[name]
        seen = self.seen[name]
        for record in records:
            if record["id"] in seen:
                continue  # e.g. a phone of both an offer and its location
            seen.add(record["id"])
            writer.writerow([csv_value(record.get(f)) for f in fields])
            self.counts[name] += 1

    def write_all(self, tables: dict[str, list[dict]]) -> None:
        for name, records in tables.items():
            self.write(name, records)


def export_package(*, kommune: Kommune, out: Path | str) -> ExportReport:
    """Write the package of `kommune` into `out` (created if need be; files replaced)."""
    started = time.perf_counter()
    out = Path(out)
    (out / "json").mkdir(parents=True, exist_ok=True)
    (out / "csv").mkdir(parents=True, exist_ok=True)
    vocabularies = serialize.Vocabularies()
    services = public_services(kommune)
    service_ids = sorted(services.values_list("pk", flat=True), key=str)
    organization_ids = sorted(
        set(services.values_list("organization_id", flat=True).order_by()), key=str
    )
    location_ids = sorted(
        set(
            ServiceAtLocation.objects.filter(service__in=services)
            .values_list("location_id", flat=True)
            .order_by()
        ),
        key=str,
    )
    report = ExportReport()
    with ExitStack() as stack:
        tables = _Tables(out / "csv", stack)
        lines = {
            name: stack.enter_context(
                (out / "json" / f"{name}.ndjson").open("w", encoding="utf-8", newline="\n")
            )
            for name in JSON_FILES
        }
        lines["taxonomies"].writelines(json_line(t) for t in vocabularies.sorted_taxonomies())
        lines["taxonomy_terms"].writelines(json_line(t) for t in vocabularies.sorted_terms())
        tables.write("taxonomy", vocabularies.sorted_taxonomies())
        tables.write("taxonomy_term", vocabularies.sorted_terms())

        plain_organizations: dict[str, dict] = {}
        for chunk in _chunks(organization_ids):
            org_tables = serialize.organization_tables(chunk)
            tables.write_all(org_tables)
            for org in org_tables["organization"]:
                plain_organizations[org["id"]] = org
            lines["organizations"].writelines(
                json_line(o) for o in serialize.nest_organizations(org_tables)
            )
        for chunk in _chunks(location_ids):
            tables.write_all(serialize.location_tables(chunk))
        for chunk in _chunks(service_ids):
            service_tables = serialize.service_tables(chunk, vocabularies)
            tables.write_all(service_tables)
            used = sorted({s["location_id"] for s in service_tables["service_at_location"]})
            locations = serialize.nest_locations(
                serialize.location_tables([uuid.UUID(i) for i in used])
            )
            lines["services"].writelines(
                json_line(s)
                for s in serialize.nest_services(
                    service_tables, plain_organizations, locations, vocabularies
                )
            )
        report.counts = dict(tables.counts)
    _write_datapackage(out / "csv" / "datapackage.json", kommune)
    report.seconds = time.perf_counter() - started
    return report


def _write_datapackage(path: Path, kommune: Kommune) -> None:
    """The official package description, named for the Kommune; tables and columns as is."""
    package = dict(datapackage())
    package["name"] = f"lueckenlos-{kommune.slug}"
    package["title"] = f"{kommune.name}: Angebote (HSDS {HSDS_VERSION})"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
