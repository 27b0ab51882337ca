"""Reading the tables people bring: encodings, delimiters, header rows, XLSX cells, lying files."""

from __future__ import annotations

import datetime as dt
import io
import sys
import types
import zipfile

import openpyxl
import pytest

from lueckenlos.interop.tabular import Row, Table, TableError, read_table


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_utf8_with_bom():
    data = "\ufeffName;Straße\nKita Süd;Hauptstraße 1\n".encode()

    table = read_table(data, filename="angebote.csv")

    assert table.encoding == "utf-8-sig"
    # The BOM must not stick to the first column title, or "Name" would never be mapped.
    assert table.columns == ["Name", "Straße"]
    assert table.rows[0].values == {"Name": "Kita Süd", "Straße": "Hauptstraße 1"}


def test_it_reads_utf8_without_bom():
    table = read_table("Name;Ort\nFamilienzentrum;Köln\n".encode(), filename="a.csv")

    assert table.encoding == "utf-8"
    assert table.rows[0].values["Ort"] == "Köln"


def test_it_reads_windows_1252_as_excel_saves_it():
    # „Straße“ with typographic quotes and € exist in cp1252 but not in Latin-1.
    data = "Name;Straße;Kosten\n„Kita“ Süd;Hauptstraße 1;5 €\n".encode("cp1252")

    table = read_table(data, filename="a.csv")

    assert table.encoding == "cp1252"
    assert table.rows[0].values == {
        "Name": "„Kita“ Süd",
        "Straße": "Hauptstraße 1",
        "Kosten": "5 €",
    }


def test_it_falls_back_to_latin1_for_bytes_windows_1252_lacks():
    # 0x81 is undefined in cp1252; Latin-1 reads every byte.
    data = b"Name;Ort\nKita\x81;M\xfcnchen\n"

    table = read_table(data, filename="a.csv")

    assert table.encoding == "latin-1"
    assert table.rows[0].values["Ort"] == "München"


def test_it_reads_utf16_unicode_text_from_excel():
    data = "Name\tOrt\nKita\tKöln\n".encode("utf-16")

    table = read_table(data, filename="a.txt")

    assert table.delimiter == "\t"
    assert table.rows[0].values == {"Name": "Kita", "Ort": "Köln"}


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_it_sniffs_the_delimiter(delimiter):
    lines = [["Name", "PLZ", "Ort"], ["Kita A", "12619", "Berlin"], ["Kita B", "12627", "Berlin"]]
    data = "\n".join(delimiter.join(cells) for cells in lines).encode()

    table = read_table(data, filename="a.csv")

    assert table.delimiter == delimiter
    assert table.columns == ["Name", "PLZ", "Ort"]
    assert [row.values["PLZ"] for row in table.rows] == ["12619", "12627"]


def test_commas_in_descriptions_do_not_fool_the_sniffer():
    data = (
        b"Name;Beschreibung;PLZ\n"
        b"Kita A;Singen, Spielen, Toben;12619\n"
        b"Kita B;Malen, Basteln;12627\n"
        b"Kita C;Ruhig;12629\n"
    )

    table = read_table(data, filename="a.csv")

    assert table.delimiter == ";"
    assert table.rows[0].values["Beschreibung"] == "Singen, Spielen, Toben"


def test_it_finds_the_header_below_a_title_and_blank_lines():
    data = (
        "Angebote Marzahn-Hellersdorf, Stand 05/2024;;;\n"
        ";;;\n"
        "Name;Straße;PLZ;Ort\n"
        "Kita A;Allee 1;12619;Berlin\n"
        ";;;\n"
        "Kita B;Weg 2;12627;Berlin\n"
    ).encode()

    table = read_table(data, filename="a.csv")

    assert table.header_row == 3
    assert table.columns == ["Name", "Straße", "PLZ", "Ort"]
    # Row numbers are the lines the user sees in the file; the empty line 5 is dropped.
    assert [row.number for row in table.rows] == [4, 6]


def test_row_numbers_count_lines_of_quoted_cells_with_line_breaks():
    data = b'Name;Beschreibung\nKita A;"Zeile eins\nZeile zwei"\nKita B;kurz\n'

    table = read_table(data, filename="a.csv")

    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].values["Beschreibung"] == "Zeile eins\nZeile zwei"


def test_cells_are_stripped_and_short_rows_filled():
    data = "Name ; Ort ;PLZ\n  Kita A  ;\u00a0Berlin\n".encode()

    table = read_table(data, filename="a.csv")

    assert table.columns == ["Name", "Ort", "PLZ"]
    assert table.rows[0].values == {"Name": "Kita A", "Ort": "Berlin", "PLZ": ""}


def test_duplicate_and_missing_titles_are_made_unique(english):
    data = b"Name;Name;;Ort\nA;B;C;D\n"

    table = read_table(data, filename="a.csv")

    assert table.columns == ["Name", "Name (2)", "Column 3", "Ort"]
    assert table.rows[0].values == {"Name": "A", "Name (2)": "B", "Column 3": "C", "Ort": "D"}


def test_it_reads_xlsx_numbers_and_dates_as_a_person_sees_them():
    data = xlsx_bytes(
        {
            "Angebote": [
                ["Liste der Angebote"],
                [],
                ["Name", "PLZ", "Alter bis", "Breitengrad", "Zuletzt bestätigt", "Barrierefrei"],
                ["Kita A", 12619, 72.0, 52.5361234, dt.datetime(2024, 5, 3), True],
                ["Kita B", 12627, None, 52.5, dt.date(2023, 1, 31), False],
            ]
        }
    )

    table = read_table(data, filename="angebote.xlsx")

    assert table.encoding is None and table.delimiter is None
    assert table.sheet == "Angebote"
    assert table.header_row == 3
    assert table.rows[0].number == 4
    assert table.rows[0].values == {
        "Name": "Kita A",
        "PLZ": "12619",
        "Alter bis": "72",
        "Breitengrad": "52.5361234",
        "Zuletzt bestätigt": "2024-05-03",
        "Barrierefrei": "WAHR",
    }
    assert table.rows[1].values["Alter bis"] == ""
    assert table.rows[1].values["Zuletzt bestätigt"] == "2023-01-31"


def test_it_reads_the_named_sheet_or_else_the_first_with_data():
    data = xlsx_bytes(
        {"Hinweise": [], "Kitas": [["Name"], ["Kita A"]], "Horte": [["Name"], ["Hort B"]]}
    )

    assert read_table(data, filename="a.xlsx").sheet == "Kitas"
    assert read_table(data, filename="a.xlsx", sheet="Horte").rows[0].values == {"Name": "Hort B"}


def test_it_names_the_sheets_when_the_sheet_does_not_exist(english):
    data = xlsx_bytes({"Kitas": [["Name"], ["Kita A"]]})

    with pytest.raises(TableError, match="a.xlsx has no sheet “Horte”; its sheets are: Kitas"):
        read_table(data, filename="a.xlsx", sheet="Horte")


def test_it_refuses_an_empty_sheet(english):
    data = xlsx_bytes({"Kitas": [["Name"], ["Kita A"]], "Leer": []})

    with pytest.raises(TableError, match="The sheet “Leer” of a.xlsx is empty"):
        read_table(data, filename="a.xlsx", sheet="Leer")


def test_it_refuses_a_workbook_without_data(english):
    with pytest.raises(TableError, match="a.xlsx contains no data"):
        read_table(xlsx_bytes({"Tabelle1": []}), filename="a.xlsx")


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "angebote.csv", "is a PDF document"),
        (b"", "angebote.csv", "is empty"),
        (b"  \r\n\r\n", "angebote.csv", "is empty"),
        (b"Name;Ort\n", "angebote.csv", "has a header row \\(row 1\\) but no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "angebote.csv", "contains binary data"),
        (b"<!DOCTYPE html><html><table>", "angebote.csv", "is a web page"),
        (b"Name;Ort\nA;B\n", "angebote.xlsx", "is named like an Excel workbook but is not one"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "angebote.xls", "old Excel format"),
        (b"1;2;3\n4;5;6\n", "zahlen.csv", "No header row found"),
    ],
)
def test_it_refuses_files_that_are_not_what_they_claim(english, data, filename, reason):
    with pytest.raises(TableError, match=reason) as caught:
        read_table(data, filename=filename)

    # Every refusal names the file, so a user who uploaded several knows which one.
    assert filename in str(caught.value)


def test_it_refuses_a_zip_named_csv(english):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("angebote.csv", "Name\nA\n")

    with pytest.raises(TableError, match="angebote.csv is a ZIP archive"):
        read_table(buffer.getvalue(), filename="angebote.csv")


def test_it_refuses_an_excel_workbook_named_csv(english):
    data = xlsx_bytes({"Kitas": [["Name"], ["Kita A"]]})

    with pytest.raises(TableError, match="named like a CSV file but is an Excel workbook"):
        read_table(data, filename="angebote.csv")


def test_it_refuses_an_oversized_file(english, settings):
    settings.LUECKENLOS_MAX_IMPORT_BYTES = 1024 * 1024
    data = b"Name;Ort\n" + b"Kita;Berlin\n" * 100_000

    with pytest.raises(TableError, match="angebote.csv is too large \\(1 MB\\); at most 1 MB"):
        read_table(data, filename="angebote.csv")


def test_it_hands_geojson_to_the_point_reader(monkeypatch):
    # The point reader is helper code of its own (reprojection); here only the hand-over counts.
    seen = {}

    def read_points(data, *, filename):
        seen["filename"] = filename
        return Table(filename, ["e_name"], [Row(1, {"e_name": "Kita"})], None, None, None, 1)

    fake = types.ModuleType("lueckenlos.interop.geodata.points")
    fake.read_points = read_points
    monkeypatch.setitem(sys.modules, "lueckenlos.interop.geodata.points", fake)

    table = read_table(b'{"type": "FeatureCollection", "features": []}', filename="kitas.geojson")

    assert seen == {"filename": "kitas.geojson"}
    assert table.rows[0].values == {"e_name": "Kita"}
