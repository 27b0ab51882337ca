"""`lueckenlos import-offers`: preview lines, exit status, mappings from files and saved ones."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lueckenlos.catalogue.models import Service
from lueckenlos.interop.models import ImportMapping

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_offers", *args, stdout=out)
    return out.getvalue()


def test_it_imports_the_readme_example_and_then_finds_it_unchanged(marzahn, english):
    # The example's coordinates lie in the real Marzahn-Hellersdorf, outside the fixture's.
    marzahn.kommune.boundary = None
    marzahn.kommune.save()
    example = str(EXAMPLES / "angebote-marzahn-hellersdorf.csv")

    first = run(example, "--kommune=marzahn-hellersdorf")
    second = run(example, "--kommune=marzahn-hellersdorf")

    assert "8 rows – 8 to create, 0 to update, 0 unchanged, 0 rejected" in first
    assert "8 rows – 0 to create, 0 to update, 8 unchanged, 0 rejected" in second
    assert Service.objects.count() == 8
    assert "Column “Lfd. Nr.” → external ID" in first


def test_rejected_rows_fail_the_command_and_list_every_error(marzahn, english):
    marzahn.kommune.boundary = None  # the example lies in the real Marzahn-Hellersdorf
    marzahn.kommune.save()
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_offers",
            str(EXAMPLES / "angebote-fehlerhaft.csv"),
            "--kommune=marzahn-hellersdorf",
            stdout=out,
        )

    lines = out.getvalue().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    # Without a boundary the row in Munich is accepted; with the real one it is the seventh.
    assert len(errors) == 6
    assert (
        "Error: angebote-fehlerhaft.csv, row 4, column “E-Mail”, value "
        "“elternkurs(at)example.org”: not an e-mail address"
    ) in lines
    assert not Service.objects.exists()


def test_a_dry_run_writes_nothing(marzahn, tmp_path, english):
    sheet = tmp_path / "angebote.csv"
    sheet.write_text("Name;PLZ\nKita A;12619\n", encoding="utf-8")

    output = run(str(sheet), "--kommune=marzahn-hellersdorf", "--dry-run")

    assert "1 to create" in output and "Dry run: nothing was written." in output
    assert not Service.objects.exists()


def test_a_mapping_file_is_used_and_can_be_saved(marzahn, tmp_path, english):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Angebote"
    workbook.active.append(["Titel des Angebots", "Altersgruppe", "Nummer"])
    workbook.active.append(["Krabbelgruppe", "Krabbler", 17])
    workbook.save(tmp_path / "angebote.xlsx")
    mapping = {
        "columns": {"name": "Titel des Angebots", "age": "Altersgruppe", "external_id": "Nummer"},
        "defaults": {"fields_of_action": "Erziehung und Familie"},
        "values": {"ages": {"Krabbler": "6 Monate bis 2 Jahre"}},
    }
    (tmp_path / "mapping.json").write_text(json.dumps(mapping), encoding="utf-8")

    run(
        str(tmp_path / "angebote.xlsx"),
        "--kommune=marzahn-hellersdorf",
        f"--mapping={tmp_path / 'mapping.json'}",
        "--sheet=Angebote",
        "--save-mapping=Krabbelliste",
    )

    offer = Service.objects.get()
    # The number 17 arrives as "17", not "17.0"; the value mapping gives the age range.
    assert (offer.external_id, offer.min_age_months, offer.max_age_months) == ("17", 6, 24)
    assert [t.code for t in offer.terms.all()] == ["parenting_family"]
    saved = ImportMapping.objects.get(kommune=marzahn.kommune, name="Krabbelliste")
    assert saved.values == mapping["values"]
    assert run(
        str(tmp_path / "angebote.xlsx"),
        "--kommune=marzahn-hellersdorf",
        "--use-mapping=Krabbelliste",
    ).count("1 unchanged")


def test_a_file_that_lies_is_refused_by_name(marzahn, tmp_path, english):
    fake = tmp_path / "angebote.csv"
    fake.write_bytes(b"%PDF-1.4\n...")

    with pytest.raises(CommandError, match="angebote.csv is a PDF document"):
        run(str(fake), "--kommune=marzahn-hellersdorf")


def test_an_unknown_kommune_is_refused(db, tmp_path, english):
    with pytest.raises(CommandError, match="No Kommune “nirgendwo”"):
        run(str(tmp_path / "x.csv"), "--kommune=nirgendwo")


def test_the_berlin_kita_list_goes_through_the_shipped_mapping(marzahn, tmp_path, english):
    # Two features of the Kita list as it is published: EPSG:25833 points, named in "crs".
    kitas = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "e_nr": "10210020",
                    "e_name": "Kita Abenteuerland",
                    "e_strasse": "Albrechtstr.",
                    "e_hnr": "20",
                    "e_plz": "12681",
                    "e_ort": "Berlin",
                    "e_tel": "281 64 73",
                    "e_web": "http://www.kita.example",
                    "e_platz": "69",
                    "t_name": "Kinderwelt gGmbH",
                },
                # 13.56°E 52.515°N: in the fixture's north Planungsraum.
                "geometry": {"type": "Point", "coordinates": [402284.3, 5819295.0]},
            },
            {
                "type": "Feature",
                "properties": {"e_nr": "10210030", "e_name": "Kita ohne Ort"},
                "geometry": None,
            },
        ],
    }
    path = tmp_path / "kindertagesstaetten.geojson"
    path.write_text(json.dumps(kitas), encoding="utf-8")

    output = run(
        str(path), "--kommune=marzahn-hellersdorf", f"--mapping={EXAMPLES / 'kitas-mapping.json'}"
    )

    assert "2 rows – 2 to create" in output
    kita = Service.objects.get(external_id="10210020")
    assert (kita.capacity, kita.min_age_months, kita.max_age_months) == (69, 0, 72)
    assert kita.organization.name == "Kinderwelt gGmbH"
    assert sorted(t.code for t in kita.terms.all()) == [
        "children",
        "education",
        "infant",
        "preschool",
    ]
    (location,) = kita.locations.all()
    assert location.address_1 == "Albrechtstr. 20"
    assert location.area == marzahn.north
    # Without coordinates nor an address the second Kita has no location, but is imported.
    assert not Service.objects.get(external_id="10210030").locations.exists()
