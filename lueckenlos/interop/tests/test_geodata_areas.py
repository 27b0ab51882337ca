"""`lueckenlos import-areas`: a hierarchy table and boundary files, matched by code."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.areas.models import Area, AreaLevel
from lueckenlos.lib.geo import transformer
from tests.factories import KommuneFactory, square

LOR = [
    "Planungsraum (Nummer),Planungsraum (Name),Bezirksregion (Nummer),Bezirksregion (Name),Bezirk",
    "10010101,Marzahn Nord,100101,Marzahn,Marzahn-Hellersdorf",
    "10010102,Marzahn Süd,100101,Marzahn,Marzahn-Hellersdorf",
    "10020201,Kaulsdorf,100202,Biesdorf,Marzahn-Hellersdorf",
    "01100101,Stülerstraße,011001,Tiergarten Süd,Mitte",
]
LEVELS = ["--level", "Bezirksregion", "--level", "Planungsraum"]


def utm33_square(lon: float, lat: float) -> dict:
    to_utm = transformer(4326, 25833)
    ring = [list(to_utm.transform(x, y)) for x, y in square(lon, lat)["coordinates"][0]]
    return {"type": "Polygon", "coordinates": [ring]}


def boundaries(features: list[tuple[str, str, dict]], epsg: int = 25833) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}},
            "features": [
                {"type": "Feature", "properties": {"PLR_ID": c, "PLR_NAME": n}, "geometry": g}
                for c, n, g in features
            ],
        }
    )


@pytest.fixture
def kommune(db):
    return KommuneFactory(slug="marzahn-hellersdorf", name="Marzahn-Hellersdorf")


def run(tmp_path, name: str, text: str, *args: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_areas", str(path), "--kommune", "marzahn-hellersdorf", *args, stdout=out, stderr=out
    )
    return out.getvalue()


def test_a_hierarchy_table_creates_levels_and_areas(tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR), *LEVELS, "--only", "Bezirk=Marzahn-Hellersdorf")
    assert list(AreaLevel.objects.values_list("name", "depth")) == [
        ("Bezirksregion", 0),
        ("Planungsraum", 1),
    ]
    kaulsdorf = Area.objects.get(code="10020201")
    assert (kaulsdorf.parent.code, kaulsdorf.path) == ("100202", "100202/10020201/")
    # The Mitte row was left out by --only.
    assert Area.objects.count() == 5


def test_re_importing_the_same_table_changes_nothing(english, tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR[:4]), *LEVELS)
    output = run(tmp_path, "lor.csv", "\n".join(LOR[:4]), *LEVELS)
    assert "0 areas created" in output
    assert "5 unchanged" in output


def test_a_boundary_file_in_utm_sets_the_boundaries_and_renames(english, tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR[:4]), *LEVELS)
    geojson = boundaries(
        [
            ("10010101", "Marzahn-Nord", utm33_square(13.55, 52.55)),
            ("10010102", "Marzahn Süd", utm33_square(13.55, 52.54)),
        ]
    )
    run(tmp_path, "plr.geojson", geojson, "--level", "Planungsraum")
    nord = Area.objects.get(code="10010101")
    assert nord.name == "Marzahn-Nord"
    assert nord.min_lon == pytest.approx(13.55, abs=1e-5)
    assert nord.parent.code == "100101"  # kept: the file names no parents
    # Reprojected boundaries are stored so that a second import finds them equal.
    assert "2 unchanged" in run(tmp_path, "plr.geojson", geojson, "--level", "Planungsraum")


def test_a_boundary_file_may_name_parents_and_create_a_level(tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR[:4]), *LEVELS)
    document = json.loads(boundaries([("1001010101", "Block 1", utm33_square(13.55, 52.55))]))
    document["features"][0]["properties"]["parent"] = "10010101"
    run(tmp_path, "bloecke.geojson", json.dumps(document), "--level", "Block")
    block = Area.objects.get(code="1001010101")
    assert (block.level.name, block.level.depth) == ("Block", 2)
    assert block.path == "100101/10010101/1001010101/"


def test_errors_name_each_row_and_nothing_is_imported(english, tmp_path, kommune):
    lines = [
        *LOR[:3],
        "10010102,Zweimal,100101,Marzahn,Marzahn-Hellersdorf",  # duplicate code
        "1001 0103,Mit Leerzeichen,100101,Marzahn,Marzahn-Hellersdorf",
    ]
    out = StringIO()
    path = tmp_path / "lor.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match="2 problems"):
        call_command(
            "import_areas",
            str(path),
            "--kommune",
            "marzahn-hellersdorf",
            *LEVELS,
            stdout=out,
            stderr=out,
        )
    output = out.getvalue()
    assert (
        "lor.csv, row 4, column “Planungsraum (Nummer)”, value “10010102”: "
        "the code is already given in row 3." in output
    )
    assert "row 5, column “Planungsraum (Nummer)”, value “1001 0103”" in output
    assert not Area.objects.exists()
    assert not AreaLevel.objects.exists()


def test_an_unknown_parent_code_is_an_error(english, tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR[:2]), *LEVELS)
    document = json.loads(boundaries([("77", "Block", utm33_square(13.55, 52.55))]))
    document["features"][0]["properties"]["parent"] = "99999999"
    with pytest.raises(CommandError):
        run(tmp_path, "b.geojson", json.dumps(document), "--level", "Block")
    assert not Area.objects.filter(code="77").exists()


def test_a_boundary_outside_germany_is_an_error(english, tmp_path, kommune):
    run(tmp_path, "lor.csv", "\n".join(LOR[:2]), *LEVELS)
    # Projected coordinates in a file that names no CRS read as degrees far outside.
    document = json.loads(boundaries([("10010101", "Nord", utm33_square(13.55, 52.55))]))
    del document["crs"]
    out = StringIO()
    path = tmp_path / "plr.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_areas",
            str(path),
            "--kommune",
            "marzahn-hellersdorf",
            "--level",
            "Planungsraum",
            stdout=out,
            stderr=out,
        )
    assert "plr.geojson, feature 1, property “geometry”" in out.getvalue()
    assert "outside Germany" in out.getvalue()
    assert Area.objects.get(code="10010101").boundary is None
