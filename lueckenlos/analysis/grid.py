"""Importing the census population grid (Zensus 2022, 100 m cells, EPSG:3035).

The file is the one the census office publishes (`GITTER_ID_100m;x_mp_100m;y_mp_100m;
Einwohner`, semicolon-separated): one row per populated cell, its centre in metres, and its
inhabitants. A withheld count ("–", "-1", "." …) is kept as missing, never as 0. Each cell
is placed in the smallest of the Kommune's areas that contains its centre; cells outside
the Kommune (the files cover a whole state or country) are left out and counted. A row
that cannot be read rejects the whole file; a new import replaces the Kommune's grid, all
or nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.analysis.cache import touch
from lueckenlos.analysis.models import GRID_EPSG, GridCell, PopulationGrid
from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index
from lueckenlos.interop.geodata.columns import chosen_column, guess_column, parse_decimal
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError, Problem
from lueckenlos.interop.tabular import Table
from lueckenlos.lib.bulk import insert
from lueckenlos.lib.geo import (
    BOUNDARY_TOLERANCE_M,
    WGS84,
    geometry_from_geojson,
    reproject,
    transformer,
)

CELL_SIZE_M = 100
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "cell": ("GITTER_ID_100m", "Gitter_ID", "GITTER_ID", "cell_id", "id"),
    "x": ("x_mp_100m", "x_mp", "x"),
    "y": ("y_mp_100m", "y_mp", "y"),
    "inhabitants": ("Einwohner", "Einwohnerzahl", "Insgesamt_Bevoelkerung", "inhabitants"),
}
# What the census office writes for a count it withholds or lacks.
WITHHELD_MARKERS = ("–", "—", "-", "-1", ".", "x", "X", "*", "/")
# "CRS3035RES100mN2689100E4337000": resolution, then the cell's south-west corner.
CELL_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")
# Germany in EPSG:3035 with a wide margin; outside, the columns are surely something else.
X_RANGE = (3_900_000, 4_800_000)
Y_RANGE = (2_600_000, 3_700_000)


@dataclass
class GridImportReport:
    file: str
    columns: dict[str, str] = field(default_factory=dict)
    cells: int = 0
    inhabitants: int = 0
    withheld: int = 0
    outside: int = 0  # cells outside the Kommune, left out
    outside_areas: int = 0  # cells inside the Kommune's boundary but in none of its areas
    replaced: int = 0  # cells of the grid imported before


def grid_columns(table: Table, chosen: dict[str, str] | None = None) -> dict[str, str]:
    """Which column holds what: the `chosen` ones (value → column), the rest by their names."""
    chosen = chosen or {}
    found = {
        name: chosen_column(table.columns, column, option="--columns")
        for name, column in chosen.items()
    }
    for name, candidates in COLUMN_NAMES.items():
        if name not in found:
            guess = guess_column(table.columns, candidates)
            if guess is None:
                raise OptionError(
                    _(
                        "%(file)s: no column for “%(name)s” (expected one of %(names)s); "
                        "its columns are: %(columns)s."
                    )
                    % {
                        "file": table.filename,
                        "name": name,
                        "names": ", ".join(candidates[:2]),
                        "columns": ", ".join(table.columns),
                    }
                )
            found[name] = guess
    return found


def _parse_inhabitants(text: str) -> tuple[int | None, str]:
    """(count, marker); ValueError for anything but a whole number or a withheld mark."""
    text = text.strip()
    if text == "":
        return None, ""
    if text in WITHHELD_MARKERS:
        return None, text
    if not text.isdigit():
        raise ValueError(text)
    return int(text), ""


def _parse_coordinate(text: str) -> int:
    value = parse_decimal(text)
    if not math.isfinite(value) or value != round(value):
        raise ValueError(text)
    return int(round(value))


def _withheld_reason(marker: str) -> str:
    if not marker:
        return _("no value in the file")
    return _("withheld by the census office (marked “%(marker)s”)") % {"marker": marker}


@transaction.atomic
def grid_import(
    *,
    kommune: Kommune,
    table: Table,
    source: str = "",
    columns: dict[str, str] | None = None,
) -> GridImportReport:
    """Replace the Kommune's population grid with the file's cells inside the Kommune."""
    chosen = grid_columns(table, columns)
    report = GridImportReport(file=table.filename, columns=chosen)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    ids: list[str] = []
    xs: list[int] = []
    ys: list[int] = []
    counts: list[int | None] = []
    markers: list[str] = []

    def problem(row: int, name: str, value: str, reason: str) -> None:
        problems.append(Problem(table.filename, row, chosen[name], value, reason))

    for row in table.rows:
        values = {name: row.values[column] for name, column in chosen.items()}
        cell = values["cell"]
        ok = True
        if not cell:
            problem(row.number, "cell", cell, _("the cell has no identifier."))
            ok = False
        elif cell in seen:
            problem(
                row.number,
                "cell",
                cell,
                _("the same cell is already in row %(row)s.") % {"row": seen[cell]},
            )
            ok = False
        coordinates = []
        for name, (low, high) in (("x", X_RANGE), ("y", Y_RANGE)):
            try:
                value = _parse_coordinate(values[name])
            except ValueError:
                problem(
                    row.number,
                    name,
                    values[name],
                    _("not a whole number of metres (EPSG:3035)."),
                )
                ok = False
                continue
            if not low <= value <= high:
                problem(
                    row.number,
                    name,
                    values[name],
                    _(
                        "lies outside Germany in EPSG:3035 (%(low)s to %(high)s): is this "
                        "the right column?"
                    )
                    % {"low": low, "high": high},
                )
                ok = False
            coordinates.append(value)
        match = CELL_ID.match(cell)
        if ok and match:
            size, north, east = (int(part) for part in match.groups())
            if size != CELL_SIZE_M:
                problem(
                    row.number,
                    "cell",
                    cell,
                    _("a cell of %(size)s m; this import takes the 100 m grid.") % {"size": size},
                )
                ok = False
            elif (east + size // 2, north + size // 2) != tuple(coordinates):
                problem(
                    row.number,
                    "cell",
                    cell,
                    _("the cell's centre is %(x)s, %(y)s, not the coordinates given.")
                    % {"x": east + size // 2, "y": north + size // 2},
                )
                ok = False
        try:
            count, marker = _parse_inhabitants(values["inhabitants"])
        except ValueError:
            problem(
                row.number,
                "inhabitants",
                values["inhabitants"],
                _("neither a whole number nor a mark of a withheld value (%(markers)s).")
                % {"markers": " ".join(WITHHELD_MARKERS)},
            )
            ok = False
        if not ok:
            continue
        seen[cell] = row.number
        ids.append(cell[:40])
        xs.append(coordinates[0])
        ys.append(coordinates[1])
        counts.append(count)
        markers.append(marker)
    if problems:
        raise ImportRejected(problems)

    area_of = _place(kommune, np.array(xs, dtype=float), np.array(ys, dtype=float), report)
    report.replaced, _deleted = GridCell.objects.filter(kommune=kommune).delete()
    rows = []
    for i, area_id in enumerate(area_of):
        if area_id == OUTSIDE:
            continue
        rows.append(
            {
                "kommune_id": kommune.pk,
                "cell_id": ids[i],
                "x": xs[i],
                "y": ys[i],
                "inhabitants": counts[i],
                "missing_reason": _withheld_reason(markers[i]) if counts[i] is None else "",
                "area_id": area_id,
            }
        )
        report.cells += 1
        if counts[i] is None:
            report.withheld += 1
        else:
            report.inhabitants += counts[i]
    insert(GridCell, rows)
    PopulationGrid.objects.update_or_create(
        kommune=kommune,
        defaults={
            "source": (source or table.filename)[:300],
            "cell_size_m": CELL_SIZE_M,
            "cells": report.cells,
            "inhabitants": report.inhabitants,
            "withheld_cells": report.withheld,
        },
    )
    touch([kommune.pk])
    return report


OUTSIDE = -1


def _place(kommune: Kommune, xs: np.ndarray, ys: np.ndarray, report: GridImportReport) -> list:
    """Per cell: the smallest area containing its centre; None inside the Kommune's
    boundary but in no area; OUTSIDE beyond the boundary (or beyond all areas, for a
    Kommune without a boundary of its own)."""
    index = area_index(kommune)
    boundary = geometry_from_geojson(kommune.boundary) if kommune.boundary else None
    if not len(index) and boundary is None:
        raise OptionError(
            _(
                "%(kommune)s has neither areas with boundaries nor a boundary of its own: "
                "import its areas first, so that the cells can be placed."
            )
            % {"kommune": kommune.name}
        )
    if not len(xs):
        return []
    lons, lats = transformer(GRID_EPSG, WGS84).transform(xs, ys)
    result: list = [OUTSIDE] * len(xs)
    # A state-wide file holds millions of cells: only those near the Kommune are looked at.
    if boundary is not None:
        near = reproject(boundary, WGS84, GRID_EPSG).buffer(BOUNDARY_TOLERANCE_M)
        candidates = np.flatnonzero(shapely.contains_xy(near, xs, ys))
    else:
        candidates = np.arange(len(xs))
    found = index.locate_many([(lons[i], lats[i]) for i in candidates]) if len(index) else []
    for position, i in enumerate(candidates):
        area_id = found[position] if len(index) else None
        if area_id is not None:
            result[i] = area_id
        elif boundary is not None:
            result[i] = None
            report.outside_areas += 1
    report.outside = sum(1 for value in result if value == OUTSIDE)
    return result
