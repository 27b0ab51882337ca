"""The charts are valid SVG with a title and a description, and say what they show."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from lueckenlos.analysis.charts import coverage_heatmap, priority_bars, render_svg
from lueckenlos.analysis.coverage import coverage
from lueckenlos.analysis.priority import PriorityWeights, priority

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_the_svg_has_title_desc_and_one_image_role(english):
    svg = render_svg(
        {"data": {"values": [{"a": "x", "b": 1}]}, "mark": "bar", "encoding": {}},
        key="k",
        title="A <title>",
        description="Said & described",
    )
    root = parsed(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "k-title"
    assert root.find(f"{SVG}title").text == "A <title>"  # escaped, then read back
    assert root.find(f"{SVG}desc").text == "Said & described"
    # The marks' own roles would make the image a tree of unnamed objects to a reader.
    assert not [e for e in root.iter() if e is not root and e.get("role")]


def test_the_heat_map_names_every_cell(teststadt, english):
    report = coverage(teststadt.kommune, level=teststadt.plr_level)
    chart = coverage_heatmap(report)
    root = parsed(chart.svg)
    assert root.find(f"{SVG}title").text == chart.title
    labels = texts(root)
    # 6 life phases × 9 fields, each cell with its count or "empty" in words.
    cells = [t for t in labels if t.isdigit() or t == "empty" or t.endswith("(weak)")]
    assert len(cells) == len(report.phases) * len(report.fields)
    assert "2" in labels  # preschool × education: both Kitas


def test_the_bar_chart_has_a_bar_per_ranked_area(teststadt, english):
    report = priority(
        teststadt.kommune, level=teststadt.plr_level, weights=PriorityWeights(1, 0, 0)
    )
    root = parsed(priority_bars(report).svg)
    labels = texts(root)
    for entry in report.areas:
        if entry.score is not None:
            assert entry.area.name in labels
