"""Importing HSDS packages from other systems: messy feeds, warnings per record, all or nothing."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lueckenlos.catalogue.models import Location, Organization, Service, TaxonomyTerm
from lueckenlos.catalogue.services import organization_delete, service_delete
from lueckenlos.interop.hsds.importing import ImportFailed, import_package
from lueckenlos.search.models import OfferDocument

ORG = "5f2c1b0e-3f1d-4c9a-8f3e-1a2b3c4d5e6f"
SERVICE = "a1b2c3d4-0000-4000-8000-000000000001"
NAMELESS = "a1b2c3d4-0000-4000-8000-000000000002"
LOCATION = "b1b2c3d4-0000-4000-8000-000000000001"
TAXONOMY = "c1b2c3d4-0000-4000-8000-000000000001"
TERM = "d1b2c3d4-0000-4000-8000-000000000001"


def feed() -> list[dict]:
    """Services as another directory sends them: HTML, a nameless one, extensions."""
    return [
        {
            "id": SERVICE,
            "name": "Familienberatung",
            "description": "<p>Beratung für <b>Eltern</b></p><ul><li>kostenlos</li></ul>",
            "status": "active",
            "x_internal_rank": 7,
            "minimum_age": 0,
            "maximum_age": 18,
            "organization": {"id": ORG, "name": "Beratungsstelle Ost", "description": ""},
            "service_at_locations": [
                {
                    "id": "e1b2c3d4-0000-4000-8000-000000000001",
                    "location": {
                        "id": LOCATION,
                        "location_type": "physical",
                        "name": "Haus am See",
                        "latitude": 52.505,
                        "longitude": 13.56,
                        "addresses": [
                            {
                                "id": "f1b2c3d4-0000-4000-8000-000000000001",
                                "address_1": "Seestraße 1",
                                "city": "Berlin",
                                "postal_code": "12685",
                                "state_province": "Berlin",
                                "country": "DE",
                                "address_type": "physical",
                            }
                        ],
                    },
                }
            ],
            "languages": [{"id": "01b2c3d4-0000-4000-8000-000000000001", "code": "tr"}],
            "cost_options": [
                {"id": "02b2c3d4-0000-4000-8000-000000000001", "option": "free", "amount": 0}
            ],
            "attributes": [
                {
                    "id": "03b2c3d4-0000-4000-8000-000000000001",
                    "taxonomy_term_id": TERM,
                    "taxonomy_term": {
                        "id": TERM,
                        "name": "Family counselling",
                        "description": "",
                        "code": "FC-1",
                        "taxonomy_id": TAXONOMY,
                        "taxonomy_detail": {
                            "id": TAXONOMY,
                            "name": "Open Eligibility",
                            "description": "",
                        },
                    },
                },
                {"id": "04b2c3d4-0000-4000-8000-000000000001", "taxonomy_term_id": NAMELESS},
            ],
        },
        {"id": NAMELESS, "name": "", "status": "active", "organization_id": ORG},
        {
            "id": "a1b2c3d4-0000-4000-8000-000000000003",
            "name": "Hausbesuche",
            "status": "active",
            "organization_id": ORG,
            "x_internal_rank": 2,
        },
    ]


def write_feed(tmp_path, services: list[dict]):
    folder = tmp_path / "feed"
    folder.mkdir(parents=True)
    (folder / "services.json").write_text(json.dumps(services), encoding="utf-8")
    return folder


def test_a_messy_json_feed_is_imported_with_warnings_per_record(marzahn, tmp_path, english):
    report = import_package(kommune=marzahn.kommune, path=write_feed(tmp_path, feed()))

    offer = Service.objects.get(pk=SERVICE)
    assert offer.description == "Beratung für Eltern\n- kostenlos"
    assert (offer.min_age_months, offer.max_age_months) == (0, 216)
    assert offer.organization.name == "Beratungsstelle Ost"
    assert offer.locations.get().postal_code == "12685"
    assert list(offer.languages.values_list("code", flat=True)) == ["tr"]
    assert offer.cost_options.get().kind == "free"
    # The term the feed defines is kept, in a taxonomy of its own.
    term = TaxonomyTerm.objects.get(pk=TERM)
    assert (term.code, term.taxonomy.name) == ("FC-1", "Open Eligibility")
    assert list(offer.terms.all()) == [term]
    assert OfferDocument.objects.filter(service_id=SERVICE).exists()  # in the portal search
    assert not Service.objects.filter(pk=NAMELESS).exists()

    text = "\n".join(report.warnings)
    assert f"services.json, record 1 (id {SERVICE}), field description" in text
    assert "HTML turned into plain text" in text
    assert f"record 2 (id {NAMELESS}), field name" in text
    assert text.count("x_internal_rank") == 1  # unknown field: warned once
    assert "has no location" in text  # Hausbesuche
    assert "no such taxonomy term" in text


def test_importing_the_same_package_twice_changes_nothing(marzahn, tmp_path):
    folder = write_feed(tmp_path, feed())
    import_package(kommune=marzahn.kommune, path=folder)
    again = import_package(kommune=marzahn.kommune, path=folder)
    assert again.changed is False
    assert Service.objects.filter(kommune=marzahn.kommune).count() == 2


def test_an_updated_package_updates_the_offer(marzahn, tmp_path):
    services = feed()
    import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "a", services))
    services[0]["name"] = "Familienberatung Ost"
    del services[0]["languages"]
    report = import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "b", services))
    offer = Service.objects.get(pk=SERVICE)
    assert offer.name == "Familienberatung Ost"
    assert not offer.languages.exists()
    assert report.updated["service"] == 1
    assert report.deleted["language"] == 1


def test_a_broken_json_file_is_a_clear_error_and_nothing_is_written(marzahn, tmp_path, english):
    folder = write_feed(tmp_path, feed())
    (folder / "organizations.json").write_text('[{"id": "x", "name": ', encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_package(kommune=marzahn.kommune, path=folder)
    assert "organizations.json, line 1" in str(failure.value)
    assert "not valid JSON" in str(failure.value)
    assert not Service.objects.exists()
    assert not Organization.objects.exists()


def test_a_value_the_schema_refuses_stops_the_import(marzahn, tmp_path, english):
    services = feed()
    services[2]["minimum_age"] = "three"
    with pytest.raises(ImportFailed) as failure:
        import_package(kommune=marzahn.kommune, path=write_feed(tmp_path, services))
    (error,) = failure.value.report.errors
    assert "record 3" in error and "field minimum_age" in error and "“three”" in error
    assert not Service.objects.exists()  # the good records are not written either


def test_ids_of_another_kommune_are_refused(marzahn, pankow, tmp_path, english):
    folder = write_feed(tmp_path, feed())
    import_package(kommune=pankow.kommune, path=folder)
    with pytest.raises(ImportFailed) as failure:
        import_package(kommune=marzahn.kommune, path=folder)
    assert "belongs to another Kommune" in str(failure.value)
    assert Service.objects.get(pk=SERVICE).kommune == pankow.kommune


def test_a_zipped_csv_package_with_non_uuid_ids(marzahn, tmp_path):
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("organizations.csv", "id,name,description\norg-1,Jugendamt,\n")
        package.writestr(
            "services.csv",
            "id,organization_id,name,status,minimum_age\nsvc-1,org-1,Kita-Beratung,active,3\n",
        )
        package.writestr(
            "locations.csv", "id,location_type,name,latitude,longitude\nloc-1,physical,Rathaus,,\n"
        )
        package.writestr(
            "service_at_location.csv", "id,service_id,location_id\nsal-1,svc-1,loc-1\n"
        )
    report = import_package(kommune=marzahn.kommune, path=archive)
    assert report.form == "csv"
    offer = Service.objects.get(name="Kita-Beratung")
    assert offer.organization.external_id == "org-1"
    assert offer.min_age_months == 36
    assert offer.locations.get().name == "Rathaus"
    assert Location.objects.get(name="Rathaus").external_id == "loc-1"


def test_the_command_dry_run_writes_nothing(marzahn, tmp_path):
    call_command(
        "import_hsds", str(write_feed(tmp_path, feed())), kommune=marzahn.kommune.slug, dry_run=True
    )
    assert not Service.objects.exists()


def test_the_command_reports_errors(marzahn, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_hsds", str(tmp_path / "missing"), kommune=marzahn.kommune.slug)


# --- History and trash --------------------------------------------------------------------


def test_each_imported_record_gets_one_imported_version(marzahn, tmp_path):
    folder = write_feed(tmp_path, feed())
    import_package(kommune=marzahn.kommune, path=folder)

    offer = Service.objects.get(pk=SERVICE)
    version = offer.history.get()
    assert (version.history_change_reason, version.history_user) == ("import", None)
    assert [str(link.taxonomyterm_id) for link in version.terms.all()] == [TERM]
    assert Organization.history.get(id=ORG).history_change_reason == "import"
    assert Location.history.get(id=LOCATION).history_change_reason == "import"
    # The same package again: no version, no new history row.
    counts = (Service.history.count(), Organization.history.count(), Location.history.count())
    import_package(kommune=marzahn.kommune, path=folder)
    assert (
        Service.history.count(),
        Organization.history.count(),
        Location.history.count(),
    ) == counts
    assert Service.objects.get(pk=SERVICE).version == 1


def test_an_update_counts_a_version_with_the_new_values(marzahn, tmp_path):
    import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "1", feed()))
    services = feed()
    services[0]["name"] = "Familienberatung Ost"
    del services[0]["attributes"]  # the term goes: a change of the offer's terms

    import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "2", services))

    offer = Service.objects.get(pk=SERVICE)
    assert offer.version == 2
    latest = offer.history.latest("history_date")
    assert (latest.name, latest.history_change_reason) == ("Familienberatung Ost", "import")
    assert list(latest.terms.all()) == []
    assert offer.history.count() == 2


def test_a_trashed_offer_stays_in_the_trash_with_a_warning(marzahn, tmp_path, english):
    folder = write_feed(tmp_path, feed())
    import_package(kommune=marzahn.kommune, path=folder)
    coordinator = get_user_model().objects.create_user("koordination", "k@example.org")
    service_delete(service=Service.objects.get(pk=SERVICE), acting_user=coordinator)
    services = feed()
    services[0]["name"] = "Familienberatung Ost"

    report = import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "2", services))

    stored = Service.all_objects.get(pk=SERVICE)
    assert (stored.name, stored.in_trash) == ("Familienberatung", True)
    assert stored.languages.count() == 1  # its details are left alone too
    assert (
        f"services.json, record 1 (id {SERVICE}), field id, value “{SERVICE}”: this record is "
        "in the trash here; it stays there, unchanged. Restore it first, then import again"
    ) in report.warnings
    assert report.skipped["service"] >= 1


def test_offers_of_a_trashed_provider_are_skipped(marzahn, tmp_path, english):
    services = feed()
    import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "1", services[:1]))
    coordinator = get_user_model().objects.create_user("koordination", "k@example.org")
    # A provider goes to the trash once its offers are gone.
    Service.objects.filter(pk=SERVICE).delete()
    organization_delete(organization=Organization.objects.get(pk=ORG), acting_user=coordinator)

    report = import_package(kommune=marzahn.kommune, path=write_feed(tmp_path / "2", services))

    assert not Service.all_objects.filter(kommune=marzahn.kommune).exists()
    assert any("the provider is in the trash here" in warning for warning in report.warnings)
    assert Organization.all_objects.get(pk=ORG).in_trash
