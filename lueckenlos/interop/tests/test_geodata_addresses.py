"""The address register import and placing locations from it with `lueckenlos geocode`."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.areas.models import AddressPoint
from lueckenlos.catalogue.models import Location
from lueckenlos.lib.geo import transformer
from tests.factories import LocationFactory

HK_HEADER = "LAN;KRS;GMD;STN;HNR;ADZ;PLZ;ONM;EAST;NORTH"


def utm33(lon: float, lat: float) -> str:
    east, north = transformer(4326, 25833).transform(lon, lat)
    return f"{east:.2f};{north:.2f}"


def write(tmp_path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def hk_file(tmp_path):
    """HK-DE lines inside Marzahn-Hellersdorf's test boundary (13.55–13.57°E, 52.50–52.52°N)."""
    return write(
        tmp_path,
        "hk.csv",
        [
            HK_HEADER,
            f"11;00;000;Hauptstr.;12;;12679;Berlin;{utm33(13.555, 52.505)}",  # south
            f"11;00;000;Hauptstr.;14;A;12679;Berlin;{utm33(13.556, 52.515)}",  # north
            f"11;00;000;Dorfstr.;5;;12621;Berlin;{utm33(13.560, 52.512)}",
            f"11;00;000;Dorfstr.;5;;12683;Berlin;{utm33(13.565, 52.502)}",
        ],
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_an_hk_de_file_becomes_the_register(marzahn, hk_file):
    run("import_addresses", hk_file, "--kommune", "marzahn-hellersdorf", "--utm-zone", "33")
    entry = AddressPoint.objects.get(house_number="14a")
    assert (entry.street, entry.street_key, entry.postal_code) == (
        "Hauptstr.",
        "hauptstrasse",
        "12679",
    )
    assert entry.longitude == pytest.approx(13.556, abs=1e-6)
    assert entry.kommune == marzahn.kommune


def test_a_re_import_replaces_the_register(marzahn, hk_file, tmp_path):
    run("import_addresses", hk_file, "--kommune", "marzahn-hellersdorf", "--utm-zone", "33")
    smaller = write(tmp_path, "hk2.csv", [HK_HEADER, Path(hk_file).read_text().splitlines()[1]])
    run("import_addresses", smaller, "--kommune", "marzahn-hellersdorf", "--utm-zone", "33")
    assert list(AddressPoint.objects.values_list("house_number", flat=True)) == ["12"]


def test_a_bad_row_imports_nothing_and_names_row_column_and_value(english, marzahn, tmp_path):
    path = write(
        tmp_path,
        "hk.csv",
        [
            HK_HEADER,
            f"11;00;000;Hauptstr.;12;;12679;Berlin;{utm33(13.555, 52.505)}",
            "11;00;000;Hauptstr.;13;;12679;Berlin;abc;5820000",
        ],
    )
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_addresses",
            path,
            "--kommune",
            "marzahn-hellersdorf",
            "--utm-zone",
            "33",
            stdout=out,
            stderr=out,
        )
    assert "hk.csv, row 3, column “EAST”, value “abc”: not a coordinate." in out.getvalue()
    assert not AddressPoint.objects.exists()


def test_utm_coordinates_need_their_zone(english, marzahn, hk_file):
    with pytest.raises(CommandError, match="--utm-zone"):
        run("import_addresses", hk_file, "--kommune", "marzahn-hellersdorf")


def test_a_simple_table_with_longitude_and_latitude(marzahn, tmp_path):
    path = write(
        tmp_path,
        "adressen.csv",
        ["Straße;Hausnummer;PLZ;lon;lat", "Karl-Marx-Straße;5 a;12679;13,555;52,505"],
    )
    run("import_addresses", path, "--kommune", "marzahn-hellersdorf")
    entry = AddressPoint.objects.get()
    assert (entry.street_key, entry.house_number, entry.latitude) == (
        "karlmarxstrasse",
        "5a",
        52.505,
    )


def test_geocode_places_locations_and_lists_what_it_could_not(english, marzahn, hk_file):
    run("import_addresses", hk_file, "--kommune", "marzahn-hellersdorf", "--utm-zone", "33")
    kommune = marzahn.kommune
    found = LocationFactory(
        kommune=kommune, name="Kita Sonne", address_1="Hauptstraße 12", postal_code="12679"
    )
    suffix = LocationFactory(
        kommune=kommune, name="Kita Mond", address_1="Hauptstraße 12b", postal_code="12679"
    )
    twice = LocationFactory(
        kommune=kommune, name="Kita Stern", address_1="Dorfstraße 5", postal_code=""
    )

    output = run("geocode", "--kommune", "marzahn-hellersdorf")

    found.refresh_from_db()
    assert found.latitude == pytest.approx(52.505, abs=1e-6)
    assert found.area == marzahn.south  # placed in its area, as any saved location is
    assert Location.objects.get(pk=suffix.pk).latitude is None
    assert Location.objects.get(pk=twice.pk).latitude is None
    assert (
        "“Kita Mond”, Hauptstraße 12b, 12679 Berlin; candidates: Hauptstr. 12, 12679 Berlin"
        in output
    )
    assert "Dorfstr. 5, 12621 Berlin | Dorfstr. 5, 12683 Berlin" in output
    assert "1 locations placed" in output


def test_geocode_dry_run_changes_nothing(marzahn, hk_file):
    run("import_addresses", hk_file, "--kommune", "marzahn-hellersdorf", "--utm-zone", "33")
    location = LocationFactory(
        kommune=marzahn.kommune, address_1="Hauptstr. 12", postal_code="12679"
    )
    run("geocode", "--kommune", "marzahn-hellersdorf", "--dry-run")
    location.refresh_from_db()
    assert location.latitude is None
