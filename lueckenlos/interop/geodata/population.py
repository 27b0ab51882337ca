"""Importing population by age band per area from the statistics office's tables.

Two layouts are read: wide (one row per area, one column per age band, like Berlin's
einwohnerbestand_06-2022_plr.csv) and long (one row per area and age band, with a count
column). Markers of withheld values ("–", ".", "x", "-9999" …) are stored as missing with the
marker named, never as 0. Age bands are matched by code, else by the ages they cover, else
created. A re-import of the same date updates what changed; all or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.models import AgeBand, Area, Kommune, PopulationCount
from lueckenlos.interop.geodata.columns import chosen_column, guess_column
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError, Problem
from lueckenlos.interop.tabular import Table
from lueckenlos.search.text import fold

WIDE = "wide"
LONG = "long"
# What statistics offices write where they withhold or lack a value.
SUPPRESSION_MARKERS = ("–", "—", "-", ".", "x", "X", "-9999", "*", "/")
COUNT_NAMES = ("Anzahl", "count", "Einwohner", "Einwohnerinnen und Einwohner", "Wert", "value")
TOTAL_WORDS = {"gesamt", "insgesamt", "total", "summe", "alle", "einwohner", "zusammen"}
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+$")


@dataclass
class PopulationReport:
    file: str
    layout: str
    area_column: str
    bands: list[str] = field(default_factory=list)  # columns or values read as age bands
    ignored_columns: list[str] = field(default_factory=list)
    bands_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: Counter = field(default_factory=Counter)  # by marker
    skipped_rows: int = 0  # rows of areas the Kommune lacks, when asked to skip them


def parse_age_band(text: str) -> tuple[int, int | None, bool] | None:
    """(from months, below months or None, whole population) for "unter 6", "6-15",
    "6 bis unter 15 Jahre", "0 bis 2 Jahre", "65 und mehr", "65+", "ab 65", "Gesamt"."""
    words = re.sub(r"[^a-z0-9+<\-–]+", " ", fold(text)).replace("–", "-")
    words = re.sub(r"\b(jahren?|j|years?|alter|von|im)\b", " ", words)
    words = " ".join(words.split())
    if words.replace(" ", "") in TOTAL_WORDS:
        return 0, None, True
    patterns = (
        (r"^(?:unter|u|<|bis unter|0 bis unter|0 ?- ?unter) ?(\d+)$", lambda a: (0, a * 12)),
        (r"^(\d+) ?(?:bis unter|- ?unter|-) ?(\d+)$", lambda a, b: (a * 12, b * 12)),
        (r"^(\d+) bis (\d+)$", lambda a, b: (a * 12, (b + 1) * 12)),
        (r"^(?:ab|uber) ?(\d+)$", lambda a: (a * 12, None)),
        (r"^(\d+) ?(?:\+|und ?mehr|und ?alter|und ?uber|u ?m)$", lambda a: (a * 12, None)),
    )
    for pattern, build in patterns:
        match = re.match(pattern, words)
        if match:
            low, high = build(*(int(n) for n in match.groups()))
            return (low, high, False) if high is None or high > low else None
    return None


def parse_count(text: str) -> tuple[int | None, str]:
    """(count, marker): a withheld value has no count and names its marker; ValueError
    for anything else. "1.234" and "1 234" are thousands."""
    text = text.strip()
    if not text:
        return None, ""
    if text in SUPPRESSION_MARKERS:
        return None, text
    if _THOUSANDS.match(text):
        text = re.sub(r"[.\s]", "", text)
    if not text.isdigit():
        raise ValueError(text)
    return int(text), ""


def missing_reason(marker: str) -> str:
    if not marker:
        return _("no value in the file")
    return _("withheld by the statistics office (marked “%(marker)s”)") % {"marker": marker}


@dataclass
class _Layout:
    kind: str
    area_column: str
    band_columns: list[str] = field(default_factory=list)  # wide
    band_column: str = ""  # long
    count_column: str = ""  # long


def _area_lookup(kommune: Kommune, day: dt.date) -> dict[str, Area]:
    return {a.code: a for a in Area.objects.for_kommune(kommune).valid_on(day).only("pk", "code")}


def _find_area(areas: dict[str, Area], code: str, widths: set[int]) -> Area | None:
    """By code; a spreadsheet that dropped the leading zeros ("1100101") still matches."""
    if code in areas:
        return areas[code]
    if code.isdigit():
        found = {areas[c] for w in widths if (c := code.zfill(w)) in areas}
        if len(found) == 1:
            return found.pop()
    return None


def _layout(
    table: Table,
    areas: dict[str, Area],
    *,
    area_column: str | None,
    layout: str | None,
    band_column: str | None,
    count_column: str | None,
) -> _Layout:
    widths = {len(code) for code in areas}
    if area_column:
        area_column = chosen_column(table.columns, area_column, option="--area-column")
    else:
        hits = {
            column: sum(1 for row in table.rows if _find_area(areas, row.values[column], widths))
            for column in table.columns
        }
        best = max(hits, key=hits.get, default=None)
        if best is None or hits[best] == 0:
            raise OptionError(
                _(
                    "%(file)s: no column holds codes of the areas of this Kommune; name it "
                    "with --area-column. Its columns are: %(columns)s."
                )
                % {"file": table.filename, "columns": ", ".join(table.columns)}
            )
        area_column = best
    others = [c for c in table.columns if c != area_column]
    band_columns = [c for c in others if parse_age_band(c) is not None]
    kind = layout or (WIDE if band_columns and not band_column else LONG)
    if kind == WIDE:
        if not band_columns:
            raise OptionError(
                _("%(file)s: no column title names an age band (like “unter 6” or “6-15”).")
                % {"file": table.filename}
            )
        return _Layout(WIDE, area_column, band_columns=band_columns)
    if band_column:
        band_column = chosen_column(table.columns, band_column, option="--band-column")
    else:
        scores = {
            c: sum(1 for row in table.rows if parse_age_band(row.values[c]) is not None)
            for c in others
        }
        band_column = max(scores, key=scores.get, default="")
        if not band_column or scores[band_column] == 0:
            raise OptionError(
                _("%(file)s: neither column titles nor a column name age bands; see --help.")
                % {"file": table.filename}
            )
    if count_column:
        count_column = chosen_column(table.columns, count_column, option="--count-column")
    else:
        rest = [c for c in others if c != band_column]
        count_column = guess_column(rest, COUNT_NAMES) or (rest[0] if len(rest) == 1 else "")
        if not count_column:
            raise OptionError(
                _("%(file)s: which column holds the counts? Name it with --count-column.")
                % {"file": table.filename}
            )
    return _Layout(LONG, area_column, band_column=band_column, count_column=count_column)


def _band_for(
    kommune: Kommune, title: str, bands: dict[str, AgeBand], report: PopulationReport
) -> AgeBand | None:
    """The Kommune's age band of this code, else of the same ages; else a new one."""
    code = title.strip()[:40]
    if code in bands:
        return bands[code]
    ages = parse_age_band(title)
    if ages is None:
        return None
    low, high, is_total = ages
    for band in bands.values():
        if (band.min_age_months, band.max_age_months, band.is_total) == (low, high, is_total):
            bands[code] = band
            return band
    band = AgeBand(
        kommune=kommune,
        code=code,
        label=title.strip()[:100],
        min_age_months=low,
        max_age_months=high,
        is_total=is_total,
    )
    band.full_clean()
    band.save()
    bands[code] = band
    report.bands_created.append(title)
    return band


@transaction.atomic
def population_import(
    *,
    kommune: Kommune,
    table: Table,
    reference_date: dt.date,
    source: str = "",
    area_column: str | None = None,
    layout: str | None = None,
    band_column: str | None = None,
    count_column: str | None = None,
    skip_unknown_areas: bool = False,
) -> PopulationReport:
    """Store the file's figures for the reference date: all rows, or none.

    A row of an area the Kommune lacks is an error, unless `skip_unknown_areas` (a city-wide
    file imported for one district): then it is counted and left out.
    """
    areas = _area_lookup(kommune, reference_date)
    shape = _layout(
        table,
        areas,
        area_column=area_column,
        layout=layout,
        band_column=band_column,
        count_column=count_column,
    )
    report = PopulationReport(file=table.filename, layout=shape.kind, area_column=shape.area_column)
    bands = {band.code: band for band in AgeBand.objects.for_kommune(kommune)}
    widths = {len(code) for code in areas}
    problems: list[Problem] = []
    # (area pk, band pk) -> (row, column, count, marker)
    figures: dict[tuple[int, int], tuple[int, str, int | None, str]] = {}

    def add(row_number: int, column: str, area: Area, band: AgeBand, text: str) -> None:
        try:
            count, marker = parse_count(text)
        except ValueError:
            problems.append(
                Problem(
                    table.filename,
                    row_number,
                    column,
                    text,
                    _("neither a whole number nor a mark of a withheld value (%(markers)s).")
                    % {"markers": " ".join(SUPPRESSION_MARKERS)},
                )
            )
            return
        earlier = figures.get((area.pk, band.pk))
        if earlier is not None:
            problems.append(
                Problem(
                    table.filename,
                    row_number,
                    column,
                    text,
                    _("area %(area)s and age band “%(band)s” already given in row %(row)s.")
                    % {"area": area.code, "band": band.label, "row": earlier[0]},
                )
            )
            return
        figures[area.pk, band.pk] = (row_number, column, count, marker)

    if shape.kind == WIDE:
        column_bands = {c: _band_for(kommune, c, bands, report) for c in shape.band_columns}
        report.bands = shape.band_columns
        report.ignored_columns = [
            c for c in table.columns if c != shape.area_column and c not in column_bands
        ]
    for row in table.rows:
        code = row.values[shape.area_column]
        area = _find_area(areas, code, widths)
        if area is None and skip_unknown_areas:
            report.skipped_rows += 1
            continue
        if area is None:
            problems.append(
                Problem(
                    table.filename,
                    row.number,
                    shape.area_column,
                    code,
                    _("%(kommune)s has no area with this code valid on %(date)s.")
                    % {"kommune": kommune.name, "date": reference_date.isoformat()},
                )
            )
            continue
        if shape.kind == WIDE:
            for column, band in column_bands.items():
                add(row.number, column, area, band, row.values[column])
            continue
        title = row.values[shape.band_column]
        band = _band_for(kommune, title, bands, report)
        if band is None:
            problems.append(
                Problem(
                    table.filename,
                    row.number,
                    shape.band_column,
                    title,
                    _("not an age band (like “unter 6”, “6-15”, “65 und mehr”, “Gesamt”)."),
                )
            )
            continue
        if title not in report.bands:
            report.bands.append(title)
        add(row.number, shape.count_column, area, band, row.values[shape.count_column])
    if problems:
        raise ImportRejected(problems)

    _store(figures, reference_date, source or table.filename, report)
    return report


def _store(
    figures: dict[tuple[int, int], tuple[int, str, int | None, str]],
    reference_date: dt.date,
    source: str,
    report: PopulationReport,
) -> None:
    stored = {
        (p.area_id, p.age_band_id): p
        for p in PopulationCount.objects.filter(
            reference_date=reference_date, area_id__in={area for area, _band in figures}
        )
    }
    new, changed = [], []
    for (area_id, band_id), (_row, _column, count, marker) in figures.items():
        reason = missing_reason(marker) if count is None else ""
        if count is None:
            report.missing[marker] += 1
        current = stored.get((area_id, band_id))
        if current is None:
            new.append(
                PopulationCount(
                    area_id=area_id,
                    age_band_id=band_id,
                    reference_date=reference_date,
                    count=count,
                    missing_reason=reason,
                    source=source[:300],
                )
            )
        elif (current.count, current.missing_reason) != (count, reason):
            current.count, current.missing_reason, current.source = count, reason, source[:300]
            changed.append(current)
        else:
            report.unchanged += 1
    PopulationCount.objects.bulk_create(new, batch_size=1000)
    PopulationCount.objects.bulk_update(
        changed, ["count", "missing_reason", "source"], batch_size=1000
    )
    report.created, report.updated = len(new), len(changed)
