"""The report's content, assembled once: inventory counts, sections, the registry."""

from __future__ import annotations

import pytest

from lueckenlos.reports import content as content_module
from lueckenlos.reports.content import (
    Paragraph,
    Section,
    Table,
    UnknownSection,
    introduction_paragraphs,
    register_section,
    report_content,
)
from lueckenlos.reports.sections import inventory_blocks, inventory_matrix
from lueckenlos.reports.tests.conftest import REPORT_YEAR


def rows_by_name(table: Table) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table.rows}


def test_the_inventory_counts_active_offers_by_field_and_life_phase(town, english):
    table = inventory_matrix(town.kommune)
    assert table.headers == [
        "Field of action",
        "Rund um Schwangerschaft und Geburt",
        "0 bis 3 Jahre",
        "3 bis 6 Jahre",
        "6 bis 10 Jahre",
        "10 bis 16 Jahre",
        "Übergang Schule–Beruf",
        "All life phases",
    ]
    rows = rows_by_name(table)
    # Columns: pregnancy, infant, preschool, primary, secondary, school to work, all.
    assert rows["Gesundheit"] == ["1", "1", "0", "0", "0", "0", "1"]
    assert rows["Bildung"] == ["0", "2", "2", "1", "0", "0", "3"]
    assert rows["Kinder- und Jugendhilfe"] == ["0", "1", "1", "0", "0", "0", "1"]
    assert rows["Beratung"] == ["0", "1", "0", "0", "0", "0", "1"]
    assert rows["No field of action"] == ["0"] * 7
    # The inactive Kita counts nowhere; an offer for two phases counts once in the total.
    assert rows["All active offers"] == ["1", "4", "2", "1", "0", "0", "5"]
    assert table.total_row


def test_new_and_stale_offers_and_counts_by_status(town, english, settings):
    settings.LUECKENLOS_HIDE_AFTER_MONTHS = 18
    blocks = inventory_blocks(town.kommune, REPORT_YEAR)
    texts = [block.text for block in blocks if isinstance(block, Paragraph)]
    # Only the Hebammenpraxis was entered in 2024, and it is active.
    assert "1 offer was entered in 2024; 1 of them is active today." in texts
    # The Telefonberatung, last confirmed two years ago, is stale and hidden.
    assert any(t.startswith("1 of 5 active offers has not been confirmed") for t in texts)
    assert any(t.startswith("1 of them is older than 18 months") for t in texts)
    figures = rows_by_name(next(b for b in blocks if isinstance(b, Table) and b is not blocks[1]))
    assert figures["Active offers"] == ["5"]
    assert figures["Inactive offers"] == ["1"]
    assert figures["Drafts"] == ["0"]
    assert figures["Locations"] == ["6"]


def test_a_year_without_new_offers_says_so(town, english):
    blocks = inventory_blocks(town.kommune, 2019)
    assert any(
        isinstance(b, Paragraph) and b.text.startswith("0 offers were entered in 2019")
        for b in blocks
    )


def test_only_the_chosen_sections_in_the_registrys_order(town, english):
    report = report_content(
        town.kommune, REPORT_YEAR, sections=["indicators", "inventory"], introduction=""
    )
    assert [s.key for s in report.sections] == ["inventory", "indicators"]
    assert report.title == "Prevention report Teststadt 2024"
    assert report.introduction == []


def test_all_sections_by_default(town, english):
    report = report_content(town.kommune, REPORT_YEAR)
    assert [s.key for s in report.sections] == ["inventory", "gaps", "indicators"]
    gaps = report.sections[1]
    # The gap analysis's figures: the map, the heat map and the priority bars.
    assert sum(block.kind == "figure" for block in gaps.blocks) == 3
    top = next(b for b in gaps.blocks if isinstance(b, Table))
    assert [row[0] for row in top.rows] == ["Bruch", "Anger"]  # by rank; Cölln has none


def test_an_unknown_section_is_refused(town):
    with pytest.raises(UnknownSection, match="nope"):
        report_content(town.kommune, REPORT_YEAR, sections=["inventory", "nope"])


def test_indicators_are_the_public_ones_with_their_trend(town, english):
    report = report_content(town.kommune, REPORT_YEAR, sections=["indicators"])
    blocks = report.sections[0].blocks
    table = next(b for b in blocks if isinstance(b, Table))
    (row,) = table.rows  # the internal indicator is not in a report for the council
    assert row[0] == "Kinderarmut (%)"
    assert row[1] == "12/31/2020"
    # Poverty fell (lower is better): improved, and the target of 25 % is not reached.
    assert row[5] == "improved"
    assert row[6] == "25.0 (not reached)"
    assert row[4].startswith("−")
    # The time series and the map of the indicator.
    assert [b.title for b in blocks if b.kind == "figure"] == [
        "Time series: Kinderarmut",
        "Map: Kinderarmut (%) by area",
    ]


def test_the_introduction_keeps_its_paragraphs():
    text = "Erster Absatz,\r\nüber zwei Zeilen.\r\n\r\n\r\nZweiter Absatz.\n \n"
    assert introduction_paragraphs(text) == ["Erster Absatz, über zwei Zeilen.", "Zweiter Absatz."]


def test_another_app_adds_a_section_without_touching_the_renderers(town, english, monkeypatch):
    # What issue 8 (networks, measures) does in its AppConfig.ready().
    monkeypatch.setattr(content_module, "_REGISTRY", dict(content_module._REGISTRY))
    register_section(
        Section(
            "measures",
            "Measures",
            lambda kommune, year: [Paragraph(f"3 measures decided in {year}.")],
            order=50,
        )
    )
    report = report_content(town.kommune, REPORT_YEAR, sections=["inventory", "measures"])
    assert [s.key for s in report.sections] == ["inventory", "measures"]
    assert report.sections[1].blocks == [Paragraph("3 measures decided in 2024.")]
