"""Reading HSDS packages from other systems: a folder or a .zip, in JSON or in tabular form.

JSON form: `*.json` files holding one object, an array of objects or an API page (its
`contents`), and `*.ndjson` files with one object per line; the object type comes from the
file's or its folder's name (`services.ndjson`, `services/1.json`, `service_list.json`).
Tabular form: the CSV files a `datapackage.json` names, or the spec's file names.
Records come out chunk by chunk, so a package of any size is read in bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from lueckenlos.interop.hsds.schemas import tabular_resources

# Object type of a JSON file by the name of the file or its folder (singular or plural).
JSON_TYPES = {
    "taxonomy": "taxonomy",
    "taxonomies": "taxonomy",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_terms": "taxonomy_term",
    "organization": "organization",
    "organizations": "organization",
    "location": "location",
    "locations": "location",
    "service": "service",
    "services": "service",
    "service_at_location": "service_at_location",
    "service_at_locations": "service_at_location",
}
# Vocabularies first, then providers, places, offers: what others refer to comes first.
JSON_ORDER = [
    "taxonomy",
    "taxonomy_term",
    "organization",
    "location",
    "service",
    "service_at_location",
]
CHUNK = 1_000


class PackageError(Exception):
    """The package cannot be read at all; str() names the file and the reason."""


@dataclass(frozen=True)
class Where:
    """Where a record was found, for messages: file, row or line, path inside the object."""

    file: str
    row: int
    path: str = ""

    def nested(self, path: str) -> Where:
        return Where(self.file, self.row, f"{self.path}.{path}" if self.path else path)


Record = tuple[Where, dict]


class Package:
    """The files of a package in a folder or a .zip, by their path inside it."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if self.path.is_dir():
            self._zip = None
            self.names = sorted(
                str(p.relative_to(self.path).as_posix())
                for p in self.path.rglob("*")
                if p.is_file()
            )
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            self.names = sorted(n for n in self._zip.namelist() if not n.endswith("/"))
        elif self.path.exists():
            raise PackageError(
                _("%(file)s: neither a folder nor a ZIP file.") % {"file": self.path.name}
            )
        else:
            raise PackageError(_("%(file)s does not exist.") % {"file": str(self.path)})

    def open_text(self, name: str) -> io.TextIOBase:
        if self._zip is not None:
            return io.TextIOWrapper(self._zip.open(name), encoding="utf-8-sig", newline="")
        return (self.path / name).open(encoding="utf-8-sig", newline="")

    def json_files(self) -> list[tuple[str, str]]:
        """(file, object type) of the JSON form, in the order to import them."""
        found = []
        for name in self.names:
            path = PurePosixPath(name)
            if path.suffix not in {".json", ".ndjson"} or path.name == "datapackage.json":
                continue
            stem = path.stem.removesuffix("_list").removesuffix("_full")
            kind = JSON_TYPES.get(stem) or JSON_TYPES.get(path.parent.name)
            if kind is not None:
                found.append((name, kind))
        return sorted(found, key=lambda item: (JSON_ORDER.index(item[1]), item[0]))

    def csv_files(self) -> dict[str, str]:
        """Tabular form: object type -> file, from datapackage.json or the spec's names."""
        by_path = {r.path: r.name for r in tabular_resources().values()}
        found = {}
        for name in self.names:
            path = PurePosixPath(name)
            if path.suffix == ".csv" and path.name in by_path:
                found[by_path[path.name]] = name
        return found

    def json_objects(self, name: str) -> Iterator[Record]:
        """The top-level objects of one JSON or NDJSON file, with where each was found."""
        with self.open_text(name) as handle:
            if name.endswith(".ndjson"):
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield Where(name, number), _object(_parse(line, name, number), name, number)
                return
            data = _parse(handle.read(), name, None)
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            data = data["contents"]  # a page of the HSDS API
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items, start=1):
            yield Where(name, number), _object(item, name, number)

    def csv_rows(self, name: str) -> Iterator[Record]:
        """Rows of one CSV file as dicts of the non-empty cells; row 1 is the header."""
        with self.open_text(name) as handle:
            reader = csv.DictReader(handle)
            try:
                for number, row in enumerate(reader, start=2):
                    values = {k.strip(): v for k, v in row.items() if k and v not in (None, "")}
                    if values:
                        yield Where(name, number), values
            except csv.Error as exc:
                raise PackageError(
                    _("%(file)s, row %(row)s: not readable as CSV (%(reason)s).")
                    % {"file": name, "row": reader.line_num, "reason": exc}
                ) from exc


def _parse(text: str, name: str, line: int | None) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(
            _("%(file)s, line %(line)s, column %(column)s: not valid JSON (%(reason)s).")
            % {
                "file": name,
                "line": line if line is not None else exc.lineno,
                "column": exc.colno,
                "reason": exc.msg,
            }
        ) from exc


def _object(item: object, name: str, number: int) -> dict:
    if not isinstance(item, dict):
        raise PackageError(
            _("%(file)s, record %(row)s: expected a JSON object, found %(found)s.")
            % {"file": name, "row": number, "found": type(item).__name__}
        )
    return item


def chunks(records: Iterator[Record], size: int = CHUNK) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
