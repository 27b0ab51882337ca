"""Importing a Kommune's address register (Hauskoordinaten) for geocoding without a third party.

Two forms are read: the official house-coordinates files (HK-DE: `;`-separated, STN street,
HNR number, ADZ suffix, PLZ, ONM/OTL locality, EAST/NORTH in ETRS89/UTM zone 32 or 33), and a
simple table of street, house number, postcode and longitude/latitude in WGS84. A re-import
replaces the Kommune's register in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.geocoding import metres_apart, normalise_house_number, normalise_street
from lueckenlos.areas.models import AddressPoint, Kommune
from lueckenlos.interop.geodata.columns import chosen_column, guess_column, parse_decimal
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError, Problem
from lueckenlos.interop.tabular import Row, Table
from lueckenlos.lib.geo import WGS84, GeometryError, check_wgs84_point, transformer

# What each value is called in HK-DE files and in tables people make, best guess first.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "street": ("STN", "Straße", "Strasse", "Straßenname", "street", "str"),
    "number": ("HNR", "Hausnummer", "Hausnr", "house_number", "housenumber", "number", "Nr"),
    "suffix": ("ADZ", "Hausnummernzusatz", "Zusatz", "suffix"),
    "postal_code": ("PLZ", "Postleitzahl", "postcode", "postal_code", "zip"),
    "locality": ("ONM", "Ort", "Ortsname", "Gemeinde", "city", "locality", "OTL", "Ortsteil"),
    "east": ("EAST", "Ostwert", "Rechtswert"),
    "north": ("NORTH", "Nordwert", "Hochwert"),
    "longitude": ("longitude", "lon", "lng", "Längengrad", "Laenge"),
    "latitude": ("latitude", "lat", "Breitengrad", "Breite"),
    "zone": ("UTM_ZONE", "Zone", "UTM"),
}
UTM_ZONES = {32: 25832, 33: 25833}
# HK-DE may write the zone in front of the easting: 33390387.4 is zone 33, easting 390387.4.
ZONE_PREFIXED_EASTING = 10_000_000
# The same address listed twice within this distance is one entry.
SAME_POINT_METRES = 1.0


@dataclass
class AddressImportReport:
    file: str
    imported: int = 0
    replaced: int = 0
    duplicates: int = 0
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Parsed:
    row: Row
    street: str
    number: str
    postal_code: str
    locality: str
    x: float
    y: float
    epsg: int


def address_columns(table: Table, chosen: dict[str, str] | None = None) -> dict[str, str]:
    """Which column holds what: the `chosen` ones (value name → column), the rest guessed."""
    chosen = chosen or {}
    unknown = sorted(set(chosen) - set(COLUMN_NAMES))
    if unknown:
        raise OptionError(
            _("--columns: unknown value(s) %(names)s; known are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(COLUMN_NAMES)}
        )
    found = {
        name: chosen_column(table.columns, column, option="--columns")
        for name, column in chosen.items()
    }
    for name, candidates in COLUMN_NAMES.items():
        if name not in found:
            guess = guess_column(table.columns, candidates)
            if guess is not None and guess not in found.values():
                found[name] = guess
    if "locality" in found and found["locality"] == found.get("street"):
        del found["locality"]
    missing = [name for name in ("street", "number") if name not in found]
    has_utm = "east" in found and "north" in found
    has_wgs84 = "longitude" in found and "latitude" in found
    if missing or not (has_utm or has_wgs84):
        raise OptionError(
            _(
                "%(file)s is no address register: it needs columns for street, house number "
                "and either EAST/NORTH (UTM) or longitude/latitude; its columns are: "
                "%(columns)s. Name them with --columns, e.g. street=Straße,number=Nr."
            )
            % {"file": table.filename, "columns": ", ".join(table.columns)}
        )
    if has_utm and has_wgs84:  # both given: the official projected ones
        del found["longitude"], found["latitude"]
    return found


def read_address_register(
    table: Table, columns: dict[str, str], *, utm_zone: int | None
) -> tuple[list[AddressPoint], int]:
    """The register's entries (unsaved, without Kommune) and how many duplicates were left
    out; raises ImportRejected listing every bad row."""
    if "east" in columns and utm_zone is None and "zone" not in columns:
        _check_zone_prefixes(table, columns["east"])
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    for row in table.rows:
        entry = _parse_row(table.filename, row, columns, utm_zone, problems)
        if entry is not None:
            parsed.append(entry)
    points = _reproject(table.filename, parsed, columns, problems)
    if problems:
        raise ImportRejected(problems)

    entries: list[AddressPoint] = []
    seen: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    duplicates = 0
    for entry, (lon, lat) in zip(parsed, points, strict=True):
        key = (normalise_street(entry.street), entry.number, entry.postal_code)
        earlier = seen.setdefault(key, [])
        if any(metres_apart((lon, lat), other) <= SAME_POINT_METRES for other in earlier):
            duplicates += 1
            continue
        earlier.append((lon, lat))
        entries.append(
            AddressPoint(
                street=entry.street,
                street_key=key[0],
                house_number=entry.number,
                postal_code=entry.postal_code,
                locality=entry.locality,
                longitude=round(lon, 7),
                latitude=round(lat, 7),
            )
        )
    return entries, duplicates


@transaction.atomic
def address_register_replace(
    *,
    kommune: Kommune,
    table: Table,
    columns: dict[str, str] | None = None,
    utm_zone: int | None = None,
    source: str = "",
) -> AddressImportReport:
    """Replace the Kommune's address register by the file's addresses: all or nothing."""
    found = address_columns(table, columns)
    entries, duplicates = read_address_register(table, found, utm_zone=utm_zone)
    source = source or table.filename
    for entry in entries:
        entry.kommune = kommune
        entry.source = source[:300]
    replaced, _by_model = AddressPoint.objects.for_kommune(kommune).delete()
    AddressPoint.objects.bulk_create(entries, batch_size=2000)
    return AddressImportReport(
        file=table.filename,
        imported=len(entries),
        replaced=replaced,
        duplicates=duplicates,
        columns=found,
    )


def _parse_row(
    filename: str,
    row: Row,
    columns: dict[str, str],
    utm_zone: int | None,
    problems: list[Problem],
) -> _Parsed | None:
    def problem(name: str, reason: str) -> None:
        column = columns.get(name, name)
        problems.append(Problem(filename, row.number, column, row.values.get(column, ""), reason))

    def value(name: str) -> str:
        return row.values.get(columns[name], "").strip() if name in columns else ""

    before = len(problems)
    street = value("street")
    if not street:
        problem("street", _("the street is missing."))
    raw_number = value("number") + value("suffix")
    number = normalise_house_number(raw_number)
    if not number:
        problem("number", _("the house number is missing."))
    for name, text, limit in (
        ("street", street, 200),
        ("number", number, 20),
        ("postal_code", value("postal_code"), 10),
        ("locality", value("locality"), 200),
    ):
        if len(text) > limit:
            problem(name, _("longer than %(limit)s characters.") % {"limit": limit})

    x = y = math.nan
    epsg = WGS84
    axes = ("east", "north") if "east" in columns else ("longitude", "latitude")
    for name in axes:
        try:
            number_value = parse_decimal(value(name))
        except ValueError:
            problem(name, _("not a coordinate."))
            continue
        if name == axes[0]:
            x = number_value
        else:
            y = number_value
    if "east" in columns and not math.isnan(x):
        # The zone: in front of the easting, else from its column, else from --utm-zone.
        zone, column = utm_zone, "zone"
        if x >= ZONE_PREFIXED_EASTING:
            zone, x, column = int(x // 1_000_000), x % 1_000_000, "east"
        elif "zone" in columns:
            zone = int(value("zone")) if value("zone").isdigit() else None
        if zone in UTM_ZONES:
            epsg = UTM_ZONES[zone]
        else:
            problem(column, _("the UTM zone must be 32 or 33."))
    if len(problems) > before:
        return None
    return _Parsed(
        row=row,
        street=street,
        number=number,
        postal_code=value("postal_code"),
        locality=value("locality"),
        x=x,
        y=y,
        epsg=epsg,
    )


def _check_zone_prefixes(table: Table, column: str) -> None:
    """Without --utm-zone or a zone column each easting must carry its zone (33390387.4)."""
    for row in table.rows:
        try:
            easting = parse_decimal(row.values.get(column, ""))
        except ValueError:
            continue  # reported with the row
        if easting < ZONE_PREFIXED_EASTING:
            raise OptionError(
                _(
                    "%(file)s gives EAST/NORTH without their UTM zone (row %(row)s: "
                    "“%(value)s”): give --utm-zone 32 or 33."
                )
                % {"file": table.filename, "row": row.number, "value": row.values[column]}
            )


def _reproject(
    filename: str, parsed: list[_Parsed], columns: dict[str, str], problems: list[Problem]
) -> list[tuple[float, float]]:
    """WGS84 (lon, lat) of every entry: one pyproj call per zone, not one per row."""
    points: list[tuple[float, float]] = [(0.0, 0.0)] * len(parsed)
    for epsg in {entry.epsg for entry in parsed}:
        indices = [i for i, entry in enumerate(parsed) if entry.epsg == epsg]
        xs = [parsed[i].x for i in indices]
        ys = [parsed[i].y for i in indices]
        if epsg != WGS84:
            xs, ys = transformer(epsg, WGS84).transform(xs, ys)
        for i, lon, lat in zip(indices, xs, ys, strict=True):
            points[i] = (float(lon), float(lat))
    axis = columns.get("east", columns.get("longitude", ""))
    for entry, (lon, lat) in zip(parsed, points, strict=True):
        try:
            check_wgs84_point(lon, lat)
        except GeometryError as exc:
            problems.append(
                Problem(filename, entry.row.number, axis, entry.row.values.get(axis, ""), str(exc))
            )
    return points
