"""Importing a Kommune's areas: boundaries from GeoJSON, the hierarchy from a table.

A GeoJSON file holds the areas of one level (code, name and optionally the parent's code in
properties; any CRS common in Germany). A CSV/XLSX hierarchy table such as Berlin's
LOR_2021.csv holds one row per smallest area with the codes and names of every level above
it. Areas are matched by code within one vintage (valid from): a re-import updates what
changed and leaves equal areas alone. All or nothing; every bad row or feature is reported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.areas.services import area_save, areas_bulk_create
from lueckenlos.interop.geodata.columns import chosen_column, guess_column, title_key
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError, Problem
from lueckenlos.interop.geodata.geojson import Feature
from lueckenlos.interop.tabular import Table
from lueckenlos.lib.geo import (
    GERMANY_BOUNDS,
    WGS84,
    GeometryError,
    geojson_from_geometry,
    geometry_from_geojson,
    reproject,
)

CODE_NAMES = ("code", "id", "schluessel", "schlüssel", "key", "nummer", "nr", "ags", "ars")
NAME_NAMES = ("name", "bezeichnung", "gen", "titel")
PARENT_NAMES = ("parent", "parent_code", "parent_id", "uebergeordnet", "übergeordnet", "eltern")
# How a hierarchy table names the code and the name of a level "Planungsraum":
# "Planungsraum (Nummer)", "Planungsraum Name", "Planungsraum".
LEVEL_CODE_SUFFIXES = ("nummer", "nr", "code", "id", "schluessel", "key")
LEVEL_NAME_SUFFIXES = ("name", "bezeichnung", "")
BOUNDARY_TYPES = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class LevelColumns:
    level: str
    code: str
    name: str


@dataclass(frozen=True)
class AreaRecord:
    """One area as the file gives it."""

    row: int
    level: str
    code: str
    name: str
    # None: the file does not say (a boundary file); "": a top-level area.
    parent_code: str | None
    code_column: str
    name_column: str
    parent_column: str = ""
    boundary: dict | None = None  # GeoJSON in WGS84; None: the file has no boundary for it
    feature: bool = False


@dataclass
class AreaImportReport:
    file: str
    created: Counter = field(default_factory=Counter)  # by level name
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    levels_created: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------ Reading


def records_from_features(
    filename: str,
    epsg: int,
    features: list[Feature],
    *,
    level: str,
    code_field: str | None = None,
    name_field: str | None = None,
    parent_field: str | None = None,
    only: dict[str, str] | None = None,
) -> list[AreaRecord]:
    """The areas of a GeoJSON boundary file, reprojected to WGS84."""
    properties = list(dict.fromkeys(key for f in features for key in f.properties))
    code_field = _property(properties, code_field, CODE_NAMES, "id", option="--code-field")
    name_field = _property(properties, name_field, NAME_NAMES, "name", option="--name-field")
    if parent_field:
        parent_field = chosen_column(properties, parent_field, option="--parent-field")
    else:
        parent_field = guess_column(properties, PARENT_NAMES)
    only = {chosen_column(properties, k, option="--only"): v for k, v in (only or {}).items()}

    problems: list[Problem] = []
    records = []
    for feature in features:
        if any(feature.properties.get(k, "") != v for k, v in only.items()):
            continue
        try:
            boundary = _boundary(feature, epsg)
        except GeometryError as exc:
            value = json.dumps(feature.geometry)[:60] if feature.geometry else ""
            problems.append(Problem(filename, feature.number, "geometry", value, str(exc), True))
            continue
        records.append(
            AreaRecord(
                row=feature.number,
                level=level,
                code=feature.properties.get(code_field, ""),
                name=feature.properties.get(name_field, ""),
                parent_code=feature.properties.get(parent_field, "") if parent_field else None,
                code_column=code_field,
                name_column=name_field,
                parent_column=parent_field or "",
                boundary=boundary,
                feature=True,
            )
        )
    if problems:
        raise ImportRejected(problems)
    return records


def _property(
    properties: list[str], chosen: str | None, names: tuple[str, ...], suffix: str, *, option: str
) -> str:
    if chosen:
        return chosen_column(properties, chosen, option=option)
    found = guess_column(properties, names) or next(
        (p for p in properties if title_key(p).endswith(suffix)), None
    )
    if found is None:
        raise OptionError(
            _("%(option)s: which property holds it? The features have: %(properties)s.")
            % {"option": option, "properties": ", ".join(properties)}
        )
    return found


def _boundary(feature: Feature, epsg: int) -> dict:
    geometry = feature.geometry
    kind = geometry.get("type") if geometry else None
    if kind not in BOUNDARY_TYPES:
        raise GeometryError(
            _("an area boundary must be a Polygon or MultiPolygon, not %(type)s.")
            % {"type": kind or "–"}
        )
    geom = reproject(geometry_from_geojson(geometry), epsg, WGS84)
    west, south, east, north = GERMANY_BOUNDS
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (west <= min_lon and max_lon <= east and south <= min_lat and max_lat <= north):
        raise GeometryError(
            _(
                "the boundary lies outside Germany when read as EPSG:%(code)s; a file in "
                "another coordinate reference system must name it in a “crs” member."
            )
            % {"code": epsg}
        )
    # Published WGS84 boundaries are stored as they are (area_save rounds them), so that a
    # re-import compares like with like.
    return geometry if epsg == WGS84 else geojson_from_geometry(geom)


def level_columns(table: Table, levels: list[str]) -> list[LevelColumns]:
    """Each level's code and name columns: given as "Level=code column:name column", or
    found by the level's name ("Planungsraum (Nummer)", "Planungsraum (Name)")."""
    found = []
    for spec in levels:
        name, _sep, columns = spec.partition("=")
        name = name.strip()
        if columns:
            code_column, _sep, name_column = columns.partition(":")
            code_column = chosen_column(table.columns, code_column.strip(), option="--level")
            name_column = chosen_column(
                table.columns, (name_column or code_column).strip(), option="--level"
            )
        else:
            code_column = _level_column(table.columns, name, LEVEL_CODE_SUFFIXES)
            name_column = _level_column(table.columns, name, LEVEL_NAME_SUFFIXES)
            if code_column is None or name_column is None:
                raise OptionError(
                    _(
                        "--level %(level)s: no columns for its code and name found among "
                        "%(columns)s; give them as --level "
                        "“%(level)s=code column:name column”."
                    )
                    % {"level": name, "columns": ", ".join(table.columns)}
                )
        found.append(LevelColumns(name, code_column, name_column))
    return found


def _level_column(columns: list[str], level: str, suffixes: tuple[str, ...]) -> str | None:
    prefix = title_key(level)
    for suffix in suffixes:
        for column in columns:
            if title_key(column) == prefix + suffix:
                return column
    return None


def records_from_table(
    table: Table, levels: list[LevelColumns], *, only: dict[str, str] | None = None
) -> list[AreaRecord]:
    """The areas of a hierarchy table, largest level first; repeats of a larger area merge."""
    only = {chosen_column(table.columns, k, option="--only"): v for k, v in (only or {}).items()}
    records = []
    for row in table.rows:
        if any(row.values.get(k, "") != v for k, v in only.items()):
            continue
        parent_code: str | None = None
        for level in levels:
            code = row.values.get(level.code, "")
            records.append(
                AreaRecord(
                    row=row.number,
                    level=level.level,
                    code=code,
                    name=row.values.get(level.name, ""),
                    parent_code=parent_code,
                    code_column=level.code,
                    name_column=level.name,
                    parent_column=levels[levels.index(level) - 1].code if parent_code else "",
                )
            )
            parent_code = code
    return records


# ----------------------------------------------------------------------------- Applying


@transaction.atomic
def areas_import(
    *,
    kommune: Kommune,
    filename: str,
    records: list[AreaRecord],
    levels: list[str],
    valid_from: dt.date | None = None,
    level_plurals: dict[str, str] | None = None,
) -> AreaImportReport:
    """Create or update the Kommune's areas from the records, top level first."""
    report = AreaImportReport(file=filename)
    problems: list[Problem] = []

    def problem(record: AreaRecord, column: str, value: str, reason: str) -> None:
        problems.append(Problem(filename, record.row, column, value, reason, record.feature))

    vintage = Area.objects.for_kommune(kommune).select_related("level")
    vintage = (
        vintage.filter(valid_from=valid_from)
        if valid_from
        else vintage.filter(valid_from__isnull=True)
    )
    existing = {area.code: area for area in vintage}
    other_vintages = dict(
        Area.objects.for_kommune(kommune)
        .exclude(pk__in=[a.pk for a in existing.values()])
        .values_list("code", "valid_from")
    )
    level_of = _levels(kommune, levels, records, existing, level_plurals or {}, report)

    # One record per code: repeats of a larger area in a hierarchy table must agree.
    by_code: dict[str, AreaRecord] = {}
    for record in records:
        if not _check_record(record, problem):
            continue
        if valid_from is None and record.code in other_vintages and record.code not in existing:
            problem(
                record,
                record.code_column,
                record.code,
                _(
                    "an area with this code exists with validity from %(date)s: give "
                    "--valid-from to say which vintage this file is."
                )
                % {"date": other_vintages[record.code] or "–"},
            )
            continue
        earlier = by_code.get(record.code)
        if earlier is None:
            by_code[record.code] = record
        elif record.feature or record.level == levels[-1] or not _same(earlier, record):
            problem(
                record,
                record.code_column,
                record.code,
                _("the code is already given in row %(row)s.") % {"row": earlier.row},
            )

    depth = {name: level.depth for name, level in level_of.items()}
    for record in by_code.values():
        area = existing.get(record.code)
        if area is not None and area.level_id != level_of[record.level].pk:
            problem(
                record,
                record.code_column,
                record.code,
                _("the area exists on the level “%(level)s”, not on “%(wanted)s”.")
                % {"level": area.level.name, "wanted": record.level},
            )
        if record.parent_code:
            parent_depth = (
                depth[by_code[record.parent_code].level]
                if record.parent_code in by_code
                else existing[record.parent_code].level.depth
                if record.parent_code in existing
                else None
            )
            if parent_depth is None:
                problem(
                    record,
                    record.parent_column,
                    record.parent_code,
                    _("no area has this parent code."),
                )
            elif parent_depth >= depth[record.level]:
                problem(
                    record,
                    record.parent_column,
                    record.parent_code,
                    _("the parent area is not on a higher level."),
                )
        elif depth[record.level] > 0 and record.parent_code == "":
            problem(
                record,
                record.parent_column,
                "",
                _("an area on the level “%(level)s” needs the code of its parent area.")
                % {"level": record.level},
            )
        elif depth[record.level] > 0 and area is None:
            problem(
                record,
                record.code_column,
                record.code,
                _(
                    "a new area on the level “%(level)s” needs the code of its parent area; "
                    "the file gives none (name its property with --parent-field)."
                )
                % {"level": record.level},
            )
    if problems:
        raise ImportRejected(problems)

    parents_changed = _apply(by_code, existing, level_of, valid_from, kommune, report, problem)
    if problems:
        raise ImportRejected(problems)
    if parents_changed:
        _refresh_paths(kommune, valid_from)
    return report


def _check_record(record: AreaRecord, problem) -> bool:
    ok = True
    if not record.code:
        problem(record, record.code_column, "", _("the code is missing."))
        ok = False
    elif len(record.code) > 40 or "/" in record.code or any(c.isspace() for c in record.code):
        problem(
            record,
            record.code_column,
            record.code,
            _("a code has at most 40 characters, without slashes or spaces."),
        )
        ok = False
    if not record.name:
        problem(record, record.name_column, "", _("the name is missing."))
        ok = False
    elif len(record.name) > 200:
        problem(record, record.name_column, record.name, _("longer than 200 characters."))
        ok = False
    return ok


def _same(a: AreaRecord, b: AreaRecord) -> bool:
    return (a.level, a.name, a.parent_code) == (b.level, b.name, b.parent_code)


def _levels(
    kommune: Kommune,
    names: list[str],
    records: list[AreaRecord],
    existing: dict[str, Area],
    plurals: dict[str, str],
    report: AreaImportReport,
) -> dict[str, AreaLevel]:
    """The named levels, new ones created below the one before them (or below the level of
    the parents the file names, or at the top)."""
    known = {level.name: level for level in AreaLevel.objects.for_kommune(kommune)}
    by_depth = {level.depth: level for level in known.values()}
    result: dict[str, AreaLevel] = {}
    previous_depth: int | None = None
    for name in names:
        level = known.get(name)
        if level is None:
            if previous_depth is None:
                parent_depths = [
                    existing[r.parent_code].level.depth
                    for r in records
                    if r.level == name and r.parent_code and r.parent_code in existing
                ]
                depth = max(parent_depths) + 1 if parent_depths else 0
            else:
                depth = previous_depth + 1
            if depth in by_depth:
                raise OptionError(
                    _(
                        "--level %(level)s: %(kommune)s has no level of this name, and its "
                        "level at depth %(depth)s is “%(other)s”. Its levels are: %(levels)s."
                    )
                    % {
                        "level": name,
                        "kommune": kommune.name,
                        "depth": depth,
                        "other": by_depth[depth].name,
                        "levels": ", ".join(sorted(known, key=lambda n: known[n].depth)),
                    }
                )
            level = AreaLevel(
                kommune=kommune, name=name, name_plural=plurals.get(name, ""), depth=depth
            )
            level.full_clean()
            level.save()
            known[name] = by_depth[depth] = level
            report.levels_created.append(name)
        elif previous_depth is not None and level.depth <= previous_depth:
            raise OptionError(_("--level: give the levels from the largest to the smallest areas."))
        result[name] = level
        previous_depth = level.depth
    return result


def _stored_form(boundary: dict) -> dict:
    """The boundary as area_save stores it, to tell a changed boundary from an equal one."""
    return json.loads(json.dumps(geojson_from_geometry(geometry_from_geojson(boundary))))


def _apply(
    by_code: dict[str, AreaRecord],
    existing: dict[str, Area],
    level_of: dict[str, AreaLevel],
    valid_from: dt.date | None,
    kommune: Kommune,
    report: AreaImportReport,
    problem,
) -> bool:
    """Create and update level by level, top down; whether any area changed its parent."""
    areas = dict(existing)
    parents_changed = False
    for level in sorted(level_of.values(), key=lambda lv: lv.depth):
        new: list[tuple[AreaRecord, Area]] = []
        for record in (r for r in by_code.values() if r.level == level.name):
            parent = areas[record.parent_code] if record.parent_code else None
            area = existing.get(record.code)
            if area is None:
                area = Area(
                    kommune=kommune,
                    level=level,
                    parent=parent,
                    code=record.code,
                    name=record.name,
                    boundary=record.boundary,
                    valid_from=valid_from,
                )
                try:
                    area.clean_fields(exclude=["kommune", "level", "parent", "path", "boundary"])
                except ValidationError as exc:
                    problem(record, record.code_column, record.code, " ".join(exc.messages))
                    continue
                new.append((record, area))
                continue
            changed = area.name != record.name
            area.name = record.name
            if record.parent_code is not None and area.parent_id != (parent and parent.pk):
                area.parent = parent
                changed = parents_changed = True
            if record.boundary is not None and (
                area.boundary is None or _stored_form(record.boundary) != area.boundary
            ):
                area.boundary = record.boundary
                changed = True
            if changed:
                try:
                    area_save(area=area)
                except ValidationError as exc:
                    problem(record, record.code_column, record.code, " ".join(exc.messages))
                    continue
                report.updated[level.name] += 1
            else:
                report.unchanged += 1
        try:
            created = areas_bulk_create(areas=[area for _record, area in new])
        except ValidationError as exc:
            for record, _area in new:
                problem(record, record.code_column, record.code, " ".join(exc.messages))
            return parents_changed
        for (record, _record_area), area in zip(new, created, strict=True):
            areas[record.code] = area
        report.created[level.name] += len(created)
    return parents_changed


def _refresh_paths(kommune: Kommune, valid_from: dt.date | None) -> None:
    """Paths below an area that moved to another parent follow it (area_save sets them)."""
    areas = (
        Area.objects.for_kommune(kommune)
        .filter(valid_from=valid_from)
        .select_related("level", "parent")
        .defer("boundary", "parent__boundary")
        .order_by("level__depth")
    )
    saved: dict[int, Area] = {}
    for area in areas:
        if area.parent_id in saved:
            area.parent = saved[area.parent_id]
        expected = f"{area.parent.path if area.parent else ''}{area.code}/"
        if area.path != expected:
            saved[area.pk] = area_save(area=area)
