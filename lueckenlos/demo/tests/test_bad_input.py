"""Bad input stops the demo load with file, row and field, and leaves nothing behind."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.areas.models import Area, Kommune, PopulationCount
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.loader import load_demo
from lueckenlos.demo.tests.smalldata import edit_csv, read_geojson, write_geojson
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
