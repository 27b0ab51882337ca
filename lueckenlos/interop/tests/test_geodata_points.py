"""GeoJSON point files in the CRSs German open data uses, read as a table in WGS84."""

from __future__ import annotations

import json

import pytest

from lueckenlos.interop.geodata.points import read_points
from lueckenlos.interop.tabular import TableError, read_table
from lueckenlos.lib.geo import transformer

# Albrechtstr. 20, Berlin-Mitte: a Kita of the Berlin demo, in EPSG:25833 as published.
KITA_25833 = (390387.4, 5820383.1)


def collection(features: list[dict], epsg: int | None = None) -> bytes:
    document: dict = {"type": "FeatureCollection", "features": features}
    if epsg:
        document["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    return json.dumps(document).encode()


def point(x: float, y: float, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [x, y]},
    }


@pytest.mark.parametrize("epsg", [25832, 25833, 3035, 31467, 4326])
def test_points_in_any_common_crs_come_out_in_wgs84(epsg):
    x, y = transformer(25833, epsg).transform(*KITA_25833) if epsg != 25833 else KITA_25833
    table = read_points(collection([point(x, y, e_name="Kita F.A.I.R.play")], epsg), filename="k")
    row = table.rows[0]
    assert table.columns == ["e_name", "longitude", "latitude"]
    assert row.number == 1
    assert float(row.values["longitude"]) == pytest.approx(13.38439, abs=1e-5)
    assert float(row.values["latitude"]) == pytest.approx(52.52252, abs=1e-5)


def test_read_table_hands_geojson_files_to_read_points():
    data = collection([point(*KITA_25833, e_nr="01010010", e_platz=69)], 25833)
    table = read_table(data, filename="kindertagesstaetten.geojson")
    # Numbers read as the text a table cell holds.
    assert table.rows[0].values["e_platz"] == "69"
    assert table.rows[0].values["longitude"].startswith("13.38")


def test_a_feature_without_geometry_keeps_empty_coordinates():
    data = collection([{"type": "Feature", "properties": {"name": "x"}, "geometry": None}])
    assert read_points(data, filename="f.geojson").rows[0].values["longitude"] == ""


def test_a_projected_file_without_its_crs_is_refused_naming_the_feature(english):
    data = collection([point(13.4, 52.5, e_nr="1"), point(*KITA_25833, e_nr="01010010")])
    with pytest.raises(TableError) as error:
        read_points(data, filename="kitas.geojson")
    message = str(error.value)
    assert "kitas.geojson" in message
    assert "feature 2" in message
    assert "01010010" in message
    assert "are not WGS84 coordinates" in message
    assert "EPSG:4326" in message


def test_a_polygon_is_no_point():
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[13, 52], [13.1, 52], [13, 52.1]]]},
    }
    with pytest.raises(TableError, match="Polygon"):
        read_points(collection([feature]), filename="f.geojson")


def test_an_unknown_crs_is_refused():
    with pytest.raises(TableError, match="EPSG:2154"):
        read_points(collection([point(1, 2)], 2154), filename="f.geojson")


def test_a_point_outside_germany_is_refused(english):
    data = collection([point(2.3522, 48.8566, name="Paris")])
    with pytest.raises(TableError, match="feature 1 .*Paris.*lie outside Germany"):
        read_points(data, filename="f.geojson")
