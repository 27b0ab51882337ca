"""Bad input stops the demo load with file, row and field, and leaves nothing behind."""

from __future__ import annotations

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import mapping

from lueckenlos.areas.models import Area, Kommune, PopulationCount
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.kommunen import METRIC_EPSG, bezirk_slug
from lueckenlos.demo.loader import load_demo
from lueckenlos.demo.tests.smalldata import BEZIRK_NAME, edit_csv, read_geojson, write_geojson
from lueckenlos.lib.geo import (
    BOUNDARY_TOLERANCE_M,
    WGS84,
    distance_outside_m,
    geometry_from_geojson,
    reproject,
    to_wgs84,
)
from lueckenlos.monitoring.models import IndicatorValue

POPULATION = "statistics/einwohnerbestand_06-2022_plr.csv"
KITAS = "raw/kindertagesstaetten.geojson"


def assert_nothing_loaded():
    # All or nothing: the error comes after Kommunen, areas and statistics were written.
    assert Kommune.objects.count() == 0
    assert Area.objects.count() == 0
    assert PopulationCount.objects.count() == 0
    assert IndicatorValue.objects.count() == 0
    assert Organization.objects.count() == 0
    assert Service.objects.count() == 0
    assert Location.objects.count() == 0


def change_csv(data_dir, relative, delimiter, change):
    path = data_dir / relative
    edit_csv(path, path, delimiter, change)


def change_feature(data_dir, relative, index, change):
    path = data_dir / relative
    data = read_geojson(path)
    change(data["features"][index])
    write_geojson(path, data)


def load_fails(data_dir) -> DemoDataError:
    with pytest.raises(DemoDataError) as caught:
        load_demo(data_dir=data_dir)
    assert_nothing_loaded()
    return caught.value


@pytest.mark.django_db
def test_a_non_numeric_coordinate_names_the_feature(own_copy):
    change_feature(own_copy, KITAS, 3, lambda f: f["geometry"].update(coordinates=["x", 5820383.1]))
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (KITAS, "features[3]", "geometry")
    assert "not numbers" in error.reason
    assert str(error).startswith(f"{KITAS}, features[3], field 'geometry': ")


@pytest.mark.django_db
def test_a_missing_coordinate_names_the_feature(own_copy):
    change_feature(own_copy, KITAS, 0, lambda f: f.update(geometry=None))
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (KITAS, "features[0]", "geometry")
    assert "missing" in error.reason


@pytest.mark.django_db
def test_a_site_outside_its_bezirk_is_refused(own_copy):
    # 10 km west of a Friedrichshain Kita lies in Charlottenburg: far beyond the tolerance.
    def move_west(feature):
        x, y = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [x - 10_000, y]

    change_feature(own_copy, KITAS, 5, move_west)
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (KITAS, "features[5]", "geometry")
    assert "outside the Kommune Friedrichshain-Kreuzberg" in error.reason


@pytest.mark.django_db
def test_an_unknown_plr_id_in_the_population_names_the_line(own_copy):
    def unknown_id(rows):
        rows[2]["PLR-ID"] = "02999999"
        return rows

    change_csv(own_copy, POPULATION, ";", unknown_id)
    error = load_fails(own_copy)
    # Header is line 1, so the third data row is line 4.
    assert (error.file, error.where, error.field) == (POPULATION, "line 4", "PLR-ID")
    assert "02999999" in error.reason


@pytest.mark.django_db
def test_a_plr_id_that_lost_its_leading_zero_is_refused(own_copy):
    def spreadsheet_damage(rows):
        rows[0]["PLR-ID"] = rows[0]["PLR-ID"].lstrip("0")
        return rows

    change_csv(own_copy, POPULATION, ";", spreadsheet_damage)
    error = load_fails(own_copy)
    assert (error.where, error.field) == ("line 2", "PLR-ID")
    assert "8-digit" in error.reason


@pytest.mark.django_db
def test_a_non_numeric_population_value_names_line_and_column(own_copy):
    def typo(rows):
        rows[1]["unter6"] = "12a"
        return rows

    change_csv(own_copy, POPULATION, ";", typo)
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (POPULATION, "line 3", "unter6")
    assert "'12a'" in error.reason


@pytest.mark.django_db
def test_a_planungsraum_boundary_outside_the_hierarchy_is_refused(own_copy):
    relative = "areas/lor_planungsraeume_2021_wgs84.geojson"
    change_feature(own_copy, relative, 7, lambda f: f["properties"].update(PLR_ID="02999999"))
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (relative, "features[7]", "PLR_ID")


@pytest.mark.django_db
def test_an_unknown_school_type_is_refused(own_copy):
    relative = "raw/schulen.geojson"
    change_feature(own_copy, relative, 2, lambda f: f["properties"].update(schulart="Zauberschule"))
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (relative, "features[2]", "schulart")
    assert "no classification rule" in error.reason


@pytest.mark.django_db
def test_a_non_numeric_indicator_value_names_line_and_column(own_copy):
    relative = "statistics/mss_2021_index_indikatoren.csv"

    def typo(rows):
        rows[0]["S4"] = "19,4"
        return rows

    change_csv(own_copy, relative, ",", typo)
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (relative, "line 2", "S4")


@pytest.mark.django_db
def test_a_missing_file_is_named(own_copy):
    (own_copy / POPULATION).unlink()
    error = load_fails(own_copy)
    assert error.file == POPULATION
    assert "not found" in error.reason


@pytest.mark.django_db
def test_the_command_prints_the_error_and_fails(own_copy):
    change_feature(own_copy, KITAS, 3, lambda f: f["geometry"].update(coordinates=[None, None]))
    with pytest.raises(CommandError) as caught:
        call_command("demo", "--no-serve", "--data-dir", str(own_copy))
    assert f"{KITAS}, features[3], field 'geometry'" in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert_nothing_loaded()


HIERARCHY = "areas/LOR_2021.csv"
MSS_INDEX = "statistics/mss_2021_index_indikatoren.csv"
MSS_CONTEXT = "statistics/mss_2021_kontext_indikatoren.csv"
BEZIRKE = "areas/bezirksgrenzen.geojson"
SCHOOLS = "raw/schulen.geojson"


def put_bytes(data_dir, relative, delimiter, line, column, raw: bytes):
    """Write `raw` as it is into one cell: what a spreadsheet or another encoding leaves."""

    def mark(rows):
        rows[line - 2][column] = "MARK"
        return rows

    change_csv(data_dir, relative, delimiter, mark)
    path = data_dir / relative
    path.write_bytes(path.read_bytes().replace(b"MARK", raw))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relative", "delimiter", "column"),
    [(POPULATION, ";", "PLR-ID"), (MSS_INDEX, ",", "PLR_ID"), (MSS_CONTEXT, ",", "PLR_ID")],
)
def test_a_planungsraum_twice_in_the_statistics_names_both_lines(
    own_copy, relative, delimiter, column
):
    def repeat_first_row(rows):
        return [rows[0], rows[1], dict(rows[0]), *rows[2:]]

    change_csv(own_copy, relative, delimiter, repeat_first_row)
    error = load_fails(own_copy)
    # The second occurrence is the error; the first one is named in the reason. Before,
    # this reached the database as a bare IntegrityError.
    assert (error.file, error.where, error.field) == (relative, "line 4", column)
    assert error.reason.endswith("already on line 2")


@pytest.mark.django_db
def test_a_csv_that_is_not_utf8_names_the_line(own_copy):
    # "ä" as Latin-1 or Windows-1252 writes it: the file was saved by a spreadsheet.
    put_bytes(own_copy, MSS_INDEX, ",", 5, "PLR_NAME", b"Gr\xe4fekiez")
    error = load_fails(own_copy)
    assert (error.file, error.where) == (MSS_INDEX, "line 5")
    assert "0xe4 is not UTF-8" in error.reason


@pytest.mark.django_db
def test_broken_quoting_names_the_line(own_copy):
    put_bytes(own_copy, POPULATION, ";", 3, "unter6", b'"12"3')
    error = load_fails(own_copy)
    assert (error.file, error.where) == (POPULATION, "line 3")
    assert "not well-formed CSV" in error.reason


@pytest.mark.django_db
def test_a_row_with_a_field_too_many_names_the_line(own_copy):
    # A decimal comma in a comma-separated file: every value after it shifts one column.
    put_bytes(own_copy, MSS_INDEX, ",", 4, "S4", b"19,4")
    error = load_fails(own_copy)
    assert (error.file, error.where) == (MSS_INDEX, "line 4")
    assert "31 fields where the header has 30" in error.reason


@pytest.mark.django_db
@pytest.mark.parametrize("entry", [None, 42, "Feature"])
def test_a_feature_that_is_no_object_names_its_index(own_copy, entry):
    path = own_copy / KITAS
    data = read_geojson(path)
    data["features"][4] = entry
    write_geojson(path, data)
    error = load_fails(own_copy)
    assert (error.file, error.where) == (KITAS, "features[4]")
    assert "is not a feature object" in error.reason


@pytest.mark.django_db
def test_a_planungsraum_name_too_long_names_the_line(own_copy):
    def long_name(rows):
        rows[3]["Planungsraum (Name)"] = "x" * 300
        return rows

    change_csv(own_copy, HIERARCHY, ",", long_name)
    error = load_fails(own_copy)
    # SQLite would store the 300 characters; PostgreSQL would fail with a bare DataError.
    assert (error.file, error.where, error.field) == (HIERARCHY, "line 5", "Planungsraum (Name)")
    assert "200" in error.reason
    assert "300" in error.reason


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relative", "index", "field", "value", "limit"),
    [
        (KITAS, 6, "e_name", "K" * 301, "300"),
        (KITAS, 6, "t_name", "T" * 301, "300"),
        (KITAS, 6, "e_plz", "10997 Berlin", "10"),
        (SCHOOLS, 2, "fax", "030 " + "1" * 60, "50"),
    ],
)
def test_a_value_too_long_for_the_catalogue_names_the_property(
    own_copy, relative, index, field, value, limit
):
    change_feature(own_copy, relative, index, lambda f: f["properties"].update({field: value}))
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (relative, f"features[{index}]", field)
    assert limit in error.reason


@pytest.mark.django_db
def test_a_population_count_beyond_any_integer_column_names_line_and_column(own_copy):
    def too_many(rows):
        # 10^19 needs 65 bits: no database stores it (PostgreSQL's integer stops at 2^31).
        rows[0]["Gesamt"] = "1" + "0" * 19
        return rows

    change_csv(own_copy, POPULATION, ";", too_many)
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (POPULATION, "line 2", "Gesamt")


@pytest.mark.django_db
def test_bezirk_boundaries_in_a_projected_crs_are_reprojected(own_copy, small_data):
    path = own_copy / BEZIRKE
    data = read_geojson(path)
    for feature in data["features"]:
        geometry = reproject(geometry_from_geojson(feature["geometry"]), WGS84, 25833)
        feature["geometry"] = mapping(geometry)
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}}
    write_geojson(path, data)

    load_demo(data_dir=own_copy)
    stored = geometry_from_geojson(Kommune.objects.get(slug=bezirk_slug(BEZIRK_NAME)).boundary)
    published = geometry_from_geojson(read_geojson(small_data / BEZIRKE)["features"][0]["geometry"])
    # Before, the metres were stored as degrees. Back in WGS84 they differ by rounding only.
    assert stored.hausdorff_distance(published) < 1e-6


@pytest.mark.django_db
def test_projected_bezirk_boundaries_without_their_crs_are_refused(own_copy):
    path = own_copy / BEZIRKE
    data = read_geojson(path)
    geometry = reproject(geometry_from_geojson(data["features"][0]["geometry"]), WGS84, 25833)
    data["features"][0]["geometry"] = mapping(geometry)
    write_geojson(path, data)
    error = load_fails(own_copy)
    assert (error.file, error.where, error.field) == (BEZIRKE, "features[0]", "geometry")
    assert "outside Germany" in error.reason


@pytest.mark.django_db
@pytest.mark.parametrize("beyond", [-30, 30])
def test_the_loader_applies_the_back_offices_boundary_tolerance(own_copy, small_data, beyond):
    # East of its Bezirk's easternmost point a Kita lies exactly as far outside as it was
    # moved. The loader must agree with lib.geo, which checks what the back office enters.
    boundary = geometry_from_geojson(read_geojson(small_data / BEZIRKE)["features"][0]["geometry"])
    corners = shapely.get_coordinates(reproject(boundary, WGS84, METRIC_EPSG))
    x, y = corners[corners[:, 0].argmax()]
    outside = BOUNDARY_TOLERANCE_M + beyond
    change_feature(own_copy, KITAS, 5, lambda f: f["geometry"].update(coordinates=[x + outside, y]))
    lon, lat = to_wgs84(x + outside, y, METRIC_EPSG)
    assert distance_outside_m(boundary, lon, lat) == pytest.approx(outside, abs=1)

    if beyond < 0:
        load_demo(data_dir=own_copy)
        number = read_geojson(own_copy / KITAS)["features"][5]["properties"]["e_nr"]
        assert Location.objects.filter(external_id=f"kita:{number}", area=None).exists()
    else:
        error = load_fails(own_copy)
        assert (error.file, error.where, error.field) == (KITAS, "features[5]", "geometry")
