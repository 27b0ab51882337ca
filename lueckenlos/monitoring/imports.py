"""Importing indicator values per area and reference date from statistics offices' tables.

Two shapes are read. Long: one row per area, indicator and date, with a value column and
optionally numerator and denominator (the value is then computed where the file leaves it
empty). Wide: one row per area, one column per indicator code, the date given by the caller.
Markers of withheld or invalid values ("–", ".", "x", "-9999", "/" …) are stored as missing
with the marker named, never as 0; German decimal commas are read. Unknown areas and
indicators are row errors naming row and column; all rows are stored, or none. Re-importing
the same file changes nothing; a newer file updates the values it carries.

`indicator_values_plan` reads and checks a file against the stored values without writing
(the workspace's preview, the command's dry run); `indicator_values_import` writes the plan
as one recoverable batch (services.values_apply). Both pages and the command use them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.interop.geodata.columns import chosen_column, guess_column, title_key
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError, Problem
from lueckenlos.interop.geodata.population import SUPPRESSION_MARKERS, missing_reason
from lueckenlos.interop.tabular import Table
from lueckenlos.monitoring.models import Indicator, ValueBatch
from lueckenlos.monitoring.services import Key, State, values_apply, values_diff

WIDE = "wide"
LONG = "long"
AREA_NAMES = (
    "area code",
    "area",
    "Gebiet",
    "Gebietsschlüssel",
    "Raumschlüssel",
    "PLR",
    "PLR_ID",
    "Planungsraum",
    "Schlüssel",
    "Raum",
    "code",
)
INDICATOR_NAMES = ("indicator", "Indikator", "Kennziffer", "Indikatorcode", "Merkmal", "Kennzahl")
VALUE_NAMES = ("value", "Wert", "Anteil", "Quote", "Rate")
DATE_NAMES = ("date", "reference date", "Stichtag", "Datum", "Bezugsdatum", "Jahr", "year")
NUMERATOR_NAMES = ("numerator", "Zähler", "Zaehler")
DENOMINATOR_NAMES = ("denominator", "Nenner", "Bezugsgröße")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass
class IndicatorReport:
    file: str
    layout: str
    area_column: str
    indicators: list[str] = field(default_factory=list)  # codes read
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: Counter = field(default_factory=Counter)  # by reason
    skipped_rows: int = 0  # rows of other indicators (--indicator) or unknown areas (skip)
    batch: ValueBatch | None = None  # once stored

    @property
    def missing_total(self) -> int:
        return sum(self.missing.values())


@dataclass
class _Figure:
    row: int
    value: float | None
    reason: str
    numerator: float | None = None
    denominator: float | None = None


def parse_value(text: str) -> tuple[float | None, str]:
    """(number, marker): a withheld value has no number and names its marker ("" for an
    empty cell); ValueError for anything else. "12,5", "1.234,5", "1,234.5", "12,5 %" read."""
    text = text.strip()
    if not text:
        return None, ""
    if text in SUPPRESSION_MARKERS:
        return None, text
    number = re.sub(r"[\s\u00a0\u202f%]", "", text)
    if "," in number and "." in number:
        if number.rfind(",") > number.rfind("."):
            number = number.replace(".", "").replace(",", ".")
        else:
            number = number.replace(",", "")
    else:
        number = number.replace(",", ".")
    value = float(number)  # ValueError for text
    if not math.isfinite(value):
        raise ValueError(text)
    return value, ""


def parse_date(text: str) -> dt.date:
    """ "2022-12-31", "31.12.2022", or a year ("2022" is its 31 December); ValueError else."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    match = _GERMAN_DATE.match(text)
    if match:
        day, month, year = (int(n) for n in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text[:10])


class _Areas:
    """Area codes of the Kommune valid on a date; a code without its leading zeros matches."""

    def __init__(self, kommune: Kommune):
        self.kommune = kommune
        self._by_date: dict[dt.date | None, dict[str, Area]] = {}

    def codes(self, day: dt.date | None) -> dict[str, Area]:
        if day not in self._by_date:
            areas = Area.objects.for_kommune(self.kommune)
            if day is not None:
                areas = areas.valid_on(day)
            self._by_date[day] = {a.code: a for a in areas.only("pk", "code")}
        return self._by_date[day]

    def find(self, code: str, day: dt.date | None) -> Area | None:
        areas = self.codes(day)
        if code in areas:
            return areas[code]
        if code.isdigit():
            widths = {len(c) for c in areas}
            found = {areas[c] for w in widths if (c := code.zfill(w)) in areas}
            if len(found) == 1:
                return found.pop()
        return None


def _indicator_for(indicators: dict[str, Indicator], text: str) -> Indicator | None:
    """By code, loosely ("KI_01" = "KI 01" = "ki01")."""
    if text in indicators:
        return indicators[text]
    key = title_key(text)
    matches = [i for code, i in indicators.items() if title_key(code) == key]
    return matches[0] if len(matches) == 1 else None


def _area_column(table: Table, areas: _Areas, wanted: str | None, day: dt.date | None) -> str:
    if wanted:
        return chosen_column(table.columns, wanted, option="--area-column")
    hits = {
        column: sum(1 for row in table.rows if areas.find(row.values[column], day))
        for column in table.columns
    }
    best = max(hits, key=hits.get, default=None)
    if best is None or hits[best] == 0:
        named = guess_column(table.columns, AREA_NAMES)
        if named and table.rows:
            return named
        raise OptionError(
            _(
                "%(file)s: no column holds codes of the areas of this Kommune; name it with "
                "--area-column. Its columns are: %(columns)s."
            )
            % {"file": table.filename, "columns": ", ".join(table.columns)}
        )
    return best


@dataclass
class IndicatorPlan:
    """What importing a file would do: its report with the counts, every row problem, and
    the values wanted per (indicator, area, date)."""

    report: IndicatorReport
    problems: list[Problem]
    wanted: dict[Key, State]


@transaction.atomic
def indicator_values_import(
    *,
    kommune: Kommune,
    table: Table,
    acting_user=None,
    **options,
) -> IndicatorReport:
    """Store the file's values as one batch: all rows, or none (ImportRejected lists every
    problem). The options are those of indicator_values_plan."""
    plan = indicator_values_plan(kommune=kommune, table=table, **options)
    if plan.problems:
        raise ImportRejected(plan.problems)
    plan.report.batch = values_apply(
        kommune=kommune,
        wanted=dict(plan.wanted),
        kind=ValueBatch.Kind.IMPORT,
        source=table.filename,
        acting_user=acting_user,
    )
    return plan.report


def indicator_values_plan(
    *,
    kommune: Kommune,
    table: Table,
    reference_date: dt.date | None = None,
    indicator_code: str | None = None,
    area_column: str | None = None,
    layout: str | None = None,
    skip_unknown_areas: bool = False,
) -> IndicatorPlan:
    """Read and check the file against the stored values; write nothing.

    Long files take the date from their date column (else `reference_date`); wide files
    need `reference_date`. With `indicator_code` only that indicator is read: a wide file
    may then carry its values in a column named "value"/"Wert". A file the options do not
    fit raises OptionError; problems of single rows are collected in the plan.
    """
    indicators = {i.code: i for i in Indicator.objects.filter(kommune=kommune)}
    if indicator_code is not None:
        only = indicators.get(indicator_code)
        if only is None:
            raise OptionError(
                _("--indicator: %(kommune)s has no indicator “%(code)s”; known are: %(known)s.")
                % {
                    "kommune": kommune.name,
                    "code": indicator_code,
                    "known": ", ".join(sorted(indicators)) or "–",
                }
            )
    areas = _Areas(kommune)
    column_of_area = _area_column(table, areas, area_column, reference_date)
    others = [c for c in table.columns if c != column_of_area]
    indicator_column = guess_column(others, INDICATOR_NAMES)
    kind = layout or (LONG if indicator_column else WIDE)
    report = IndicatorReport(file=table.filename, layout=kind, area_column=column_of_area)
    problems: list[Problem] = []
    figures: dict[tuple[int, int, dt.date], _Figure] = {}

    def problem(row: int, column: str, value: str, reason: str) -> None:
        problems.append(Problem(table.filename, row, column, value, reason))

    def number(row: int, column: str, text: str) -> tuple[float | None, str] | None:
        try:
            return parse_value(text)
        except ValueError:
            problem(
                row,
                column,
                text,
                _("neither a number nor a mark of a withheld value (%(markers)s).")
                % {"markers": " ".join(SUPPRESSION_MARKERS)},
            )
            return None

    def add(row: int, column: str, area: Area, indicator: Indicator, day: dt.date, fig: _Figure):
        key = (indicator.pk, area.pk, day)
        earlier = figures.get(key)
        if earlier is not None:
            problem(
                row,
                column,
                area.code,
                _(
                    "area %(area)s, indicator %(code)s and date %(date)s already given in row "
                    "%(row)s."
                )
                % {"area": area.code, "code": indicator.code, "date": day, "row": earlier.row},
            )
            return
        figures[key] = fig
        if indicator.code not in report.indicators:
            report.indicators.append(indicator.code)

    def area_of(row, day: dt.date) -> Area | None:
        code = row.values[column_of_area]
        area = areas.find(code, day)
        if area is None and not skip_unknown_areas:
            problem(
                row.number,
                column_of_area,
                code,
                _("%(kommune)s has no area with this code valid on %(date)s.")
                % {"kommune": kommune.name, "date": day.isoformat()},
            )
        elif area is None:
            report.skipped_rows += 1
        return area

    if kind == WIDE:
        if reference_date is None:
            raise OptionError(
                _("%(file)s: a wide table (one column per indicator) needs --date.")
                % {"file": table.filename}
            )
        columns: dict[str, Indicator] = {}
        for column in others:
            indicator = _indicator_for(indicators, column)
            if indicator is not None and (
                indicator_code is None or indicator.code == indicator_code
            ):
                columns[column] = indicator
        if not columns and indicator_code is not None:
            value_column = guess_column(others, VALUE_NAMES)
            if value_column:
                columns[value_column] = indicators[indicator_code]
        if not columns:
            raise OptionError(
                _(
                    "%(file)s: no column is named by an indicator code of %(kommune)s (%(known)s) "
                    "and no column names the indicator of each row."
                )
                % {
                    "file": table.filename,
                    "kommune": kommune.name,
                    "known": ", ".join(sorted(indicators)) or "–",
                }
            )
        report.ignored_columns = [c for c in others if c not in columns]
        for row in table.rows:
            area = area_of(row, reference_date)
            if area is None:
                continue
            for column, indicator in columns.items():
                parsed = number(row.number, column, row.values[column])
                if parsed is not None:
                    value, marker = parsed
                    reason = missing_reason(marker) if value is None else ""
                    figure = _Figure(row.number, value, reason)
                    add(row.number, column, area, indicator, reference_date, figure)
    else:
        if indicator_column is None:
            raise OptionError(
                _("%(file)s: no column names the indicator (like “Indikator”).")
                % {"file": table.filename}
            )
        rest = [c for c in others if c != indicator_column]
        value_column = guess_column(rest, VALUE_NAMES)
        numerator_column = guess_column(rest, NUMERATOR_NAMES)
        denominator_column = guess_column(rest, DENOMINATOR_NAMES)
        date_column = guess_column(rest, DATE_NAMES)
        if value_column is None and not (numerator_column and denominator_column):
            raise OptionError(
                _(
                    "%(file)s: which column holds the values (like “Wert”)? Its columns are: "
                    "%(columns)s."
                )
                % {"file": table.filename, "columns": ", ".join(table.columns)}
            )
        if date_column is None and reference_date is None:
            raise OptionError(
                _("%(file)s: no date column (like “Stichtag”); give the date with --date.")
                % {"file": table.filename}
            )
        used = {column_of_area, indicator_column, value_column, numerator_column}
        used |= {denominator_column, date_column}
        report.ignored_columns = [c for c in table.columns if c not in used]
        for row in table.rows:
            code = row.values[indicator_column]
            indicator = _indicator_for(indicators, code)
            if indicator is None:
                problem(
                    row.number,
                    indicator_column,
                    code,
                    _("%(kommune)s has no indicator with this code; known are: %(known)s.")
                    % {"kommune": kommune.name, "known": ", ".join(sorted(indicators)) or "–"},
                )
                continue
            if indicator_code is not None and indicator.code != indicator_code:
                report.skipped_rows += 1
                continue
            day = reference_date
            if date_column and row.values[date_column]:
                try:
                    day = parse_date(row.values[date_column])
                except ValueError:
                    problem(
                        row.number,
                        date_column,
                        row.values[date_column],
                        _("not a date (like 2022-12-31, 31.12.2022 or 2022)."),
                    )
                    continue
            if day is None:
                problem(row.number, date_column, "", _("no date; give one here or with --date."))
                continue
            area = area_of(row, day)
            parts = []
            for column in (value_column, numerator_column, denominator_column):
                parsed = number(row.number, column, row.values[column]) if column else (None, "")
                parts.append(parsed)
            if area is None or None in parts:
                continue
            (value, marker), (numerator, _m1), (denominator, _m2) = parts
            if value is None and not marker and numerator is not None and denominator:
                value = numerator / denominator * indicator.scale
            reason = missing_reason(marker) if value is None else ""
            figure = _Figure(row.number, value, reason, numerator, denominator)
            add(row.number, value_column or numerator_column, area, indicator, day, figure)
    wanted = {
        key: State(figure.value, figure.reason, figure.numerator, figure.denominator)
        for key, figure in figures.items()
    }
    for figure in figures.values():
        if figure.value is None:
            report.missing[figure.reason] += 1
    diff = values_diff(wanted)
    report.created, report.updated, report.unchanged = (
        len(diff.created),
        len(diff.updated),
        diff.unchanged,
    )
    return IndicatorPlan(report=report, problems=problems, wanted=wanted)
