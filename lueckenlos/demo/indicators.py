"""The Monitoring Soziale Stadtentwicklung 2021 per Planungsraum, kept as published.

The values stay raw (percentages as the Senate publishes them, ZEIT 202012 = 31.12.2020).
Not loaded: S2 and D2 (not part of the 2021 index, empty in the file) and KI_08, KI_14,
KI_15, which the Senate publishes for the old 447 Planungsräume only (see
statistics/mss_README.md).

One earlier reference date is derived, not invented: the dynamics indicators D1, D3, D4 are
the change of S1, S3, S4 over the two years before, in percentage points, so S at
31.12.2018 is S − D; those values are stored for S1, S3 and S4 and their source says so.

The direction: unemployment, transfer benefits, child poverty (S1, S3, S4) and the
poverty-like context indicators (youth unemployment, single parents, old-age poverty,
foreign SGB II recipients) are better lower. The dynamics D* are changes of those shares:
a rise is a worsening, so they are "lower is better" too (not neutral), which lets the atlas
colour a falling poverty rate as progress. The other context indicators are neutral. Public
on the portal: child poverty and three context indicators that describe neighbourhoods
without pointing at groups of people (single-parent households, length of residence, the
migration balance of young children). Each Bezirk also gets the standard indicators of the
prevention chain (services.seed_indicators) per Planungsraum, without values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.kommunen import Bezirk, LorRow, rows_by_planungsraum
from lueckenlos.demo.sources import read_csv
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.monitoring.services import seed_indicators

INDEX_FILE = "statistics/mss_2021_index_indikatoren.csv"
CONTEXT_FILE = "statistics/mss_2021_kontext_indikatoren.csv"
REFERENCE_DATE = dt.date(2020, 12, 31)  # the files' ZEIT 202012
# Two years before: the start of the change the dynamics indicators measure.
EARLIER_DATE = dt.date(2018, 12, 31)
SOURCE = "Monitoring Soziale Stadtentwicklung 2021, SenSBW"
# Status indicator → the dynamics indicator of its change over two years.
DERIVED = {"S1": "D1", "S3": "D3", "S4": "D4"}
NOT_DERIVABLE = "nicht errechenbar: Status- oder Dynamikwert fehlt"
# The file's marker for "no valid value"; rows marked ungültig carry it in every column.
NO_VALUE = "-9999"
NOT_PUBLISHED = "nicht veröffentlicht"
# KOM says why a whole row is invalid; the reasons as the portal shows them.
INVALID_REASONS = {
    "ungültig (EW unter 300)": "zu wenige Einwohner",
    "ungültig (Ausreißer)": "ungültig (statistischer Ausreißer)",
}

PERCENT = "%"
# Dynamics indicators are the change of a share over two years: a difference of
# percentages is measured in percentage points, not in per cent.
POINTS = "Prozentpunkte"
PER_YEAR = "% pro Jahr"


@dataclass(frozen=True)
class MssIndicator:
    code: str
    file: str
    name: str
    unit: str
    description: str
    higher_is_better: bool | None = None
    is_public: bool = False

    @property
    def source(self) -> str:
        dynamics = DERIVED.get(self.code)
        if dynamics is None:
            return SOURCE
        return f"{SOURCE}; Werte zum 31.12.2018 errechnet aus {self.code} − {dynamics}"

    @property
    def full_description(self) -> str:
        dynamics = DERIVED.get(self.code)
        if dynamics is None:
            return self.description
        return (
            f"{self.description} Die Werte zum 31.12.2018 sind errechnet aus {self.code} − "
            f"{dynamics} (Veränderung in Prozentpunkten über zwei Jahre), nicht veröffentlicht."
        )


def _status(code: str, name: str, text: str, *, public: bool = False) -> MssIndicator:
    return MssIndicator(
        code, INDEX_FILE, name, PERCENT, f"Statusindikator {code}: {text}", False, public
    )


def _dynamics(code: str, name: str, text: str) -> MssIndicator:
    # A rise of unemployment, transfers or child poverty is a worsening: lower is better.
    return MssIndicator(code, INDEX_FILE, name, POINTS, f"Dynamikindikator {code}: {text}", False)


def _context(
    code: str,
    name: str,
    text: str,
    unit: str = PERCENT,
    *,
    better: bool | None = None,
    public: bool = False,
) -> MssIndicator:
    return MssIndicator(
        code, CONTEXT_FILE, name, unit, f"Kontextindikator {code}: {text}", better, public
    )


# Names and descriptions after statistics/mss_README.md and the MSS 2021 Indikatorenheft.
INDICATORS = [
    _status("S1", "Arbeitslosigkeit", "Anteil der Arbeitslosen (SGB II und III) in Prozent."),
    _status(
        "S3",
        "Transferbezug",
        "Anteil der Empfängerinnen und Empfänger von Transferleistungen "
        "(SGB II und XII, nicht arbeitslos) in Prozent.",
    ),
    _status(
        "S4",
        "Kinderarmut",
        "Anteil der unter 15-Jährigen in Bedarfsgemeinschaften nach SGB II an allen "
        "unter 15-Jährigen in Prozent.",
        public=True,
    ),
    _dynamics("D1", "Veränderung Arbeitslosigkeit", "Veränderung von S1 in zwei Jahren."),
    _dynamics("D3", "Veränderung Transferbezug", "Veränderung von S3 in zwei Jahren."),
    _dynamics("D4", "Veränderung Kinderarmut", "Veränderung von S4 in zwei Jahren."),
    _context(
        "KI_01",
        "Jugendarbeitslosigkeit",
        "Anteil arbeitsloser junger Menschen in Prozent.",
        better=False,
    ),
    _context(
        "KI_02",
        "Alleinerziehende",
        "Anteil der Alleinerziehenden-Haushalte in Prozent.",
        better=False,
        public=True,
    ),
    _context(
        "KI_03", "Altersarmut", "Anteil der Älteren mit Grundsicherung in Prozent.", better=False
    ),
    _context(
        "KI_04",
        "Kinder und Jugendliche mit Migrationshintergrund",
        "Anteil der unter 18-Jährigen mit Migrationshintergrund in Prozent.",
    ),
    _context(
        "KI_05",
        "Einwohnerinnen und Einwohner mit Migrationshintergrund",
        "Anteil an allen Einwohnerinnen und Einwohnern in Prozent.",
    ),
    _context(
        "KI_06",
        "Veränderung des Ausländeranteils",
        "Veränderung von KI_16 in zwei Jahren.",
        POINTS,
    ),
    _context(
        "KI_07",
        "Ausländische Transferbeziehende (SGB II)",
        "Anteil der ausländischen Transferbeziehenden nach SGB II in Prozent.",
        better=False,
    ),
    _context(
        "KI_09",
        "Einfache Wohnlage",
        "Anteil der Einwohnerinnen und Einwohner in einfacher Wohnlage einschließlich "
        "Lärmbelastung durch Straßenverkehr in Prozent.",
    ),
    _context(
        "KI_10",
        "Wohndauer über fünf Jahre",
        "Anteil der Einwohnerinnen und Einwohner, die seit mehr als fünf Jahren an derselben "
        "Adresse wohnen, in Prozent.",
        public=True,
    ),
    _context(
        "KI_11",
        "Wanderungsvolumen",
        "Zu- plus Fortzüge je 100 Einwohnerinnen und Einwohner, Durchschnitt zweier Jahre.",
        PER_YEAR,
    ),
    _context(
        "KI_12",
        "Wanderungssaldo",
        "Zu- minus Fortzüge je 100 Einwohnerinnen und Einwohner, Durchschnitt zweier Jahre.",
        PER_YEAR,
    ),
    _context(
        "KI_13",
        "Wanderungssaldo von Kindern unter 6 Jahren",
        "Zu- minus Fortzüge unter 6-Jähriger je 100 Einwohnerinnen und Einwohner unter "
        "6 Jahren, Durchschnitt zweier Jahre.",
        PER_YEAR,
        public=True,
    ),
    _context("KI_16", "Ausländerinnen und Ausländer", "Anteil an allen Einwohnern in Prozent."),
    _context(
        "KI_17",
        "Nicht-EU-Ausländerinnen und -Ausländer",
        "Anteil an allen Einwohnern in Prozent.",
    ),
]


def load_indicators(data_dir: Path, hierarchy: list[LorRow], bezirke: list[Bezirk]) -> int:
    """The MSS indicators for each Bezirk and their values per Planungsraum (and the derived
    earlier values of S1, S3, S4), then the standard indicators; the count of values."""
    known = {row.plr for row in hierarchy}
    areas = {code: area for b in bezirke for code, area in b.planungsraeume.items()}
    indicators: dict[tuple[int, str], Indicator] = {}
    plr_levels = {}
    for bezirk in bezirke:
        first_plr = next(iter(bezirk.planungsraeume.values()), None)
        plr_level = first_plr.level if first_plr is not None else None
        plr_levels[bezirk.kommune.pk] = plr_level
        created = Indicator.objects.bulk_create(
            Indicator(
                kommune=bezirk.kommune,
                code=spec.code,
                name=spec.name,
                description=spec.full_description,
                unit=spec.unit,
                source=spec.source,
                area_level=plr_level,
                higher_is_better=spec.higher_is_better,
                is_public=spec.is_public,
            )
            for spec in INDICATORS
        )
        for indicator in created:
            indicators[bezirk.kommune.pk, indicator.code] = indicator

    values: list[IndicatorValue] = []
    for file in (INDEX_FILE, CONTEXT_FILE):
        specs = [spec for spec in INDICATORS if spec.file == file]
        rows = read_csv(
            data_dir, file, delimiter=",", columns=["PLR_ID", "KOM", *(s.code for s in specs)]
        )
        for row, area in rows_by_planungsraum(rows, "PLR_ID", known, areas):
            validity = row.required("KOM")
            if validity != "gültig" and not validity.startswith("ungültig"):
                raise row.error("KOM", f"{validity!r} is neither gültig nor ungültig")
            invalid_reason = INVALID_REASONS.get(validity, validity)
            read = {
                spec.code: _value(row, spec.code, validity == "gültig", invalid_reason)
                for spec in specs
            }
            for code, (value, reason) in read.items():
                values.append(
                    IndicatorValue(
                        indicator=indicators[area.kommune_id, code],
                        area=area,
                        reference_date=REFERENCE_DATE,
                        value=value,
                        missing_reason=reason,
                    )
                )
            for status, dynamics in DERIVED.items():
                if status not in read:
                    continue
                value, reason = _earlier(read[status], read[dynamics])
                if validity != "gültig":
                    reason = invalid_reason
                values.append(
                    IndicatorValue(
                        indicator=indicators[area.kommune_id, status],
                        area=area,
                        reference_date=EARLIER_DATE,
                        value=value,
                        missing_reason=reason,
                    )
                )
    IndicatorValue.objects.bulk_create(values, batch_size=1000)
    for bezirk in bezirke:
        seed_indicators(bezirk.kommune, area_level=plr_levels[bezirk.kommune.pk])
    return len(values)


def _earlier(status: tuple[float | None, str], change: tuple[float | None, str]):
    """S two years before: S − D (D is the change in percentage points), or missing."""
    if status[0] is None or change[0] is None:
        return None, NOT_DERIVABLE
    # Rounded to the files' precision: the difference of two decimals carries float noise.
    return round(status[0] - change[0], 5), ""


def _value(row, column: str, valid: bool, invalid_reason: str) -> tuple[float | None, str]:
    if not valid:
        return None, invalid_reason
    raw = row.text(column)
    if raw in ("", NO_VALUE):
        return None, NOT_PUBLISHED
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise DemoDataError(
            file=row.file, where=f"line {row.line}", field=column, reason=f"{raw!r} is no number"
        )
    return value, ""
