"""Exports of a Kommune's offers for people: XLSX, CSV and GeoJSON.

The column titles are a fixed German file format, not interface text: the offer import
(lueckenlos.interop.offers) recognises them when such a file comes back, whatever the
language of the person who exported it. Multi-valued cells are joined with ", " and use
the German names of terms and languages.

- XLSX: one sheet per kind of record (Angebote, Träger, Standorte, Öffnungszeiten), bold
  frozen header, autofilter, column widths, dates as dates and numbers as numbers.
- CSV: UTF-8 with byte order mark and ";" between fields, numbers with a decimal comma:
  what German Excel opens correctly by double-click (without the mark it reads the file
  as Windows-1252; with "," it puts everything into one column).
- GeoJSON: a Feature per offer at each location with coordinates, WGS84 as stored, with
  the properties of the CSV.

An offer delivered at several locations has a row (and a feature) per location; one
without a location has one row with empty location columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE, TARGET_GROUP

FORMATS = ("xlsx", "csv", "geojson")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
}
CHUNK_SIZE = 2000

OFFER_COLUMNS = [
    "ID",
    "Externe ID",
    "Name",
    "Beschreibung",
    "Träger",
    "Standort",
    "Straße und Hausnummer",
    "PLZ",
    "Ort",
    "Breitengrad",
    "Längengrad",
    "Alter von (Monate)",
    "Alter bis (Monate)",
    "Lebensphasen",
    "Handlungsfelder",
    "Zielgruppen",
    "Sprachen",
    "Kosten",
    "Rollstuhlgerecht",
    "E-Mail",
    "Website",
    "Telefon",
    "Status",
    "Zuletzt bestätigt",
]
ORGANIZATION_COLUMNS = [
    "ID",
    "Externe ID",
    "Name",
    "Andere Bezeichnung",
    "Art des Trägers",
    "Beschreibung",
    "E-Mail",
    "Website",
    "Telefon",
    "Angebote",
]
LOCATION_COLUMNS = [
    "ID",
    "Externe ID",
    "Name",
    "Träger",
    "Straße und Hausnummer",
    "PLZ",
    "Ort",
    "Breitengrad",
    "Längengrad",
    "Gebiet",
    "Rollstuhlgerecht",
    "Barrierefreiheit",
    "Telefon",
    "Angebote",
]
SCHEDULE_COLUMNS = [
    "Angebot ID",
    "Angebot",
    "Standort",
    "Art",
    "Wochentag",
    "Von",
    "Bis",
    "Gültig ab",
    "Gültig bis",
    "Beginn",
    "Ende",
    "Beschreibung",
]
# Words the offer import reads back (lueckenlos.interop.offers.values).
STATUS_WORDS = {
    Service.Status.ACTIVE: "aktiv",
    Service.Status.INACTIVE: "inaktiv",
    Service.Status.DRAFT: "Entwurf",
}
WHEELCHAIR_WORDS = {"yes": "ja", "partial": "teilweise", "no": "nein", "": ""}
SCHEDULE_KIND_WORDS = {"regular": "Öffnungszeit", "event": "Termin"}
WEEKDAY_WORDS = {
    "MO": "Montag",
    "TU": "Dienstag",
    "WE": "Mittwoch",
    "TH": "Donnerstag",
    "FR": "Freitag",
    "SA": "Samstag",
    "SU": "Sonntag",
}
MAX_COLUMN_WIDTH = 60


def offers_to_export(
    kommune: Kommune, *, statuses: Iterable[str] | None = None
) -> QuerySet[Service]:
    """A Kommune's offers (and those of the Kommunen it contains), of the given statuses
    or all; the public gets the active ones only, the back office chooses."""
    offers = Service.objects.filter(kommune_id__in=kommune.descendant_ids())
    if statuses is not None:
        offers = offers.filter(status__in=list(statuses))
    return offers


def _with_details(offers: QuerySet[Service]) -> QuerySet[Service]:
    return (
        offers.select_related("organization")
        .prefetch_related(
            Prefetch(
                "terms",
                queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by(
                    "position", "name"
                ),
            ),
            Prefetch(
                "locations",
                queryset=Location.objects.select_related("area")
                .defer("area__boundary")
                .prefetch_related("phones")
                .order_by("name", "pk"),
            ),
            "languages",
            Prefetch("cost_options", queryset=CostOption.objects.order_by("kind", "amount")),
            "phones",
        )
        .order_by("name", "pk")
    )


def _join(values: Iterable[str]) -> str:
    return ", ".join(value for value in values if value)


def _euro(amount: Decimal) -> str:
    # German digit grouping: 1.234,50 €
    number = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{number} €"


def _cost_text(option: CostOption) -> str:
    if option.kind == CostOption.Kind.FREE:
        return "kostenlos"
    if option.kind == CostOption.Kind.BUT:
        return "Bildung und Teilhabe"
    if option.amount is not None:
        return _euro(option.amount)
    return option.amount_description or "kostenpflichtig"


def _phones(phones: Iterable[Phone]) -> str:
    return _join(phone.number for phone in phones)


def offer_rows(offers: QuerySet[Service]) -> Iterator[dict[str, Any]]:
    """The rows of the offer sheet, values typed (numbers, dates, text), in column order.

    Read in chunks, so a hundred thousand offers never sit in memory at once.
    """
    with translation.override("de"):
        for offer in _with_details(offers).iterator(chunk_size=CHUNK_SIZE):
            terms = list(offer.terms.all())

            def names(taxonomy: str, terms: list[TaxonomyTerm] = terms) -> str:
                return _join(term.name for term in terms if term.taxonomy.code == taxonomy)

            common = {
                "ID": str(offer.pk),
                "Externe ID": offer.external_id,
                "Name": offer.name,
                "Beschreibung": offer.description,
                "Träger": offer.organization.name,
                "Alter von (Monate)": offer.min_age_months,
                "Alter bis (Monate)": offer.max_age_months,
                "Lebensphasen": names(LIFE_PHASE),
                "Handlungsfelder": names(FIELD_OF_ACTION),
                "Zielgruppen": names(TARGET_GROUP),
                "Sprachen": _join(language_name(lang.code) for lang in offer.languages.all()),
                "Kosten": _join(dict.fromkeys(map(_cost_text, offer.cost_options.all()))),
                "E-Mail": offer.email,
                "Website": offer.url,
                "Status": STATUS_WORDS.get(offer.status, offer.status),
                "Zuletzt bestätigt": offer.last_confirmed,
            }
            locations = list(offer.locations.all()) or [None]
            for location in locations:
                row = dict.fromkeys(OFFER_COLUMNS)
                row.update(common)
                phones = list(offer.phones.all())
                if location is not None:
                    row.update(
                        {
                            "Standort": location.name,
                            "Straße und Hausnummer": location.address_1,
                            "PLZ": location.postal_code,
                            "Ort": location.city,
                            "Breitengrad": location.latitude,
                            "Längengrad": location.longitude,
                            "Rollstuhlgerecht": WHEELCHAIR_WORDS.get(location.wheelchair, ""),
                        }
                    )
                    phones = phones or list(location.phones.all())
                row["Telefon"] = _phones(phones)
                yield row


def organization_rows(offers: QuerySet[Service]) -> Iterator[dict[str, Any]]:
    organizations = (
        Organization.objects.filter(pk__in=offers.values("organization_id"))
        .annotate(offer_count=Count("services"))
        .prefetch_related("phones")
        .order_by("name", "pk")
    )
    for organization in organizations.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "ID": str(organization.pk),
            "Externe ID": organization.external_id,
            "Name": organization.name,
            "Andere Bezeichnung": organization.alternate_name,
            "Art des Trägers": organization.provider_type,
            "Beschreibung": organization.description,
            "E-Mail": organization.email,
            "Website": organization.website,
            "Telefon": _phones(organization.phones.all()),
            "Angebote": organization.offer_count,
        }


def location_rows(offers: QuerySet[Service]) -> Iterator[dict[str, Any]]:
    locations = (
        Location.objects.filter(services__in=offers.values("pk"))
        .distinct()
        .select_related("organization", "area")
        .defer("area__boundary")
        .annotate(offer_count=Count("services", distinct=True))
        .prefetch_related("phones")
        .order_by("name", "pk")
    )
    for location in locations.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "ID": str(location.pk),
            "Externe ID": location.external_id,
            "Name": location.name,
            "Träger": location.organization.name if location.organization else "",
            "Straße und Hausnummer": location.address_1,
            "PLZ": location.postal_code,
            "Ort": location.city,
            "Breitengrad": location.latitude,
            "Längengrad": location.longitude,
            "Gebiet": location.area.name if location.area else "",
            "Rollstuhlgerecht": WHEELCHAIR_WORDS.get(location.wheelchair, ""),
            "Barrierefreiheit": location.accessibility_description,
            "Telefon": _phones(location.phones.all()),
            "Angebote": location.offer_count,
        }


def schedule_rows(offers: QuerySet[Service]) -> Iterator[dict[str, Any]]:
    schedules = (
        Schedule.objects.filter(service__in=offers.values("pk"))
        .select_related("service", "location")
        .order_by("service__name", "service_id", "kind", "weekday", "opens_at", "starts_at")
    )
    for schedule in schedules.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "Angebot ID": str(schedule.service_id),
            "Angebot": schedule.service.name,
            "Standort": schedule.location.name if schedule.location else "",
            "Art": SCHEDULE_KIND_WORDS.get(schedule.kind, schedule.kind),
            "Wochentag": WEEKDAY_WORDS.get(schedule.weekday, ""),
            "Von": schedule.opens_at,
            "Bis": schedule.closes_at,
            "Gültig ab": schedule.valid_from,
            "Gültig bis": schedule.valid_to,
            # Local wall-clock time: what people read; Excel has no time zones.
            "Beginn": _local(schedule.starts_at),
            "Ende": _local(schedule.ends_at),
            "Beschreibung": schedule.description,
        }


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- Writers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[str]
    rows: Iterable[dict[str, Any]]


def _sheets(offers: QuerySet[Service]) -> list[Sheet]:
    return [
        Sheet("Angebote", OFFER_COLUMNS, offer_rows(offers)),
        Sheet("Träger", ORGANIZATION_COLUMNS, organization_rows(offers)),
        Sheet("Standorte", LOCATION_COLUMNS, location_rows(offers)),
        Sheet("Öffnungszeiten", SCHEDULE_COLUMNS, schedule_rows(offers)),
    ]


NUMBER_FORMATS = {
    dt.datetime: "DD.MM.YYYY HH:MM",
    dt.date: "DD.MM.YYYY",
    dt.time: "HH:MM",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def write_xlsx(offers: QuerySet[Service]) -> bytes:
    """The offers and their providers, locations and opening hours as an Excel workbook."""
    workbook = Workbook(write_only=True)
    for sheet in _sheets(offers):
        worksheet = workbook.create_sheet(sheet.title)
        widths = [len(title) + 2 for title in sheet.columns]
        rows = [[row.get(column) for column in sheet.columns] for row in sheet.rows]
        for values in rows:
            for index, value in enumerate(values):
                if isinstance(value, str):
                    widths[index] = max(widths[index], min(len(value) + 2, MAX_COLUMN_WIDTH))
        # Widths, frozen header and filter are set before the first row in write-only mode.
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        last = f"{get_column_letter(len(sheet.columns))}{len(rows) + 1}"
        worksheet.auto_filter.ref = f"A1:{last}"
        header = []
        for title in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=title)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="top")
            header.append(cell)
        worksheet.append(header)
        for values in rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(worksheet, value: Any) -> Any:
    for kind, number_format in NUMBER_FORMATS.items():
        if isinstance(value, kind):
            cell = WriteOnlyCell(worksheet, value=value)
            cell.number_format = number_format
            return cell
    return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.7f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(offers: QuerySet[Service]) -> bytes:
    """The offer sheet as CSV for German Excel: UTF-8 with BOM, ";", decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(OFFER_COLUMNS)
    for row in offer_rows(offers):
        writer.writerow([_csv_text(row[column]) for column in OFFER_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def write_geojson(offers: QuerySet[Service]) -> bytes:
    """A Feature per offer at each of its locations with coordinates (WGS84, as stored)."""
    features = []
    for row in offer_rows(offers):
        if row["Breitengrad"] is None or row["Längengrad"] is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [row["Längengrad"], row["Breitengrad"]],
                },
                "properties": {column: _json_value(row[column]) for column in OFFER_COLUMNS},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "geojson": write_geojson}


def export_offers(offers: QuerySet[Service], file_format: str) -> bytes:
    """The offers in one of FORMATS."""
    return WRITERS[file_format](offers)


def export_filename(kommune: Kommune | None, file_format: str, *, on: dt.date) -> str:
    stem = f"angebote-{kommune.slug}" if kommune is not None else "angebote"
    return f"{stem}-{on.isoformat()}.{file_format}"
