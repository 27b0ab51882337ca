"""A one-Bezirk copy of the packaged Berlin data, for fast loads and for breaking on purpose.

The copy keeps each file's format (BOM, delimiter, CRS member) and only the rows and
features of one Bezirk, so the loader reads it exactly as it reads the real thing.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from lueckenlos.demo.loader import DEFAULT_DATA_DIR

# Friedrichshain-Kreuzberg: 36 Planungsräume, and Kita Hausburg, whose coordinates lie
# just across the border in Pankow.
BEZIRK = "02"
BEZIRK_NAME = "Friedrichshain-Kreuzberg"

# (file, delimiter, column holding a PLR id) for the CSV files.
CSV_FILES = [
    ("areas/LOR_2021.csv", ",", "Planungsraum (Nummer)"),
    ("statistics/einwohnerbestand_06-2022_plr.csv", ";", "PLR-ID"),
    ("statistics/mss_2021_index_indikatoren.csv", ",", "PLR_ID"),
    ("statistics/mss_2021_kontext_indikatoren.csv", ",", "PLR_ID"),
]
# (file, what keeps a feature) for the GeoJSON files.
GEOJSON_FILES: list[tuple[str, Callable[[dict], bool]]] = [
    ("areas/bezirksgrenzen.geojson", lambda p: p["name"] == BEZIRK_NAME),
    ("areas/lor_planungsraeume_2021_wgs84.geojson", lambda p: p["PLR_ID"].startswith(BEZIRK)),
    ("areas/lor_bezirksregionen_2021_wgs84.geojson", lambda p: p["BZR_ID"].startswith(BEZIRK)),
    ("raw/kindertagesstaetten.geojson", lambda p: p["e_bez_nr"] == BEZIRK),
    ("raw/jugendfreizeiteinrichtungen.geojson", lambda p: p["e_bez_nr"] == BEZIRK),
    ("raw/schulen.geojson", lambda p: p["bezirk"] == BEZIRK_NAME),
]


def make_small_copy(target: Path) -> Path:
    for relative, delimiter, plr_column in CSV_FILES:
        edit_csv(
            DEFAULT_DATA_DIR / relative,
            target / relative,
            delimiter,
            lambda rows, column=plr_column: [r for r in rows if r[column].startswith(BEZIRK)],
        )
    for relative, keep in GEOJSON_FILES:
        data = json.loads((DEFAULT_DATA_DIR / relative).read_text(encoding="utf-8"))
        data["features"] = [f for f in data["features"] if keep(f["properties"])]
        write_geojson(target / relative, data)
    return target


def copy_of(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_geojson(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def edit_csv(
    source: Path,
    target: Path,
    delimiter: str,
    change: Callable[[list[dict[str, str]]], list[dict[str, str]]],
) -> None:
    """Rewrite a CSV through `change`, keeping its BOM and delimiter."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    rows = change(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
