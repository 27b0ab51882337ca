"""Reading the tables people bring: CSV, XLSX and GeoJSON points as one `Table` of text cells.

Every importer (offers, areas, population, address registers) starts here, so that encoding
detection, delimiter sniffing, finding the header row and refusing files that are not what
they claim happen once and speak to the user the same way. Cells stay text: each importer
parses and validates values itself, with messages that name file, row, column and value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_IMPORT_BYTES = 100 * 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
# Rows looked at to sniff the delimiter and find the header row.
SNIFF_ROWS = 50
HEADER_SEARCH_ROWS = 30
# An XLSX is a ZIP; its unpacked size may exceed the file by this factor before we refuse it
# (shared strings compress well, but a zip bomb compresses far better).
MAX_XLSX_EXPANSION = 20

CSV_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
GEOJSON_SUFFIXES = {".geojson", ".json"}

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, .doc
PDF_MAGIC = b"%PDF"


class TableError(Exception):
    """A file that cannot be read as a table; str(exc) says why, naming the file, for the user."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # the row as the user sees it: line of the CSV / row of the sheet / feature no.
    values: dict[str, str]  # column title -> cell text (stripped; "" when empty), all columns


@dataclass
class Table:
    filename: str
    columns: list[str]  # column titles in file order (unique; duplicates get " (2)")
    rows: list[Row]  # data rows after the header; wholly empty rows dropped
    encoding: str | None  # "utf-8-sig", "utf-8", "utf-16", "cp1252", "latin-1"; None for XLSX
    delimiter: str | None  # None for XLSX/GeoJSON
    sheet: str | None
    header_row: int  # where the header was found (1-based)


def read_table(data: bytes, *, filename: str, sheet: str | None = None) -> Table:
    """Read a CSV, XLSX or GeoJSON point file into a Table, or refuse it with TableError."""
    limit = getattr(settings, "LUECKENLOS_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES)
    if len(data) > limit:
        raise TableError(
            _(
                "The file %(filename)s is too large (%(size)s MB); at most %(limit)s MB can be "
                "imported. Split it into smaller files."
            )
            % {"filename": filename, "size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    if not data.strip():
        raise TableError(_("The file %(filename)s is empty.") % {"filename": filename})

    kind = _kind_of(data, filename)
    if kind == "xlsx":
        return _read_xlsx(data, filename=filename, sheet=sheet)
    if kind == "geojson":
        # Lazily: the point reader pulls in pyproj, which plain CSV imports do not need.
        from lueckenlos.interop.geodata.points import read_points

        return read_points(data, filename=filename)
    return _read_csv(data, filename=filename)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}" if size >= 1024 * 1024 else f"{size / 1024 / 1024:.2f}"


def _kind_of(data: bytes, filename: str) -> str:
    """ "csv", "xlsx" or "geojson" from the name, checked against what the bytes really are."""
    suffix = PurePath(filename).suffix.lower()
    head = data[:8]
    is_zip = head.startswith(ZIP_MAGIC)
    if head.startswith(PDF_MAGIC):
        raise TableError(
            _(
                "The file %(filename)s is a PDF document, not a table. Export the table from "
                "the program it was made with as CSV or Excel (.xlsx)."
            )
            % {"filename": filename}
        )
    if head.startswith(OLE_MAGIC):
        raise TableError(
            _(
                "The file %(filename)s is in the old Excel format (.xls) or another legacy "
                "Office format. Save it as Excel workbook (.xlsx) or CSV and try again."
            )
            % {"filename": filename}
        )
    if is_zip:
        zip_kind = _zip_kind(data)
        if zip_kind == "xlsx" and suffix in XLSX_SUFFIXES | {""}:
            return "xlsx"
        if zip_kind == "ods":
            raise TableError(
                _(
                    "The file %(filename)s is an OpenDocument spreadsheet (.ods). Save it as "
                    "Excel workbook (.xlsx) or CSV and try again."
                )
                % {"filename": filename}
            )
        if zip_kind == "xlsx":
            raise TableError(
                _(
                    "The file %(filename)s is named like a %(claimed)s file but is an Excel "
                    "workbook. Rename it to .xlsx or export it as CSV."
                )
                % {"filename": filename, "claimed": suffix.lstrip(".").upper()}
            )
        raise TableError(
            _(
                "The file %(filename)s is a ZIP archive, not a table. Unpack it and upload "
                "the CSV or Excel file inside."
            )
            % {"filename": filename}
        )
    if suffix in XLSX_SUFFIXES:
        raise TableError(
            _(
                "The file %(filename)s is named like an Excel workbook but is not one. Open it "
                "in the program it was made with and save it as Excel workbook (.xlsx) or CSV."
            )
            % {"filename": filename}
        )
    if suffix in GEOJSON_SUFFIXES:
        return "geojson"
    if suffix not in CSV_SUFFIXES and data.lstrip()[:1] == b"{":
        return "geojson"
    return "csv"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return "ods"
    except (zipfile.BadZipFile, OSError, KeyError):
        return "zip"
    return "xlsx" if "xl/workbook.xml" in names else "zip"


# ---------------------------------------------------------------------------------------- CSV


def _read_csv(data: bytes, *, filename: str) -> Table:
    text, encoding = _decode(data, filename=filename)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # (line where the row starts, cells): line_num counts physical lines, so quoted cells
    # with line breaks still give the line number an editor shows.
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise TableError(
            _("The file %(filename)s cannot be read as CSV near line %(line)s: %(reason)s")
            % {"filename": filename, "line": line, "reason": exc}
        ) from exc
    return _table_from_records(
        records, filename=filename, encoding=encoding, delimiter=delimiter, sheet=None
    )


def _decode(data: bytes, *, filename: str) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with BOM or without), UTF-16 with BOM, Windows-1252, Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        encoding = "utf-16"
    else:
        encoding = ""
    candidates = [encoding] if encoding else ["utf-8", "cp1252", "latin-1"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise TableError(
            _("The file %(filename)s is not readable text in encoding %(encoding)s.")
            % {"filename": filename, "encoding": encoding}
        )
    if _looks_binary(text):
        raise TableError(
            _(
                "The file %(filename)s contains binary data, not text: it is not a CSV file. "
                "Export the table as CSV or Excel (.xlsx)."
            )
            % {"filename": filename}
        )
    if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html", "<?xml")):
        raise TableError(
            _(
                "The file %(filename)s is a web page or XML document, not a CSV table. "
                "Export the table as CSV or Excel (.xlsx)."
            )
            % {"filename": filename}
        )
    return text, candidate


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    control = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n\f\v")
    return "\x00" in sample or control > len(sample) // 100


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows most consistently into more than one cell."""
    sample_lines = []
    for line in io.StringIO(text, newline=None):
        if line.strip():
            sample_lines.append(line)
        if len(sample_lines) >= SNIFF_ROWS:
            break
    best, best_score = DELIMITERS[0], (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(cells) for cells in csv.reader(sample_lines, delimiter=delimiter)]
        widths = [width for width in widths if width > 1]
        if not widths:
            continue
        width, rows = Counter(widths).most_common(1)[0]
        # Consistency first, then the wider split (a description full of commas in a
        # ;-separated file gives ragged ","-widths, not a consistent one).
        score = (rows, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# -------------------------------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes, *, filename: str, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    limit = getattr(settings, "LUECKENLOS_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limit * MAX_XLSX_EXPANSION:
            raise TableError(
                _("The file %(filename)s unpacks to more than %(limit)s MB; it cannot be imported.")
                % {"filename": filename, "limit": _megabytes(limit * MAX_XLSX_EXPANSION)}
            )
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise TableError(
            _("The file %(filename)s is not a readable Excel workbook (.xlsx): %(reason)s")
            % {"filename": filename, "reason": exc}
        ) from exc
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise TableError(
                _("The file %(filename)s has no sheet “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"filename": filename, "sheet": sheet, "sheets": ", ".join(names)}
            )
        # Without a named sheet: the first one with data, as a person would look for it.
        for name in [sheet] if sheet is not None else names:
            worksheet = workbook[name]
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet
                continue
            worksheet.reset_dimensions()  # some writers store a wrong dimension
            records = []
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                texts = [_cell_text(value) for value in cells]
                if any(texts):
                    records.append((number, texts))
            if records:
                return _table_from_records(
                    records, filename=filename, encoding=None, delimiter=None, sheet=name
                )
    finally:
        workbook.close()
    if sheet is not None:
        raise TableError(
            _("The sheet “%(sheet)s” of %(filename)s is empty.")
            % {"filename": filename, "sheet": sheet}
        )
    raise TableError(
        _("The Excel workbook %(filename)s contains no data: all its sheets are empty.")
        % {"filename": filename}
    )


def _cell_text(value: object) -> str:
    """The text a person sees in the cell: 3 not 3.0, dates as YYYY-MM-DD.

    Decimal fractions keep a decimal point (52.5123) so that they parse like CSV cells.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    return str(value).strip()


# ------------------------------------------------------------------------------ Header, rows


def _table_from_records(
    records: list[tuple[int, list[str]]],
    *,
    filename: str,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
) -> Table:
    """Find the header among the first records and turn the rest into Rows."""
    records = [(number, [cell.strip() for cell in cells]) for number, cells in records]
    records = [(number, cells) for number, cells in records if any(cells)]
    if not records:
        raise TableError(_("The file %(filename)s is empty.") % {"filename": filename})
    index = _header_index(records)
    if index is None:
        raise TableError(
            _(
                "No header row found in %(filename)s: the first %(count)s rows contain no row "
                "of column titles (the header must be the row of titles above the data)."
            )
            % {"filename": filename, "count": min(len(records), HEADER_SEARCH_ROWS)}
        )
    header_number, header = records[index]
    body = records[index + 1 :]
    width = max([len(header), *(len(cells) for _number, cells in body)])
    titles = header + [""] * (width - len(header))
    # Columns without a title are kept only when they hold data, named by their position.
    used = [any(i < len(cells) and cells[i] for _number, cells in body) for i in range(width)]
    positions = [i for i in range(width) if titles[i] or used[i]]
    columns = _unique([titles[i] or _("Column %(number)s") % {"number": i + 1} for i in positions])
    if not body:
        raise TableError(
            _("The file %(filename)s has a header row (row %(row)s) but no data rows.")
            % {"filename": filename, "row": header_number}
        )
    pairs = list(zip(columns, positions, strict=True))
    rows = []
    for number, cells in body:
        cells = cells + [""] * (width - len(cells))
        rows.append(Row(number=number, values={title: cells[i] for title, i in pairs}))
    return Table(
        filename=filename,
        columns=columns,
        rows=rows,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        header_row=header_number,
    )


def _header_index(records: list[tuple[int, list[str]]]) -> int | None:
    """Index of the header: the first row that fills most of the table's width with titles.

    Title lines above the header ("Angebote Marzahn-Hellersdorf, Stand 05/2024") fill one or two
    cells; the header names (nearly) every column, and not with numbers only.
    """
    head = records[:HEADER_SEARCH_ROWS]
    filled = [sum(1 for cell in cells if cell) for _number, cells in head]
    width = max(filled)
    for index, count in enumerate(filled):
        if count >= max(1, (width * 6 + 9) // 10):
            cells = [cell for cell in head[index][1] if cell]
            # A row of numbers only is data: the file has no header at all.
            if len(cells) > 1 and all(_is_number(cell) for cell in cells):
                return None
            return index
    return None


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _unique(titles: list[str]) -> list[str]:
    """Titles made unique: a second "Name" becomes "Name (2)"."""
    seen: Counter[str] = Counter()
    result = []
    taken = set(titles)
    for title in titles:
        seen[title] += 1
        if seen[title] == 1:
            result.append(title)
            continue
        number = seen[title]
        while f"{title} ({number})" in taken:
            number += 1
        result.append(f"{title} ({number})")
        taken.add(result[-1])
    return result
