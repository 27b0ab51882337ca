"""HSDS export: every object valid under the official schemas, CSV as the data package says,
only public data of the one Kommune, and the same bytes after export → import → export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceLanguage,
)
from lueckenlos.catalogue.services import locations_place_in_areas
from lueckenlos.interop.hsds.export import export_package
from lueckenlos.interop.hsds.importing import import_package
from lueckenlos.interop.hsds.schemas import tabular_resources, validator
from lueckenlos.interop.hsds.serialize import derived_id
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)

JSON_SCHEMAS = {
    "organizations": "organization",
    "services": "service",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


def build_catalogue(kommune) -> Service:
    """A Kita offer with everything HSDS can carry, plus what must stay out of the export."""
    provider = OrganizationFactory(
        kommune=kommune,
        name="Kinderland e. V.",
        description="Freier Träger",
        email="info@kinderland.example",
        website="https://kinderland.example",
        provider_type="freier Träger",
    )
    office = Contact.objects.create(organization=provider, title="Geschäftsstelle")
    Phone.objects.create(contact=office, number="030 1234", extension="12")
    Contact.objects.create(organization=provider, name="Erika Mustermann", title="Leitung")
    kita = LocationFactory(
        kommune=kommune,
        organization=provider,
        name="Kita Sonnenschein",
        address_1="Marzahner Promenade 1",
        postal_code="12679",
        latitude=52.515,
        longitude=13.555,
        wheelchair=Location.Wheelchair.YES,
        accessibility_description="Aufzug am Hintereingang",
    )
    Phone.objects.create(location=kita, number="030 5678", kind=Phone.Kind.FAX)
    offer = ServiceFactory(
        kommune=kommune,
        organization=provider,
        name="Sprachförderung in der Kita",
        description="Spielerisch Deutsch lernen.",
        url="https://kinderland.example/sprache",
        email="sprache@kinderland.example",
        min_age_months=36,
        max_age_months=72,
        last_confirmed=dt.date(2025, 1, 15),
        terms=["life_phase:preschool", "field_of_action:education"],
    )
    ServiceAtLocationFactory(service=offer, location=kita)
    ServiceAtLocationFactory(
        service=offer,
        location=LocationFactory(kommune=kommune, name="Bibliothek", address_1="", city=""),
    )
    Schedule.objects.create(
        service=offer,
        location=kita,
        kind=Schedule.Kind.REGULAR,
        weekday="MO",
        opens_at=dt.time(9),
        closes_at=dt.time(12, 30),
    )
    Schedule.objects.create(
        service=offer,
        kind=Schedule.Kind.EVENT,
        starts_at=timezone.make_aware(dt.datetime(2025, 6, 1, 15)),
        ends_at=timezone.make_aware(dt.datetime(2025, 6, 1, 17)),
        description="Sommerfest",
    )
    CostOption.objects.create(service=offer, kind=CostOption.Kind.FREE)
    CostOption.objects.create(
        service=offer,
        kind=CostOption.Kind.FEE,
        amount=Decimal("12.50"),
        amount_description="Ausflug",
    )
    ServiceLanguage.objects.create(service=offer, code="de")
    ServiceLanguage.objects.create(service=offer, code="tr", note="dienstags")
    Phone.objects.create(service=offer, number="030 999")
    Contact.objects.create(service=offer, title="Sprachkita-Team", email="team@kinderland.example")
    ServiceFactory(kommune=kommune, organization=provider, name="Entwurf", status="draft")
    return offer


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def package_files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def exported(marzahn, pankow, tmp_path) -> Path:
    build_catalogue(marzahn.kommune)
    ServiceFactory(kommune=pankow.kommune, name="Pankower Elterncafé")
    export_package(kommune=marzahn.kommune, out=tmp_path / "hsds")
    return tmp_path / "hsds"


def test_every_exported_object_is_valid_under_the_official_schemas(exported):
    for name, schema_name in JSON_SCHEMAS.items():
        records = read_lines(exported / "json" / f"{name}.ndjson")
        assert records, name
        check = validator(schema_name, check_formats=True)
        for record in records:
            errors = [f"{e.json_path}: {e.message}" for e in check.iter_errors(record)]
            assert errors == [], (name, record["id"])


def test_the_csv_form_follows_the_tabular_data_package(exported):
    package = json.loads((exported / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        with (exported / "csv" / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        fields = resource["schema"]["fields"]
        assert rows[0] == [f["name"] for f in fields], resource["path"]
        required = [i for i, f in enumerate(fields) if f.get("constraints", {}).get("required")]
        for row in rows[1:]:
            # "Required" in the tabular model: present and not empty. state_province is the
            # one required column we cannot fill (no state on a location), exempted by name.
            missing = [
                fields[i]["name"]
                for i in required
                if not row[i] and fields[i]["name"] != "state_province"
            ]
            assert missing == [], (resource["path"], row)
    counts = {
        name: sum(1 for _ in (exported / "csv" / r.path).open(encoding="utf-8")) - 1
        for name, r in tabular_resources().items()
    }
    assert counts["service"] == 1
    assert counts["service_at_location"] == 2
    assert counts["location"] == 2
    assert counts["schedule"] == 2
    assert counts["attribute"] == 2
    assert counts["funding"] == 0


def test_the_service_carries_its_details_in_hsds_terms(exported):
    (service,) = read_lines(exported / "json" / "services.ndjson")
    assert service["name"] == "Sprachförderung in der Kita"
    assert (service["minimum_age"], service["maximum_age"]) == (3, 6)
    assert service["assured_date"] == "2025-01-15"
    assert "last_modified" not in service  # no timestamp that changes with every import
    assert {c["option"] for c in service["cost_options"]} == {"kostenlos", "kostenpflichtig"}
    assert {lang["code"]: lang["name"] for lang in service["languages"]} == {
        "de": "Deutsch",
        "tr": "Türkisch",
    }
    weekly, event = sorted(service["schedules"], key=lambda s: "freq" in s, reverse=True)
    assert (weekly["freq"], weekly["byday"], weekly["opens_at"]) == ("WEEKLY", "MO", "09:00:00")
    assert (event["dtstart"], event["opens_at"], event["closes_at"]) == (
        "2025-06-01",
        "15:00:00",
        "17:00:00",
    )
    kita = next(
        sal["location"]
        for sal in service["service_at_locations"]
        if sal["location"]["name"] == "Kita Sonnenschein"
    )
    assert kita["addresses"][0]["postal_code"] == "12679"
    assert kita["accessibility"][0]["details"] == "rollstuhlgerecht"
    terms = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert terms == {"preschool", "education"}


def test_taxonomies_have_ids_the_same_in_every_installation(exported):
    terms = {t["term_uri"]: t for t in read_lines(exported / "json" / "taxonomy_terms.ndjson")}
    infant = terms["urn:lueckenlos:taxonomy:life_phase:infant"]
    assert infant["id"] == derived_id("taxonomy_term", "life_phase", "infant")
    assert infant["description"].endswith("[Alter in Monaten: 0 bis 36]")
    assert infant["taxonomy_id"] == derived_id("taxonomy", "life_phase")


def test_only_public_data_of_the_kommune_is_exported(exported):
    text = "".join(p.read_text(encoding="utf-8") for p in exported.rglob("*.*"))
    assert "Pankower Elterncafé" not in text  # another tenant
    assert "Entwurf" not in text  # a draft
    assert "Erika Mustermann" not in text  # a person: only role contacts are published
    assert "Geschäftsstelle" in text


def test_the_command_writes_the_package(marzahn, tmp_path):
    build_catalogue(marzahn.kommune)
    call_command("export_hsds", kommune=marzahn.kommune.slug, out=str(tmp_path / "out"))
    assert (tmp_path / "out" / "json" / "services.ndjson").exists()
    assert (tmp_path / "out" / "csv" / "services.csv").exists()


def empty_catalogue(kommune) -> None:
    """What an empty database holds of a Kommune: nothing but the Kommune and its areas."""
    Service.objects.filter(kommune=kommune).delete()
    Location.objects.filter(kommune=kommune).delete()
    kommune.organizations.all().delete()


@pytest.mark.parametrize("form", ["json", "csv"])
def test_export_import_export_gives_the_same_bytes(marzahn, tmp_path, form):
    build_catalogue(marzahn.kommune)
    export_package(kommune=marzahn.kommune, out=tmp_path / "first")
    empty_catalogue(marzahn.kommune)

    report = import_package(kommune=marzahn.kommune, path=tmp_path / "first", form=form)
    export_package(kommune=marzahn.kommune, out=tmp_path / "second")

    assert report.errors == []
    assert report.created["service"] == 1
    assert package_files(tmp_path / "second") == package_files(tmp_path / "first")


def test_importing_a_kommunes_own_export_back_changes_nothing(marzahn, tmp_path):
    offer = build_catalogue(marzahn.kommune)
    # A location known only by its town: its partial address must survive the round trip.
    ServiceAtLocationFactory(
        service=offer,
        location=LocationFactory(
            kommune=marzahn.kommune,
            name="Stadtteilbüro",
            address_1="",
            postal_code="",
            city="Berlin",
        ),
    )
    locations_place_in_areas(kommune=marzahn.kommune)  # as saving them does
    export_package(kommune=marzahn.kommune, out=tmp_path / "hsds")

    report = import_package(kommune=marzahn.kommune, path=tmp_path / "hsds")

    assert report.changed is False
    assert Location.objects.get(name="Stadtteilbüro").city == "Berlin"
