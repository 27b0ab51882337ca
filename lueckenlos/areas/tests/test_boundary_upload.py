"""Boundary files as coordinators get them from a statistics office or a GIS: what is read,
and why the rest is refused."""

import json

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import shape

from lueckenlos.areas.services import boundary_from_upload
from lueckenlos.lib.geo import transformer
from tests.factories import square

# Assertions read the English msgids; German wording is the catalogue's business.
pytestmark = pytest.mark.usefixtures("english")

MARZAHN = square(13.55, 52.50, 0.02)


def upload(document) -> bytes:
    return json.dumps(document).encode()


def feature(geometry: dict, **members) -> dict:
    return {"type": "Feature", "properties": {"name": "Marzahn"}, "geometry": geometry, **members}


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as excinfo:
        boundary_from_upload(data)
    (message,) = excinfo.value.messages
    return message


def in_crs(geometry: dict, epsg: int) -> dict:
    forward = transformer(4326, epsg)
    return {
        "type": geometry["type"],
        "coordinates": [
            [list(forward.transform(lon, lat)) for lon, lat in ring]
            for ring in geometry["coordinates"]
        ],
    }


def crs_member(name: str) -> dict:
    return {"type": "name", "properties": {"name": name}}


@pytest.mark.parametrize(
    "document",
    [
        MARZAHN,
        feature(MARZAHN),
        {"type": "FeatureCollection", "features": [feature(MARZAHN)]},
        {"type": "MultiPolygon", "coordinates": [MARZAHN["coordinates"]]},
    ],
    ids=["geometry", "feature", "collection of one", "multipolygon"],
)
def test_a_polygon_is_read_bare_as_feature_or_in_a_collection_of_one(document):
    boundary = boundary_from_upload(upload(document))

    assert boundary["type"] in {"Polygon", "MultiPolygon"}
    assert shape(boundary).equals(shape(MARZAHN))


@pytest.mark.parametrize(
    ("epsg", "name"),
    [
        (25833, "urn:ogc:def:crs:EPSG::25833"),
        (25832, "EPSG:25832"),
        (3035, "urn:ogc:def:crs:EPSG::3035"),
        (31468, "EPSG:31468"),
    ],
)
def test_a_projected_boundary_named_in_a_crs_member_is_reprojected_to_wgs84(epsg, name):
    document = {
        "type": "FeatureCollection",
        "crs": crs_member(name),
        "features": [feature(in_crs(MARZAHN, epsg))],
    }

    boundary = boundary_from_upload(upload(document))

    lons = [lon for lon, _ in boundary["coordinates"][0]]
    lats = [lat for _, lat in boundary["coordinates"][0]]
    assert (min(lons), max(lons)) == pytest.approx((13.55, 13.57), abs=1e-5)
    assert (min(lats), max(lats)) == pytest.approx((52.50, 52.52), abs=1e-5)


def test_a_crs_member_on_the_geometry_counts_too():
    geometry = {**in_crs(MARZAHN, 25833), "crs": crs_member("EPSG:25833")}

    boundary = boundary_from_upload(upload(feature(geometry)))

    assert min(lon for lon, _ in boundary["coordinates"][0]) == pytest.approx(13.55, abs=1e-5)


def test_a_file_that_is_not_json_is_refused_saying_where_it_breaks():
    message = refusal(b'{"type": "Polygon",\n "coordinates": [[13.5, 52.5]')

    assert message.startswith("The file is not GeoJSON: it is not valid JSON (line 2")


def test_a_file_that_is_not_text_is_refused():
    assert "not text in UTF-8" in refusal(b"PK\x03\x04\xff\xfe\x00shapefile.zip")


def test_json_that_is_no_geojson_object_is_refused():
    assert "holds no object with a “type”" in refusal(upload([13.55, 52.50]))


@pytest.mark.parametrize("count", [0, 2])
def test_a_collection_of_other_than_one_feature_is_refused(count):
    document = {"type": "FeatureCollection", "features": [feature(MARZAHN)] * count}

    assert f"holds {count} features" in refusal(upload(document))


def test_a_point_is_refused_as_no_polygon():
    point = feature({"type": "Point", "coordinates": [13.56, 52.51]})

    assert refusal(upload(point)) == (
        "A boundary must be a Polygon or MultiPolygon; the file holds “Point”."
    )


def test_a_feature_without_geometry_is_refused():
    assert refusal(upload(feature(None))) == "The feature in the file has no geometry."


def test_an_unknown_crs_is_refused_naming_the_ones_known():
    document = {**MARZAHN, "crs": crs_member("EPSG:2056")}  # Switzerland

    message = refusal(upload(document))

    assert "EPSG:2056" in message
    assert "25833" in message


def test_a_crs_name_without_a_code_is_refused():
    document = {**MARZAHN, "crs": crs_member("ETRS89 / UTM zone 33N")}

    assert "ETRS89 / UTM zone 33N" in refusal(upload(document))


def test_projected_coordinates_without_a_crs_member_are_refused_with_a_hint():
    message = refusal(upload(in_crs(MARZAHN, 25833)))

    assert message.startswith("The boundary does not lie in Germany")
    assert "“crs” member" in message


def test_swapped_coordinates_are_refused_as_outside_germany():
    swapped = {
        "type": "Polygon",
        "coordinates": [[[lat, lon] for lon, lat in MARZAHN["coordinates"][0]]],
    }

    message = refusal(upload(swapped))

    assert "lie outside Germany" in message
    assert "longitude comes first" in message


def test_a_polygon_without_enough_points_is_refused():
    broken = {"type": "Polygon", "coordinates": [[[13.55, 52.50], [13.56, 52.51]]]}

    assert refusal(upload(broken)).startswith("Not a GeoJSON geometry")
