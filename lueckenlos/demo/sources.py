"""Reading the published Berlin files as they are: CSV with a BOM, GeoJSON in its own CRS.

Every value read here remembers where it came from, so that a bad one fails with the file,
the line (CSV) or feature (GeoJSON) and the field it sits in.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from lueckenlos.demo.errors import DemoDataError
from lueckenlos.lib.geo import (
    KNOWN_CRS,
    GeometryError,
    check_wgs84_point,
    crs_from_geojson,
    to_wgs84,
)


def is_digits(value: str) -> bool:
    """Only the digits 0-9: str.isdigit() also accepts "²", which int() refuses."""
    return value.isascii() and value.isdigit()


@dataclass(frozen=True)
class CsvRow:
    file: str
    line: int
    values: dict[str, str]

    def error(self, field: str, reason: str) -> DemoDataError:
        return DemoDataError(file=self.file, where=f"line {self.line}", field=field, reason=reason)

    def text(self, field: str) -> str:
        return (self.values.get(field) or "").strip()

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value:
            raise self.error(field, "the value is empty")
        return value

    def code(self, field: str, digits: int) -> str:
        """An identifier of exactly `digits` digits, kept as a string (leading zeros count)."""
        value = self.required(field)
        if len(value) != digits or not is_digits(value):
            raise self.error(field, f"{value!r} is not a {digits}-digit code")
        return value


@dataclass(frozen=True)
class GeoFeature:
    file: str
    index: int
    properties: dict[str, Any]
    geometry: dict[str, Any] | None

    def error(self, field: str, reason: str) -> DemoDataError:
        return DemoDataError(
            file=self.file, where=f"features[{self.index}]", field=field, reason=reason
        )

    def text(self, field: str) -> str:
        value = self.properties.get(field)
        return "" if value is None else str(value).strip()

    def required(self, field: str) -> str:
        value = self.text(field)
        if not value:
            raise self.error(field, "the value is empty")
        return value


def _open(data_dir: Path, relative: str) -> Path:
    path = data_dir / relative
    if not path.is_file():
        raise DemoDataError(
            file=relative, where="whole file", field="-", reason=f"not found in {data_dir}"
        )
    return path


def read_csv(
    data_dir: Path, relative: str, *, delimiter: str, columns: Iterable[str]
) -> list[CsvRow]:
    """The rows of a UTF-8 CSV (a BOM is dropped), refusing a file that lacks a column.

    Quoting is read strictly and every row must have as many fields as the header: a
    decimal comma in a comma-separated file shifts the columns after it, and a lenient
    reader would load the shifted values without a word.
    """
    path = _open(data_dir, relative)
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DemoDataError(
            file=relative,
            where=f"line {line}",
            field="-",
            reason=f"byte {raw[exc.start]:#04x} is not UTF-8 (the file must be saved as UTF-8)",
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        header = next(reader, [])
        for column in columns:
            if column not in header:
                raise DemoDataError(
                    file=relative, where="line 1", field=column, reason="the column is missing"
                )
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            # Line numbers as an editor shows them: the header is line 1.
            if len(values) != len(header):
                raise DemoDataError(
                    file=relative,
                    where=f"line {reader.line_num}",
                    field="-",
                    reason=f"{len(values)} fields where the header has {len(header)}",
                )
            rows.append(
                CsvRow(
                    file=relative,
                    line=reader.line_num,
                    values=dict(zip(header, values, strict=True)),
                )
            )
    except csv.Error as exc:
        raise DemoDataError(
            file=relative,
            where=f"line {reader.line_num}",
            field="-",
            reason=f"not well-formed CSV: {exc}",
        ) from exc
    return rows


def read_geojson(data_dir: Path, relative: str) -> tuple[int, list[GeoFeature]]:
    """The EPSG code a FeatureCollection declares and its features."""
    path = _open(data_dir, relative)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        epsg = crs_from_geojson(data)
        raw_features = data["features"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DemoDataError(
            file=relative, where="whole file", field="-", reason=f"not a GeoJSON file: {exc}"
        ) from exc
    if epsg not in KNOWN_CRS:
        raise DemoDataError(
            file=relative, where="whole file", field="crs", reason=f"unexpected CRS EPSG:{epsg}"
        )
    if not isinstance(raw_features, list):
        raise DemoDataError(
            file=relative, where="whole file", field="features", reason="is not a list"
        )
    return epsg, [_feature(relative, index, raw) for index, raw in enumerate(raw_features)]


def _feature(relative: str, index: int, raw: Any) -> GeoFeature:
    where = f"features[{index}]"
    if not isinstance(raw, dict):
        raise DemoDataError(
            file=relative,
            where=where,
            field="-",
            reason=f"{json.dumps(raw, ensure_ascii=False)[:60]} is not a feature object",
        )
    properties = raw.get("properties") or {}
    geometry = raw.get("geometry")
    if not isinstance(properties, dict):
        raise DemoDataError(
            file=relative, where=where, field="properties", reason="is not an object"
        )
    if geometry is not None and not isinstance(geometry, dict):
        raise DemoDataError(file=relative, where=where, field="geometry", reason="is not an object")
    return GeoFeature(file=relative, index=index, properties=properties, geometry=geometry)


def check_fields(instance: Model, source: CsvRow | GeoFeature, columns: Mapping[str, str]) -> None:
    """Check the fields of an unsaved instance that were read from the data, as a form would.

    bulk_create checks nothing, and a value too long for its column fails in the database
    (or, in SQLite, is stored) with no hint where it came from. `columns` maps the model
    fields to check to the source fields they were read from, so the error names the
    latter; fields the loader fills itself are left out, which keeps this cheap.
    """
    unchecked = {f.name for f in instance._meta.concrete_fields if f.name not in columns}
    try:
        instance.clean_fields(exclude=unchecked)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise source.error(columns[name], " ".join(messages)) from exc


def point_coordinates(feature: GeoFeature, epsg: int) -> tuple[float, float]:
    """The feature's point reprojected to WGS84 (lon, lat), or a DemoDataError saying why not."""
    geometry = feature.geometry
    if not geometry or geometry.get("type") != "Point":
        raise feature.error("geometry", "a point geometry is missing")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list | tuple) or len(coordinates) < 2:
        raise feature.error("geometry", f"coordinates {coordinates!r} are not a point")
    try:
        x, y = float(coordinates[0]), float(coordinates[1])
    except (TypeError, ValueError) as exc:
        raise feature.error("geometry", f"coordinates {coordinates[:2]!r} are not numbers") from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise feature.error("geometry", f"coordinates {coordinates[:2]!r} are not finite")
    lon, lat = to_wgs84(x, y, epsg)
    try:
        check_wgs84_point(lon, lat)
    except GeometryError as exc:
        raise feature.error("geometry", f"{exc} (read as EPSG:{epsg})") from exc
    return round(lon, 7), round(lat, 7)
