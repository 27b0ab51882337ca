"""The area outlines under the map: which level, how light, and only the Kommune's own."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from shapely.geometry import shape

from lueckenlos.areas.models import Area
from lueckenlos.areas.services import area_create
from lueckenlos.portal import maps
from lueckenlos.portal.context_processors import map_settings, tile_host


def boundaries(client, persona, **query):
    response = client.get(reverse("portal:area_boundaries", args=[persona.kommune.slug]), query)
    assert response.status_code == 200
    return response, json.loads(response.content)


def names(collection: dict) -> set[str]:
    return {feature["properties"]["name"] for feature in collection["features"]}


def circle(lon: float, lat: float, radius: float, vertices: int = 720) -> dict:
    """A round area drawn with many vertices, as surveyed boundaries are."""
    ring = [
        [
            lon + radius * math.cos(2 * math.pi * i / vertices),
            lat + radius * math.sin(2 * math.pi * i / vertices),
        ]
        for i in range(vertices)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def all_coordinates(geometry: dict) -> list[float]:
    def flatten(value):
        if isinstance(value, int | float):
            yield value
        else:
            for part in value:
                yield from flatten(part)

    return list(flatten(geometry["coordinates"]))


def test_it_shows_the_deepest_level_by_default(client, marzahn):
    response, collection = boundaries(client, marzahn)

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    assert names(collection) == {"Marzahn-Hellersdorf Nord", "Marzahn-Hellersdorf Süd"}
    assert {f["properties"]["level"] for f in collection["features"]} == {"Planungsraum"}
    assert collection["level"]["code"] == "planungsraum"


def test_ebene_names_a_level_by_id_or_by_its_name(client, marzahn):
    region_level = marzahn.region.level

    _, by_id = boundaries(client, marzahn, ebene=str(region_level.pk))
    _, by_name = boundaries(client, marzahn, ebene="Bezirksregion")

    assert names(by_id) == names(by_name) == {"Marzahn-Hellersdorf Region"}
    assert by_id["features"][0]["properties"]["level"] == "Bezirksregion"


@pytest.mark.parametrize("ebene", ["", "nonsense", "999999", "-1", "1; DROP TABLE", "ü" * 300])
def test_an_unknown_ebene_is_no_error_but_the_default(client, marzahn, ebene):
    _, collection = boundaries(client, marzahn, ebene=ebene)

    assert names(collection) == {"Marzahn-Hellersdorf Nord", "Marzahn-Hellersdorf Süd"}


def test_it_never_shows_another_kommunes_areas(client, marzahn, pankow):
    # Even when asked for Pankow's level by its id on Marzahn's address.
    for query in ({}, {"ebene": str(pankow.region.level.pk)}, {"ebene": "bezirksregion"}):
        _, collection = boundaries(client, marzahn, **query)

        assert collection["features"]
        assert not any("Pankow" in name for name in names(collection))
        # Pankow lies at 13.40–13.42°E, Marzahn at 13.55–13.57°E.
        assert all(shape(f["geometry"]).bounds[0] > 13.5 for f in collection["features"])


def test_a_kommune_shows_the_areas_of_the_kommunen_it_contains(client, berlin, marzahn, pankow):
    # Berlin owns no areas; its Bezirke's levels of the same name are drawn as one.
    response = client.get(reverse("portal:area_boundaries", args=[berlin.slug]))
    collection = json.loads(response.content)

    assert names(collection) == {
        "Marzahn-Hellersdorf Nord",
        "Marzahn-Hellersdorf Süd",
        "Pankow Nord",
        "Pankow Süd",
    }

    response = client.get(
        reverse("portal:area_boundaries", args=[berlin.slug]),
        {"ebene": str(pankow.region.level.pk)},
    )
    assert names(json.loads(response.content)) == {
        "Marzahn-Hellersdorf Region",
        "Pankow Region",
    }


def test_it_answers_404_for_an_unknown_kommune(client, marzahn):
    response = client.get(reverse("portal:area_boundaries", args=["nowhere"]))

    assert response.status_code == 404


def test_browsers_and_proxies_may_keep_it_for_an_hour_and_no_cookie_is_set(client, marzahn):
    response, _ = boundaries(client, marzahn)

    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert not response.cookies


def test_areas_no_longer_valid_are_left_out(client, marzahn):
    area_create(
        kommune=marzahn.kommune,
        level=marzahn.north.level,
        parent=marzahn.region,
        code="old",
        name="Planungsraum of the old edition",
        boundary=marzahn.north.boundary,
        valid_to=dt.date(2020, 12, 31),
    )

    _, collection = boundaries(client, marzahn)

    assert "Planungsraum of the old edition" not in names(collection)


def test_a_level_too_dense_to_read_gives_way_to_a_coarser_one(client, marzahn, monkeypatch):
    # Two Planungsräume are "too many" here: the one Bezirksregion is drawn instead.
    monkeypatch.setattr(maps, "MAX_AREAS_ON_MAP", 1)
    _, collection = boundaries(client, marzahn)
    assert names(collection) == {"Marzahn-Hellersdorf Region"}

    # Every level too dense: the coarsest is still the most readable.
    monkeypatch.setattr(maps, "MAX_AREAS_ON_MAP", 0)
    _, collection = boundaries(client, marzahn)
    assert names(collection) == {"Marzahn-Hellersdorf Region"}


def test_a_kommune_without_areas_gets_an_empty_collection(client, db, kommune_factory):
    kommune = kommune_factory(slug="leer")

    response = client.get(reverse("portal:area_boundaries", args=[kommune.slug]))

    assert json.loads(response.content) == {"type": "FeatureCollection", "features": []}


def test_outlines_are_simplified_rounded_and_stay_valid(client, marzahn):
    exact = circle(13.56, 52.51, 0.01)
    # A ring with a hole and a thin spike: shapes that careless rounding breaks.
    with_hole = {
        "type": "Polygon",
        "coordinates": [
            [
                [13.551, 52.501],
                [13.559, 52.501],
                [13.559, 52.5090000004],
                [13.5550000001, 52.50900000001],
                [13.5550000003, 52.5099999],
                [13.5549999998, 52.50900000002],
                [13.551, 52.509],
                [13.551, 52.501],
            ],
            [[13.553, 52.503], [13.553, 52.505], [13.555, 52.505], [13.553, 52.503]],
        ],
    }
    area_create(
        kommune=marzahn.kommune,
        level=marzahn.north.level,
        parent=marzahn.region,
        code="round",
        name="Round",
        boundary=exact,
    )
    area_create(
        kommune=marzahn.kommune,
        level=marzahn.north.level,
        parent=marzahn.region,
        code="holed",
        name="Holed",
        boundary=with_hole,
    )

    _, collection = boundaries(client, marzahn)

    by_name = {f["properties"]["name"]: f["geometry"] for f in collection["features"]}
    light = by_name["Round"]
    assert len(light["coordinates"][0]) < len(exact["coordinates"][0]) / 4
    # Simplification cuts each arc by at most the tolerance (~15 m) inside a ~1.4 km circle.
    assert shape(light).area == pytest.approx(shape(exact).area, rel=0.03)
    for geometry in by_name.values():
        assert shape(geometry).is_valid
        assert not shape(geometry).is_empty
        for value in all_coordinates(geometry):
            assert round(value, 5) == value
    # The hole survives simplification.
    assert len(shape(by_name["Holed"]).interiors) == 1


def test_an_unreadable_boundary_is_skipped_not_an_error(client, marzahn):
    Area.objects.filter(pk=marzahn.south.pk).update(
        boundary={"type": "Polygon", "coordinates": "garbage"}
    )

    _, collection = boundaries(client, marzahn)

    assert names(collection) == {"Marzahn-Hellersdorf Nord"}


def test_the_context_processor_names_the_tile_server(rf, settings):
    settings.TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    settings.TILE_ATTRIBUTION = "© Example"

    tiles = map_settings(rf.get("/"))["map_tiles"]

    assert tiles == {
        "url": "https://{s}.tile.example.org/{z}/{x}/{y}.png",
        "attribution": "© Example",
        "host": "*.tile.example.org",
    }
    assert tile_host("http://user@tiles.example.org:8080/{z}/{x}/{y}.png") == (
        "tiles.example.org:8080"
    )


def test_without_a_tile_server_the_context_processor_gives_nothing_to_load(rf, settings):
    settings.TILE_URL = ""
    settings.TILE_ATTRIBUTION = "left over"

    assert map_settings(rf.get("/"))["map_tiles"] == {"url": "", "attribution": "", "host": ""}


def render_map(rf, kommune) -> str:
    request = rf.get("/")
    context = {
        "kommune": kommune,
        "map_points_url": "/k/angebote/karte.geojson?q=kita&alter=4",
        "map_areas_url": "/k/gebiete.geojson",
        **map_settings(request),
    }
    return render_to_string("portal/_map.html", context, request=request)


def test_the_map_partial_passes_a_strict_csp_and_works_without_tiles(rf, marzahn, settings):
    settings.TILE_URL = ""

    html = render_map(rf, marzahn.kommune)

    assert 'data-points-url="/k/angebote/karte.geojson?q=kita&amp;alter=4"' in html
    assert 'data-tile-url=""' in html
    # Without a tile server there is nothing to agree to.
    assert "data-map-consent" not in html
    # Without JavaScript a note says where the same offers are.
    assert "<noscript>" in html
    assert "The map needs JavaScript. The list shows the same offers." in html
    # No inline code or style for the CSP to refuse; scripts load after the page.
    assert "style=" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(" src=" in tag and " defer" in tag for tag in scripts)
    assert not re.search(r"<script[^>]*>[^<]+</script>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_with_a_tile_server_the_partial_names_it_before_anything_loads(rf, marzahn, settings):
    settings.TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.TILE_ATTRIBUTION = "© Example contributors"

    html = render_map(rf, marzahn.kommune)

    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "data-map-consent hidden" in html  # shown by the script, never without it
    assert "loaded from the server tiles.example.org" in html
    assert "sends your IP address" in html
