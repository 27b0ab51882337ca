"""Reading the published Berlin files as they are: CSV with a BOM, GeoJSON in its own CRS.

Every value read here remembers where it came from, so that a bad one fails with the file,
the line (CSV) or feature (GeoJSON) and the field it sits in.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lueckenlos.demo.errors import DemoDataError
from lueckenlos.lib.geo import (
    KNOWN_CRS,
    GeometryError,
    check_wgs84_point,
    crs_from_geojson,
    to_wgs84,
)


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
        if len(value) != digits or not value.isdigit():
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
    """The rows of a UTF-8 CSV (a BOM is dropped), refusing a file that lacks a column."""
    path = _open(data_dir, relative)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = reader.fieldnames or []
        for column in columns:
            if column not in header:
                raise DemoDataError(
                    file=relative, where="line 1", field=column, reason="the column is missing"
                )
        # Line numbers as an editor shows them: the header is line 1.
        return [
            CsvRow(file=relative, line=reader.line_num, values=row)
            for row in reader
            if any((value or "").strip() for value in row.values())
        ]


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
    features = [
        GeoFeature(
            file=relative,
            index=index,
            properties=feature.get("properties") or {},
            geometry=feature.get("geometry"),
        )
        for index, feature in enumerate(raw_features)
    ]
    return epsg, features


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
