"""Berlin and its twelve Bezirke as Kommunen, their LOR areas and their population.

Each Bezirk runs its own youth office, so each is a Kommune of its own with the hierarchy
Prognoseraum → Bezirksregion → Planungsraum (LOR 2021); Berlin contains them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from shapely.geometry.base import BaseGeometry

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.areas.services import areas_bulk_create, kommune_set_boundary
from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.sources import (
    CsvRow,
    GeoFeature,
    check_fields,
    is_digits,
    read_csv,
    read_geojson,
)
from lueckenlos.lib.geo import (
    GERMANY_BOUNDS,
    WGS84,
    GeometryError,
    geojson_from_geometry,
    geometry_from_geojson,
    reproject,
)

HIERARCHY_FILE = "areas/LOR_2021.csv"
BEZIRKE_FILE = "areas/bezirksgrenzen.geojson"
BEZIRKSREGIONEN_FILE = "areas/lor_bezirksregionen_2021_wgs84.geojson"
PLANUNGSRAEUME_FILE = "areas/lor_planungsraeume_2021_wgs84.geojson"
POPULATION_FILE = "statistics/einwohnerbestand_06-2022_plr.csv"

LOR_VALID_FROM = dt.date(2021, 1, 1)
POPULATION_DATE = dt.date(2022, 6, 30)
POPULATION_SOURCE = (
    "Einwohnerregisterstatistik Berlin, Stand 30.06.2022, Amt für Statistik Berlin-Brandenburg"
)
# The statistics office writes an en dash where it withholds a small number.
SUPPRESSED = "–"
SUPPRESSED_REASON = "vom Amt für Statistik geheim gehalten"
# Distances to a Bezirk's boundary are measured in the CRS the point data comes in.
METRIC_EPSG = 25833

# The levels of the LOR hierarchy, largest first: (name, plural).
LEVELS = [
    ("Prognoseraum", "Prognoseräume"),
    ("Bezirksregion", "Bezirksregionen"),
    ("Planungsraum", "Planungsräume"),
]

# Berlin's age bands as the population file names its columns; ages in months, the upper
# bound exclusive, None open-ended.
AGE_BANDS = [
    ("Gesamt", "Gesamt", 0, None, True),
    ("unter6", "unter 6 Jahre", 0, 72, False),
    ("6-15", "6 bis unter 15 Jahre", 72, 180, False),
    ("15-18", "15 bis unter 18 Jahre", 180, 216, False),
    ("18-27", "18 bis unter 27 Jahre", 216, 324, False),
    ("27-45", "27 bis unter 45 Jahre", 324, 540, False),
    ("45-55", "45 bis unter 55 Jahre", 540, 660, False),
    ("55-65", "55 bis unter 65 Jahre", 660, 780, False),
    ("65undmehr", "65 Jahre und älter", 780, None, False),
]

ATTRIBUTION = (
    "Grenzen und Lebensweltlich orientierte Räume (LOR 2021): Geoportal Berlin / FIS-Broker, "
    "Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen; Einwohnerbestand 30.06.2022: "
    "Amt für Statistik Berlin-Brandenburg; Kitas, Jugendfreizeiteinrichtungen, Schulen: "
    "Senatsverwaltung für Bildung, Jugend und Familie über daten.berlin.de; Monitoring "
    "Soziale Stadtentwicklung 2021: SenSBW. Lizenz: Datenlizenz Deutschland – Namensnennung "
    "2.0 bzw. CC BY. Beispielangebote sind erfunden und als „(Beispiel)“ gekennzeichnet."
)


# The texts a Kommune sets for its imprint and privacy pages; the demo's are invented and say so.
DEMO_IMPRINT = (
    "Dies ist eine Demonstration der Software lueckenlos mit offenen Daten des Landes Berlin.\n"
    "Sie ist kein Angebot des Landes Berlin oder eines Bezirks.\n\n"
    "Im Betrieb steht hier das Impressum der Kommune: Name und Anschrift der Behörde, "
    "vertretungsberechtigte Person, Kontakt und Aufsichtsbehörde."
)
DEMO_PRIVACY = (
    "Dies ist eine Demonstration. Im Betrieb steht hier die Datenschutzerklärung der Kommune "
    "mit der verantwortlichen Stelle und der oder dem Datenschutzbeauftragten.\n\n"
    "Das Portal speichert nichts über Sie: keine Cookies, keine Nutzungsprofile, keine "
    "Suchanfragen mit Personenbezug."
)


def bezirk_slug(name: str) -> str:
    """Slugs as Berlin writes them in its own addresses (ba-neukoelln): umlauts spelt out."""
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, spelt).replace(umlaut.upper(), spelt.capitalize())
    return slugify(name)


@dataclass(frozen=True)
class LorRow:
    """One Planungsraum of the LOR hierarchy with the areas above it."""

    row: CsvRow
    plr: str
    plr_name: str
    bzr: str
    bzr_name: str
    pgr: str
    pgr_name: str
    bezirk: str
    bezirk_name: str


@dataclass
class Bezirk:
    """A Bezirk being loaded: its Kommune, boundary and Planungsräume by code."""

    code: str
    name: str
    kommune: Kommune
    boundary: BaseGeometry
    boundary_metric: BaseGeometry
    planungsraeume: dict[str, Area] = field(default_factory=dict)
    plr_geometries: dict[str, BaseGeometry] = field(default_factory=dict)


def read_hierarchy(data_dir: Path) -> list[LorRow]:
    """The LOR 2021 hierarchy, checked: codes nest (PLR 8 digits → BZR 6 → PGR 4 → Bezirk 2)."""
    rows = read_csv(
        data_dir,
        HIERARCHY_FILE,
        delimiter=",",
        columns=[
            "Planungsraum (Nummer)",
            "Planungsraum (Name)",
            "Bezirksregion (Nummer)",
            "Bezirksregion (Name)",
            "Prognoseraum (Nummer)",
            "Prognoseraum (Name)",
            "Bezirk",
        ],
    )
    result: list[LorRow] = []
    seen: dict[str, int] = {}
    bezirk_names: dict[str, str] = {}
    for row in rows:
        plr = row.code("Planungsraum (Nummer)", 8)
        bzr = row.code("Bezirksregion (Nummer)", 6)
        pgr = row.code("Prognoseraum (Nummer)", 4)
        if plr in seen:
            raise row.error("Planungsraum (Nummer)", f"{plr} already on line {seen[plr]}")
        seen[plr] = row.line
        if not plr.startswith(bzr):
            raise row.error("Bezirksregion (Nummer)", f"{bzr} does not contain Planungsraum {plr}")
        if not bzr.startswith(pgr):
            raise row.error("Prognoseraum (Nummer)", f"{pgr} does not contain Bezirksregion {bzr}")
        bezirk_name = row.required("Bezirk")
        bezirk = plr[:2]
        if bezirk_names.setdefault(bezirk, bezirk_name) != bezirk_name:
            raise row.error(
                "Bezirk", f"{bezirk_name!r}, but Bezirk {bezirk} is {bezirk_names[bezirk]!r}"
            )
        result.append(
            LorRow(
                row=row,
                plr=plr,
                plr_name=row.required("Planungsraum (Name)"),
                bzr=bzr,
                bzr_name=row.required("Bezirksregion (Name)"),
                pgr=pgr,
                pgr_name=row.required("Prognoseraum (Name)"),
                bezirk=bezirk,
                bezirk_name=bezirk_name,
            )
        )
    return result


def _polygon(feature: GeoFeature, epsg: int) -> BaseGeometry:
    """The feature's area boundary in WGS84, reprojected from the file's CRS."""
    try:
        geometry = geometry_from_geojson(feature.geometry or {})
    except GeometryError as exc:
        raise feature.error("geometry", str(exc)) from exc
    if geometry.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
        raise feature.error("geometry", f"a {geometry.geom_type} is not an area boundary")
    geometry = reproject(geometry, epsg, WGS84)
    # Projected coordinates in a file without a `crs` member read as degrees far outside
    # Germany; the area tables would take them without complaint.
    west, south, east, north = GERMANY_BOUNDS
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (west <= min_lon and max_lon <= east and south <= min_lat and max_lat <= north):
        raise feature.error(
            "geometry",
            f"the boundary lies outside Germany (read as EPSG:{epsg}; "
            "a projected file needs its `crs` member)",
        )
    return geometry


def _boundaries_by_code(
    data_dir: Path, relative: str, id_field: str, digits: int, known: set[str]
) -> dict[str, tuple[dict, BaseGeometry]]:
    """Each area's boundary by code: as GeoJSON in WGS84 and as parsed geometry."""
    epsg, features = read_geojson(data_dir, relative)
    boundaries: dict[str, tuple[dict, BaseGeometry]] = {}
    for feature in features:
        code = feature.required(id_field)
        if len(code) != digits or not is_digits(code):
            raise feature.error(id_field, f"{code!r} is not a {digits}-digit code")
        if code not in known:
            raise feature.error(id_field, f"{code} is not in {HIERARCHY_FILE}")
        if code in boundaries:
            raise feature.error(id_field, f"a second boundary for {code}")
        geometry = _polygon(feature, epsg)
        # The published GeoJSON as it is, unless it had to be reprojected.
        published = (feature.geometry or {}) if epsg == WGS84 else geojson_from_geometry(geometry)
        boundaries[code] = (published, geometry)
    return boundaries


def _missing_boundary(relative: str, id_field: str, code: str, row: CsvRow) -> DemoDataError:
    return DemoDataError(
        file=relative,
        where="whole file",
        field=id_field,
        reason=f"no boundary for {code} (named in {row.file} line {row.line})",
    )


def create_kommunen(
    data_dir: Path, hierarchy: list[LorRow], bezirk_codes: list[str]
) -> tuple[Kommune, list[Bezirk]]:
    """Berlin, the selected Bezirke with their boundaries, and each Bezirk's LOR areas."""
    names = {row.bezirk: row.bezirk_name for row in hierarchy}
    epsg, features = read_geojson(data_dir, BEZIRKE_FILE)
    bezirk_boundaries: dict[str, BaseGeometry] = {}
    codes_by_name = {name: code for code, name in names.items()}
    for feature in features:
        name = feature.required("name")
        if name not in codes_by_name:
            raise feature.error("name", f"{name!r} is no Bezirk of {HIERARCHY_FILE}")
        if codes_by_name[name] in bezirk_boundaries:
            raise feature.error("name", f"a second boundary for {name!r}")
        bezirk_boundaries[codes_by_name[name]] = _polygon(feature, epsg)
    for code in bezirk_codes:
        if code not in bezirk_boundaries:
            raise DemoDataError(
                file=BEZIRKE_FILE,
                where="whole file",
                field="name",
                reason=f"no boundary for Bezirk {names[code]!r}",
            )

    berlin = Kommune(
        imprint=DEMO_IMPRINT,
        privacy_notice=DEMO_PRIVACY,
        name="Berlin",
        slug="berlin",
        kind=Kommune.Kind.CITY,
        official_code="11000000",
        youth_office="Senatsverwaltung für Bildung, Jugend und Familie (Landesjugendamt)",
        attribution=ATTRIBUTION,
    )
    berlin.full_clean()
    berlin.save()
    kommune_set_boundary(
        kommune=berlin,
        boundary=geojson_from_geometry(shapely.union_all(list(bezirk_boundaries.values()))),
    )

    first_rows: dict[str, CsvRow] = {}
    for row in hierarchy:
        first_rows.setdefault(row.bezirk, row.row)
    bezirke = []
    for code in bezirk_codes:
        kommune = Kommune(
            imprint=DEMO_IMPRINT,
            privacy_notice=DEMO_PRIVACY,
            name=names[code],
            slug=bezirk_slug(names[code]),
            kind=Kommune.Kind.DISTRICT,
            parent=berlin,
            official_code=code,
            youth_office=f"Jugendamt {names[code]}",
            attribution=ATTRIBUTION,
        )
        try:
            kommune.full_clean()
        except ValidationError as exc:
            # Name, slug and youth office all derive from the Bezirk's name.
            raise first_rows[code].error("Bezirk", " ".join(exc.messages)) from exc
        kommune.save()
        boundary = bezirk_boundaries[code]
        kommune_set_boundary(kommune=kommune, boundary=geojson_from_geometry(boundary))
        boundary_metric = reproject(boundary, WGS84, METRIC_EPSG)
        shapely.prepare(boundary_metric)
        bezirke.append(
            Bezirk(
                code=code,
                name=names[code],
                kommune=kommune,
                boundary=boundary,
                boundary_metric=boundary_metric,
            )
        )
    _create_areas(data_dir, hierarchy, bezirke)
    return berlin, bezirke


def _create_areas(data_dir: Path, hierarchy: list[LorRow], bezirke: list[Bezirk]) -> None:
    selected = {b.code for b in bezirke}
    rows = [row for row in hierarchy if row.bezirk in selected]
    plr_boundaries = _boundaries_by_code(
        data_dir, PLANUNGSRAEUME_FILE, "PLR_ID", 8, {row.plr for row in hierarchy}
    )
    bzr_boundaries = _boundaries_by_code(
        data_dir, BEZIRKSREGIONEN_FILE, "BZR_ID", 6, {row.bzr for row in hierarchy}
    )
    for row in rows:
        if row.plr not in plr_boundaries:
            raise _missing_boundary(PLANUNGSRAEUME_FILE, "PLR_ID", row.plr, row.row)
        if row.bzr not in bzr_boundaries:
            raise _missing_boundary(BEZIRKSREGIONEN_FILE, "BZR_ID", row.bzr, row.row)

    # Level by level over all Bezirke, top down: each bulk insert gives the next its parents.
    levels = AreaLevel.objects.bulk_create(
        AreaLevel(kommune=bezirk.kommune, name=name, name_plural=plural, depth=depth)
        for bezirk in bezirke
        for depth, (name, plural) in enumerate(LEVELS)
    )
    level = {(lv.kommune_id, lv.depth): lv for lv in levels}
    bezirk_of = {bezirk.code: bezirk for bezirk in bezirke}

    def area(row: LorRow, depth: int, code: str, name: str, parent, boundary: dict) -> Area:
        kommune = bezirk_of[row.bezirk].kommune
        new = Area(
            kommune=kommune,
            level=level[kommune.pk, depth],
            parent=parent,
            code=code,
            name=name,
            boundary=boundary,
            valid_from=LOR_VALID_FROM,
        )
        # areas_bulk_create checks only the hierarchy: lengths here, with the column.
        level_name = LEVELS[depth][0]
        columns = {"code": f"{level_name} (Nummer)", "name": f"{level_name} (Name)"}
        check_fields(new, row.row, columns)
        return new

    prognoseraeume: dict[str, Area] = {}
    for row in rows:
        if row.pgr not in prognoseraeume:
            # The LOR publish no Prognoseraum boundaries: they are the union of their
            # Bezirksregionen, which tile them by definition.
            union = shapely.union_all(
                [
                    bzr_boundaries[bzr][1]
                    for bzr in sorted({r.bzr for r in rows if r.pgr == row.pgr})
                ]
            )
            prognoseraeume[row.pgr] = area(
                row, 0, row.pgr, row.pgr_name, None, geojson_from_geometry(union)
            )
    areas_bulk_create(areas=list(prognoseraeume.values()))

    bezirksregionen: dict[str, Area] = {}
    for row in rows:
        if row.bzr not in bezirksregionen:
            bezirksregionen[row.bzr] = area(
                row, 1, row.bzr, row.bzr_name, prognoseraeume[row.pgr], bzr_boundaries[row.bzr][0]
            )
    areas_bulk_create(areas=list(bezirksregionen.values()))

    planungsraeume = [
        area(row, 2, row.plr, row.plr_name, bezirksregionen[row.bzr], plr_boundaries[row.plr][0])
        for row in rows
    ]
    areas_bulk_create(areas=planungsraeume)
    for row, plr in zip(rows, planungsraeume, strict=True):
        bezirk = bezirk_of[row.bezirk]
        bezirk.planungsraeume[row.plr] = plr
        bezirk.plr_geometries[row.plr] = plr_boundaries[row.plr][1]


def rows_by_planungsraum(
    rows: Iterable[CsvRow], column: str, known: set[str], areas: dict[str, Area]
) -> Iterator[tuple[CsvRow, Area]]:
    """Each statistics row with its Planungsraum; rows of Bezirke not being loaded are skipped.

    A Planungsraum missing from the LOR hierarchy or given twice in one file is an error:
    either would silently drop or overwrite a value.
    """
    seen: dict[str, int] = {}
    for row in rows:
        plr = row.code(column, 8)
        if plr not in known:
            raise row.error(column, f"Planungsraum {plr} is not in {HIERARCHY_FILE}")
        if plr in seen:
            raise row.error(column, f"Planungsraum {plr} already on line {seen[plr]}")
        seen[plr] = row.line
        area = areas.get(plr)
        if area is not None:
            yield row, area


def load_population(data_dir: Path, hierarchy: list[LorRow], bezirke: list[Bezirk]) -> int:
    """Berlin's age bands per Bezirk and the population of each Planungsraum; the count."""
    columns = [code for code, *_rest in AGE_BANDS]
    rows = read_csv(data_dir, POPULATION_FILE, delimiter=";", columns=[*columns, "PLR-ID"])
    known = {row.plr for row in hierarchy}
    areas = {code: area for b in bezirke for code, area in b.planungsraeume.items()}
    bands = AgeBand.objects.bulk_create(
        AgeBand(
            kommune=bezirk.kommune,
            code=code,
            label=label,
            min_age_months=low,
            max_age_months=high,
            is_total=is_total,
        )
        for bezirk in bezirke
        for code, label, low, high, is_total in AGE_BANDS
    )
    band_of = {(band.kommune_id, band.code): band for band in bands}

    counts: list[PopulationCount] = []
    for row, area in rows_by_planungsraum(rows, "PLR-ID", known, areas):
        for column in columns:
            raw = row.text(column)
            if raw == SUPPRESSED:
                count, reason = None, SUPPRESSED_REASON
            elif is_digits(raw):
                count, reason = int(raw), ""
            else:
                raise row.error(
                    column,
                    f"{raw!r} is neither a whole number nor the suppression mark {SUPPRESSED!r}",
                )
            population = PopulationCount(
                area=area,
                age_band=band_of[area.kommune_id, column],
                reference_date=POPULATION_DATE,
                count=count,
                missing_reason=reason,
                source=POPULATION_SOURCE,
            )
            check_fields(population, row, {"count": column})
            counts.append(population)
    PopulationCount.objects.bulk_create(counts, batch_size=1000)
    return len(counts)
