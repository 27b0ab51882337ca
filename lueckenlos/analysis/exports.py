"""The gap analysis as tables to take away: CSV for any spreadsheet, XLSX with a sheet each.

Four tables come from the computation core, as its `table_rows()` give them: the coverage
matrix (every area × life phase × field of action), the area table (need, gaps and
priority by rank), reach (every cell with offers × area, at the chosen distance) and the
transitions (every transition × area, with the bridging offers). A figure the small-number
rule withholds is an empty cell, never 0, with the reason in the row's "note" column.

CSV files are written for German Excel: UTF-8 with a byte order mark, semicolons between
fields and a decimal comma. The XLSX holds numbers as numbers and a sheet "Method" with
how every table was computed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lueckenlos.analysis.basis import level_of
from lueckenlos.analysis.cache import data_state
from lueckenlos.analysis.coverage import CoverageReport, coverage
from lueckenlos.analysis.priority import PriorityReport, PriorityWeights, priority
from lueckenlos.analysis.reach import DEFAULT_DISTANCE_M, ReachReport, reach
from lueckenlos.analysis.transitions import TransitionReport, transitions
from lueckenlos.areas.models import AreaLevel, Kommune

MATRIX = "matrix"
AREAS = "areas"
REACH = "reach"
TRANSITIONS = "transitions"
TABLES = (MATRIX, AREAS, REACH, TRANSITIONS)
CSV_DELIMITER = ";"
DECIMALS = 4
MAX_COLUMN_WIDTH = 60


@dataclass
class Column:
    key: str
    header: str
    width: int = 14


@dataclass
class Table:
    """One table of the export: its sheet name, columns and rows of plain values."""

    code: str
    title: str
    columns: list[Column]
    rows: list[dict]


@dataclass
class GapAnalysis:
    """Everything one export of a Kommune's gap analysis holds, computed once."""

    kommune: Kommune
    level: AreaLevel | None
    distance_m: int
    coverage: CoverageReport
    priority: PriorityReport
    reach: ReachReport
    transitions: TransitionReport
    tables: dict[str, Table] = field(default_factory=dict)

    def method_sections(self) -> list[tuple[str, str]]:
        """(heading, text) for every part of the analysis."""
        return [
            (_("Coverage matrix"), self.coverage.method_text()),
            (_("Reach"), self.reach.method_text()),
            (_("Need and priority"), self.priority.method_text()),
            (_("Transitions"), self.transitions.method_text()),
        ]


def default_level(kommune: Kommune) -> AreaLevel | None:
    """The finest area level of the Kommune (in Berlin the Planungsraum); None without."""
    return AreaLevel.objects.for_kommune(kommune).order_by("-depth").first()


def gap_analysis(
    kommune: Kommune,
    *,
    level: AreaLevel | int | str | None = None,
    distance_m: int = DEFAULT_DISTANCE_M,
    weights: PriorityWeights | None = None,
) -> GapAnalysis:
    """The cached results of the core for one Kommune, level and distance, as tables.

    `level` by object, primary key, depth or name; None: the finest level. Raises
    AreaLevel.DoesNotExist for a level the Kommune lacks."""
    chosen = level_of(kommune, level) if level is not None else default_level(kommune)
    state = data_state(kommune)
    priorities = priority(
        kommune, level=chosen, distance_m=distance_m, weights=weights, state=state
    )
    analysis = GapAnalysis(
        kommune=kommune,
        level=chosen,
        distance_m=distance_m,
        coverage=coverage(kommune, level=chosen, state=state),
        priority=priorities,
        reach=reach(
            kommune, priorities.selections, distances=(distance_m,), level=chosen, state=state
        ),
        transitions=transitions(kommune, level=chosen, state=state),
    )
    analysis.tables = {
        MATRIX: matrix_table(analysis.coverage),
        AREAS: area_table(analysis.priority),
        REACH: reach_table(analysis.reach),
        TRANSITIONS: transition_table(analysis.transitions),
    }
    return analysis


def _area_columns() -> list[Column]:
    return [Column("area_code", _("Area code"), 12), Column("area", _("Area"), 30)]


def matrix_table(report: CoverageReport) -> Table:
    return Table(
        MATRIX,
        pgettext("sheet", "Coverage matrix"),
        [
            *_area_columns(),
            Column("life_phase", _("Life phase"), 24),
            Column("field_of_action", _("Field of action"), 24),
            Column("offers", _("Offers")),
            Column("offers_without_location", _("Offers without location")),
            Column("children", _("Children of the life phase")),
            Column("places", _("Places")),
            Column("places_per_100_children", _("Places per 100 children")),
            Column("kommune_places_per_100_children", _("Kommune: places per 100 children")),
            Column("offers_per_1000_children", _("Offers per 1,000 children")),
            Column("kommune_offers_per_1000_children", _("Kommune: offers per 1,000 children")),
            Column("empty", _("Empty"), 8),
            Column("weak", _("Weak"), 8),
            Column("note", _("Note"), 50),
        ],
        report.table_rows(),
    )


def area_table(report: PriorityReport) -> Table:
    return Table(
        AREAS,
        pgettext("sheet", "Areas"),
        [
            Column("rank", _("Rank"), 8),
            *_area_columns(),
            Column("indicator", _("Need indicator"), 24),
            Column("indicator_value", _("Indicator value")),
            Column("need", _("Need (0–1)")),
            Column("supply_gap", _("Supply gap (0–1)")),
            Column("reach_gap", _("Reach gap (0–1)")),
            Column("priority", _("Priority (0–100)")),
            Column("empty_cells", _("Empty cells")),
            Column("left_out", _("Note"), 50),
        ],
        [
            # A part left out of the priority is named in the note, as withheld figures are.
            {**row, "left_out": _("left out: %(parts)s") % {"parts": row["left_out"]}}
            if row["left_out"]
            else row
            for row in report.table_rows()
        ],
    )


def reach_table(report: ReachReport) -> Table:
    return Table(
        REACH,
        pgettext("sheet", "Reach"),
        [
            Column("selection", _("Offers"), 36),
            Column("ages", _("Ages"), 16),
            Column("distance_m", _("Distance (m)"), 10),
            *_area_columns(),
            Column("offers", _("Matching offers")),
            Column("children", _("Children")),
            Column("children_reached", _("Children within the distance")),
            Column("share_reached", _("Share within the distance")),
            Column("note", _("Note"), 50),
        ],
        report.table_rows(),
    )


def transition_rows(report: TransitionReport) -> list[dict]:
    """One row per transition for the Kommune, then one per transition and area."""
    rows = []
    for row in report.rows:
        common = {
            "transition": row.transition.label,
            "from_phase": row.from_phase.label if row.from_phase else "",
            "to_phase": row.to_phase.label if row.to_phase else "",
        }
        rows.append(
            {
                **common,
                "area_code": "",
                "area": report.kommune_name,
                "offers": len(row.offers),
                "offers_without_location": row.offers_without_location,
                "without_bridge": not row.offers,
                "offer_names": ", ".join(offer.name for offer in row.offers),
            }
        )
        names = {offer.id: offer.name for offer in row.offers}
        for entry in row.areas:
            rows.append(
                {
                    **common,
                    "area_code": entry.area.code,
                    "area": entry.area.name,
                    "offers": entry.offers,
                    "offers_without_location": 0,
                    "without_bridge": not entry.offer_ids,
                    "offer_names": ", ".join(sorted(names.get(pk, "") for pk in entry.offer_ids)),
                }
            )
    return rows


def transition_table(report: TransitionReport) -> Table:
    return Table(
        TRANSITIONS,
        pgettext("sheet", "Transitions"),
        [
            Column("transition", _("Transition"), 30),
            Column("from_phase", _("From life phase"), 20),
            Column("to_phase", _("To life phase"), 20),
            *_area_columns(),
            Column("offers", _("Bridging offers")),
            Column("offers_without_location", _("Offers without location")),
            Column("without_bridge", _("Without bridge"), 10),
            Column("offer_names", _("Offers"), 60),
        ],
        transition_rows(report),
    )


# --- CSV -------------------------------------------------------------------------------


def _csv_value(value: object) -> str:
    if value is None:
        return ""  # withheld or unknown: empty, the note says why
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        text = f"{round(value, DECIMALS):.{DECIMALS}f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def table_csv(table: Table) -> bytes:
    """The table as CSV for German Excel (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([column.header for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(column.key)) for column in table.columns])
    return out.getvalue().encode("utf-8-sig")


def csv_file_name(analysis: GapAnalysis, code: str) -> str:
    return f"{file_stem(analysis)}-{code}.csv"


def tables_zip(analysis: GapAnalysis) -> bytes:
    """Every table as a CSV file, and the method as a text file, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for code, table in analysis.tables.items():
            archive.writestr(csv_file_name(analysis, code), table_csv(table))
        archive.writestr(f"{file_stem(analysis)}-method.txt", method_text(analysis).encode())
    return buffer.getvalue()


def method_text(analysis: GapAnalysis) -> str:
    return "\n\n".join(f"{heading}\n{text}" for heading, text in method_lines(analysis))


def method_lines(analysis: GapAnalysis) -> list[tuple[str, str]]:
    """The settings of the export, then how each table was computed."""
    level = analysis.level.name if analysis.level is not None else "–"
    settings_text = _(
        "Kommune: %(kommune)s. Area level: %(level)s. Distance for reach: %(distance)s m."
    ) % {"kommune": analysis.kommune.name, "level": level, "distance": analysis.distance_m}
    return [
        (_("Gap analysis"), settings_text),
        *analysis.method_sections(),
        (
            _("Withheld figures"),
            _(
                "Figures withheld by the small-number rule are empty cells, never 0; the "
                "column “Note” says why."
            ),
        ),
    ]


def file_stem(analysis: GapAnalysis) -> str:
    # German, as the product's first language, and the same whatever the reader's language.
    return f"lueckenanalyse-{analysis.kommune.slug}"


# --- XLSX ------------------------------------------------------------------------------


def _xlsx_value(value: object) -> object:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return round(value, DECIMALS)
    return value  # None stays an empty cell


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]


def tables_xlsx(analysis: GapAnalysis) -> bytes:
    """One sheet per table (bold, frozen header; widths set) and a sheet with the method."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in analysis.tables.values():
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append([column.header for column in table.columns])
        for row in table.rows:
            sheet.append([_xlsx_value(row.get(column.key)) for column in table.columns])
        for index, column in enumerate(table.columns, start=1):
            sheet.cell(row=1, column=index).font = bold
            sheet.cell(row=1, column=index).alignment = Alignment(wrap_text=True)
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = min(
                max(column.width, len(column.header) // 2 + 2), MAX_COLUMN_WIDTH
            )
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    method = workbook.create_sheet(_sheet_title(pgettext("sheet", "Method")))
    method.column_dimensions["A"].width = 24
    method.column_dimensions["B"].width = 110
    method.append([_("Part"), _("How it is computed")])
    method["A1"].font = bold
    method["B1"].font = bold
    method.freeze_panes = "A2"
    for heading, text in method_lines(analysis):
        method.append([heading, text])
        method.cell(row=method.max_row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        method.cell(row=method.max_row, column=1).alignment = Alignment(vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- by format -------------------------------------------------------------------------

CSV = "csv"
XLSX = "xlsx"
PDF = "pdf"
ZIP = "zip"
FORMATS = (CSV, XLSX, PDF, ZIP)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
    ZIP: "application/zip",
}


def export_bytes(analysis: GapAnalysis, fmt: str, *, table: str = AREAS) -> bytes:
    """The analysis in `fmt`; CSV holds one table (`table`), ZIP every table as CSV."""
    writers: dict[str, Callable[[], bytes]] = {
        CSV: lambda: table_csv(analysis.tables[table]),
        XLSX: lambda: tables_xlsx(analysis),
        ZIP: lambda: tables_zip(analysis),
        PDF: lambda: _pdf(analysis),
    }
    return writers[fmt]()


def _pdf(analysis: GapAnalysis) -> bytes:
    from lueckenlos.analysis.report import report_pdf  # WeasyPrint loads only when asked

    return report_pdf(analysis)


def export_file_name(analysis: GapAnalysis, fmt: str, *, table: str = AREAS) -> str:
    if fmt == CSV:
        return csv_file_name(analysis, table)
    return f"{file_stem(analysis)}.{fmt}"
