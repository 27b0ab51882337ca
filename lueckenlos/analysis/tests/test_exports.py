"""CSV and XLSX exports of the gap analysis on Teststadt (conftest.py): the tables hold the
core's figures, and a withheld figure is an empty cell with its reason, never a 0."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from lueckenlos.analysis import exports
from lueckenlos.analysis.coverage import coverage
from lueckenlos.analysis.priority import priority


@pytest.fixture
def analysis(teststadt, english) -> exports.GapAnalysis:
    return exports.gap_analysis(teststadt.kommune, level="Planungsraum")


def read_csv(data: bytes) -> list[dict]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def by_header(table: exports.Table, key: str) -> str:
    return next(column.header for column in table.columns if column.key == key)


def test_csv_is_written_for_german_excel(analysis):
    data = exports.table_csv(analysis.tables[exports.MATRIX])
    # The byte order mark makes Excel read UTF-8; semicolons and decimal commas are what
    # German Excel expects.
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.split(";") == [c.header for c in analysis.tables[exports.MATRIX].columns]
    assert "16,6667" in data.decode("utf-8-sig")


def test_the_matrix_csv_holds_the_cores_figures(teststadt, analysis):
    table = analysis.tables[exports.MATRIX]
    rows = read_csv(exports.table_csv(table))
    core = coverage(teststadt.kommune, level=teststadt.plr_level)
    assert len(rows) == len(core.table_rows())
    anger = next(
        row
        for row in rows
        if row[by_header(table, "area")] == "Anger"
        and row[by_header(table, "life_phase")] == "0 bis 3 Jahre"
        and row[by_header(table, "field_of_action")] == "Bildung"
    )
    # Kita Sonnenschein: 100 places, half to the under-3s (the Kommune has as many
    # under-3s as 3-to-6s); Anger has 300 under-3s: 50 / 300 × 100 = 16.67 places per 100.
    assert anger[by_header(table, "offers")] == "1"
    assert anger[by_header(table, "children")] == "300"
    assert anger[by_header(table, "places_per_100_children")] == "16,6667"
    assert anger[by_header(table, "note")] == ""


def test_withheld_figures_are_empty_cells_with_the_reason(analysis):
    table = analysis.tables[exports.MATRIX]
    rows = read_csv(exports.table_csv(table))
    colln = [row for row in rows if row[by_header(table, "area")] == "Cölln"]
    assert colln
    for row in colln:
        # Cölln has 30 infants and its 6-to-15s are withheld: no children figure may show,
        # not even as 0, and the note says why.
        assert row[by_header(table, "children")] == ""
        assert row[by_header(table, "offers_per_1000_children")] == ""
        assert row[by_header(table, "note")].startswith(("withheld", "no figure"))
    # Offer counts are catalogue facts: shown even where the children are withheld.
    assert {row[by_header(table, "offers")] for row in colln} >= {"0", "1"}


def test_the_area_table_names_what_the_priority_left_out(teststadt, analysis):
    table = analysis.tables[exports.AREAS]
    rows = read_csv(exports.table_csv(table))
    expected = priority(teststadt.kommune, level=teststadt.plr_level)
    assert [row[by_header(table, "area")] for row in rows] == [
        entry.area.name for entry in expected.areas
    ]
    colln = next(row for row in rows if row[by_header(table, "area")] == "Cölln")
    # Cölln's child poverty is marked invalid and its children withheld: no priority.
    assert colln[by_header(table, "priority")] == ""
    assert colln[by_header(table, "left_out")].startswith("left out: need")


def test_the_transitions_table_shows_areas_without_a_bridge(analysis):
    table = analysis.tables[exports.TRANSITIONS]
    rows = [row for row in table.rows if row["transition"] == "Familie → Krippe / Kita"]
    by_area = {row["area"]: row for row in rows}
    assert by_area["Teststadt"]["offers"] == 2
    assert by_area["Anger"]["offer_names"] == "Kita Sonnenschein"
    assert by_area["Cölln"]["without_bridge"] is True
    assert by_area["Cölln"]["offers"] == 0


def test_the_xlsx_has_a_sheet_per_table_and_the_method(teststadt, analysis):
    workbook = load_workbook(io.BytesIO(exports.tables_xlsx(analysis)))
    assert workbook.sheetnames == [
        "Coverage matrix",
        "Areas",
        "Reach",
        "Transitions",
        "Method",
    ]
    sheet = workbook["Coverage matrix"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    headers = [cell.value for cell in sheet[1]]
    children = headers.index(by_header(analysis.tables[exports.MATRIX], "children"))
    note = headers.index("Note")
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[1] == "Cölln":
            assert row[children] is None  # an empty cell, never 0
            assert row[note]
        if row[1] == "Anger" and row[2] == "0 bis 3 Jahre":
            assert row[children] == 300  # a number, not text
    method = list(workbook["Method"].iter_rows(values_only=True))
    texts = " ".join(str(value) for row in method for value in row)
    assert "priority = 100 ×" in texts
    assert analysis.coverage.method_text() in texts


def test_the_zip_holds_every_table_and_the_method(analysis):
    archive = zipfile.ZipFile(io.BytesIO(exports.tables_zip(analysis)))
    names = sorted(archive.namelist())
    assert names == sorted(
        [f"lueckenanalyse-teststadt-{code}.csv" for code in exports.TABLES]
        + ["lueckenanalyse-teststadt-method.txt"]
    )
    assert archive.read("lueckenanalyse-teststadt-areas.csv").startswith(b"\xef\xbb\xbf")
