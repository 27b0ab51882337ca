"""The choropleth: one shape per area with a boundary, coloured where it has a value,
the offers as dots, as valid SVG with a title and a description."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from lueckenlos.analysis.basis import analysis_basis
from lueckenlos.analysis.maps import choropleth, map_areas, offer_points

SVG = "{http://www.w3.org/2000/svg}"


def test_areas_are_wound_for_d3(teststadt):
    basis = analysis_basis(teststadt.kommune)
    areas = map_areas(basis, teststadt.plr_level)
    assert [a.name for a in areas] == ["Anger", "Bruch", "Cölln"]
    # d3-geo fills a counter-clockwise outer ring as the whole globe: it must be clockwise.
    ring = np.array(areas[0].geometry["coordinates"][0])
    signed = np.sum((ring[1:, 0] - ring[:-1, 0]) * (ring[1:, 1] + ring[:-1, 1]))
    assert signed > 0  # clockwise


def test_the_map_is_valid_svg_with_title_and_desc(teststadt, english):
    basis = analysis_basis(teststadt.kommune)
    values = {teststadt.a.pk: 80.0, teststadt.b.pk: 20.0, teststadt.c.pk: None}
    chart = choropleth(basis, teststadt.plr_level, values, measure_label="Priority")
    root = ET.fromstring(chart.svg)
    assert root.find(f"{SVG}title").text == "Map: Priority by area"
    desc = root.find(f"{SVG}desc").text
    assert "3 areas" in desc and "1 area without a value" in desc
    # Shapes: three grey ones below, two coloured on top (Cölln has no value).
    shapes = [p for p in root.iter(f"{SVG}path") if p.get("d", "").count("L") >= 3]
    assert len(shapes) >= 5


def test_offer_points_are_the_locations_of_the_chosen_offers(teststadt):
    basis = analysis_basis(teststadt.kommune)
    # Five locations of four located, active offers (the midwife has two).
    assert len(offer_points(basis)) == 5
    only_school = np.array([name == "Grundschule am Feld" for name in basis.offers.names])
    (point,) = offer_points(basis, only_school)
    assert 13 < point["lon"] < 15 and 52 < point["lat"] < 53
