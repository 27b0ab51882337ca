"""Exports for people: XLSX with a sheet per kind of record, CSV for German Excel, GeoJSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lueckenlos.catalogue.models import CostOption, Schedule, Service, ServiceLanguage
from lueckenlos.interop.exports import (
    OFFER_COLUMNS,
    export_offers,
    offers_to_export,
)
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory


@pytest.fixture
def offers(marzahn):
    """A Kita at two locations, and a draft without any."""
    kommune = marzahn.kommune
    provider = OrganizationFactory(kommune=kommune, name="Kinderring e. V.")
    kita = ServiceFactory(
        kommune=kommune,
        organization=provider,
        name="Kita Regenbogen",
        min_age_months=12,
        max_age_months=72,
        last_confirmed=dt.date(2025, 3, 1),
        email="kita@example.org",
        terms=["life_phase:infant", "life_phase:preschool", "field_of_action:education"],
    )
    ServiceLanguage.objects.create(service=kita, code="tr")
    ServiceLanguage.objects.create(service=kita, code="ar")
    CostOption.objects.create(service=kita, kind="fee", amount=Decimal("1234.50"))
    CostOption.objects.create(service=kita, kind="but")
    north = LocationFactory(
        kommune=kommune,
        organization=provider,
        name="Haus Nord",
        address_1="Nordweg 1",
        postal_code="12679",
        latitude=52.515,
        longitude=13.56,
        wheelchair="yes",
        area=marzahn.north,
    )
    south = LocationFactory(kommune=kommune, organization=provider, name="Haus Süd")
    kita.locations.add(north, south)
    Schedule.objects.create(
        service=kita,
        location=north,
        kind="regular",
        weekday="MO",
        opens_at=dt.time(7, 30),
        closes_at=dt.time(16, 0),
    )
    ServiceFactory(
        kommune=kommune, organization=provider, name="Elterncafé", status=Service.Status.DRAFT
    )
    return offers_to_export(kommune)


def sheet_rows(worksheet) -> list[list]:
    return [list(row) for row in worksheet.iter_rows(values_only=True)]


def test_the_workbook_has_a_sheet_per_kind_of_record(offers):
    workbook = load_workbook(io.BytesIO(export_offers(offers, "xlsx")))
    assert workbook.sheetnames == ["Angebote", "Träger", "Standorte", "Öffnungszeiten"]
    angebote = workbook["Angebote"]
    rows = sheet_rows(angebote)
    assert rows[0] == OFFER_COLUMNS
    # The Kita once per location, the draft once without one; by name.
    assert [(row[2], row[5]) for row in rows[1:]] == [
        ("Elterncafé", None),
        ("Kita Regenbogen", "Haus Nord"),
        ("Kita Regenbogen", "Haus Süd"),
    ]
    kita = dict(zip(OFFER_COLUMNS, rows[2], strict=True))
    assert kita["Breitengrad"] == 52.515 and kita["Längengrad"] == 13.56
    assert kita["Alter von (Monate)"] == 12
    assert kita["Lebensphasen"] == "0 bis 3 Jahre, 3 bis 6 Jahre"
    assert kita["Handlungsfelder"] == "Bildung"
    assert kita["Sprachen"] == "Arabisch, Türkisch"
    assert kita["Kosten"] == "Bildung und Teilhabe, 1.234,50 €"
    assert kita["Rollstuhlgerecht"] == "ja"
    assert kita["Status"] == "aktiv"
    # A date cell, shown as a German date, not text.
    assert kita["Zuletzt bestätigt"] == dt.datetime(2025, 3, 1)
    assert angebote.cell(row=3, column=OFFER_COLUMNS.index("Zuletzt bestätigt") + 1).is_date
    assert angebote.freeze_panes == "A2"
    assert angebote.auto_filter.ref == "A1:X4"
    assert angebote["A1"].font.b
    assert angebote.column_dimensions["C"].width >= len("Kita Regenbogen")


def test_the_other_sheets_list_providers_locations_and_opening_hours(offers):
    workbook = load_workbook(io.BytesIO(export_offers(offers, "xlsx")))
    providers = sheet_rows(workbook["Träger"])
    assert providers[1][2] == "Kinderring e. V." and providers[1][-1] == 2
    locations = sheet_rows(workbook["Standorte"])
    assert [row[2] for row in locations[1:]] == ["Haus Nord", "Haus Süd"]
    assert locations[1][9] == "Marzahn-Hellersdorf Nord"  # its area
    hours = sheet_rows(workbook["Öffnungszeiten"])
    assert hours[1][1:6] == [
        "Kita Regenbogen",
        "Haus Nord",
        "Öffnungszeit",
        "Montag",
        dt.time(7, 30),
    ]


def test_the_csv_opens_in_german_excel(offers):
    data = export_offers(offers, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the mark that tells Excel it is UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == OFFER_COLUMNS
    kita = dict(zip(OFFER_COLUMNS, rows[2], strict=True))
    assert kita["Breitengrad"] == "52,515"  # decimal comma
    assert kita["Zuletzt bestätigt"] == "2025-03-01"
    assert kita["Beschreibung"] == ""
    assert len(rows) == 4


def test_the_geojson_has_a_feature_per_offer_at_each_placed_location(offers):
    collection = json.loads(export_offers(offers, "geojson"))
    assert collection["type"] == "FeatureCollection"
    # Haus Süd has no coordinates, the draft no location: one feature.
    [feature] = collection["features"]
    # WGS84 as stored, longitude first, nothing reprojected.
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.56, 52.515]}
    assert feature["properties"]["Name"] == "Kita Regenbogen"
    assert feature["properties"]["Zuletzt bestätigt"] == "2025-03-01"
    assert list(feature["properties"]) == OFFER_COLUMNS


def test_the_public_gets_active_offers_only(marzahn, offers):
    active = offers_to_export(marzahn.kommune, statuses=[Service.Status.ACTIVE])
    rows = list(
        csv.reader(io.StringIO(export_offers(active, "csv").decode("utf-8-sig")), delimiter=";")
    )
    assert {row[2] for row in rows[1:]} == {"Kita Regenbogen"}


def test_the_command_writes_the_file(marzahn, offers, tmp_path, english):
    out = tmp_path / "angebote.xlsx"
    stdout = io.StringIO()
    call_command(
        "export_offers",
        "--kommune=marzahn-hellersdorf",
        "--format=xlsx",
        f"--out={out}",
        "--status=active",
        stdout=stdout,
    )
    assert "1 offer of Marzahn-Hellersdorf written to" in stdout.getvalue()
    assert load_workbook(out)["Angebote"].max_row == 3  # header and the Kita twice


def test_the_back_office_exports_a_selection_and_a_whole_kommune(admin_client, offers):
    kita = offers.get(name="Kita Regenbogen")
    response = admin_client.post(
        "/admin/catalogue/service/",
        {"action": "export_csv", "_selected_action": [kita.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="angebote-')
    assert response.content.decode("utf-8-sig").count("Kita Regenbogen") == 2

    whole = admin_client.get(
        "/admin/catalogue/service/export/marzahn-hellersdorf/geojson/", {"status": "active"}
    )
    assert whole.status_code == 200
    assert whole["Content-Type"] == "application/geo+json"
    assert len(json.loads(whole.content)["features"]) == 1
    assert admin_client.get("/admin/catalogue/service/export/atlantis/xlsx/").status_code == 404


def test_a_kommunes_page_in_the_back_office_links_its_exports(admin_client, marzahn, offers):
    page = admin_client.get(f"/admin/areas/kommune/{marzahn.kommune.pk}/change/")
    links = [f"/admin/catalogue/service/export/marzahn-hellersdorf/{f}/" for f in ("xlsx", "csv")]
    assert all(link in page.content.decode() for link in links)
    workbook = admin_client.get(links[0])
    assert load_workbook(io.BytesIO(workbook.content))["Angebote"].max_row > 1
