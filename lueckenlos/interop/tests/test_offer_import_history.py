"""The offer import and the history: a version per record it writes, none when it writes
nothing, and offers in the trash left where they are."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from lueckenlos.catalogue import services
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.interop.offers.preview import UNCHANGED, UPDATE
from lueckenlos.interop.tests.test_offer_import import ROWS, import_rows


@pytest.fixture
def coordinator(db):
    return get_user_model().objects.create_user("koordination", "k@example.org")


def history_reasons(model, pk) -> list[tuple[str, object]]:
    return [
        (row.history_change_reason, row.history_user)
        for row in model.history.filter(id=pk).order_by("history_date", "history_id")
    ]


def test_each_imported_record_starts_its_history_with_the_import(marzahn, coordinator):
    import_rows(marzahn.kommune, ROWS, acting_user=coordinator)

    offer = Service.objects.get(external_id="K1")
    assert history_reasons(Service, offer.pk) == [("import", coordinator)]
    # The version keeps the offer's terms, so that later versions compare with it.
    version = offer.history.get()
    assert {term.taxonomyterm.code for term in version.terms.all()} == {
        term.code for term in offer.terms.all()
    }
    provider = Organization.objects.get(name="Kinderwelt gGmbH")
    assert history_reasons(Organization, provider.pk) == [("import", coordinator)]
    place = offer.locations.get()
    assert history_reasons(Location, place.pk) == [("import", coordinator)]


def test_the_same_file_again_writes_no_history(marzahn, coordinator):
    import_rows(marzahn.kommune, ROWS, acting_user=coordinator)
    counts = (Service.history.count(), Location.history.count(), Organization.history.count())

    result = import_rows(marzahn.kommune, ROWS, acting_user=coordinator)

    assert {row.action for row in result.preview.rows} == {UNCHANGED}
    assert (
        Service.history.count(),
        Location.history.count(),
        Organization.history.count(),
    ) == counts
    assert set(Service.objects.values_list("version", flat=True)) == {1}


def test_an_update_counts_a_version_and_refuses_a_stale_edit(marzahn, coordinator):
    import_rows(marzahn.kommune, ROWS)  # by a command: nobody in particular
    offer = Service.objects.get(external_id="K1")  # an editor loads version 1 ...

    changed = [ROWS[0].replace("Kita Sonnenschein", "Kita Sonnenstrahl"), *ROWS[1:]]
    result = import_rows(marzahn.kommune, changed, acting_user=coordinator)

    assert [row.action for row in result.preview.rows] == [UPDATE, UNCHANGED, UNCHANGED]
    fresh = Service.objects.get(pk=offer.pk)
    assert (fresh.name, fresh.version) == ("Kita Sonnenstrahl", 2)
    assert history_reasons(Service, offer.pk) == [("import", None), ("import", coordinator)]
    assert offer.history.earliest("history_date").name == "Kita Sonnenschein"
    # ... and saves after the import: refused, the import's change is not lost.
    with pytest.raises(services.EditConflict):
        services.service_update(
            service=offer,
            data={"description": "Neu"},
            acting_user=coordinator,
            expected_version=1,
        )


def test_an_offer_in_the_trash_stays_there(marzahn, coordinator, english):
    import_rows(marzahn.kommune, ROWS)
    trashed = Service.objects.get(external_id="K2")
    services.service_delete(service=trashed, acting_user=coordinator)
    history_before = Service.history.count()

    changed = [ROWS[0], ROWS[1].replace("Elterncafé", "Elterncafé am Markt"), ROWS[2]]
    result = import_rows(marzahn.kommune, changed, acting_user=coordinator)

    row = result.preview.rows[1]
    assert row.action == UNCHANGED
    assert [issue.text("angebote.csv") for issue in row.warnings] == [
        "angebote.csv, row 3, column “Name”, value “Elterncafé am Markt”: this offer is in "
        "the trash; the row changes nothing. Restore it from the trash first, then import again"
    ]
    # Neither restored, nor changed, nor created a second time.
    stored = Service.all_objects.get(external_id="K2")
    assert (stored.pk, stored.name, stored.in_trash) == (trashed.pk, "Elterncafé", True)
    assert Service.all_objects.filter(kommune=marzahn.kommune).count() == 3
    assert Service.history.count() == history_before


def test_a_trashed_offer_is_found_by_name_and_address_too(marzahn, coordinator):
    without_ids = [row.split(";", 1)[1] for row in ROWS]
    header = "Name;Träger;Straße und Hausnummer;PLZ;Ort;Breitengrad;Längengrad;Alter;"
    header += "Sprachen;Kosten;Handlungsfelder"
    import_rows(marzahn.kommune, without_ids, header=header)
    services.service_delete(
        service=Service.objects.get(name="Schwimmkurs"), acting_user=coordinator
    )

    result = import_rows(marzahn.kommune, without_ids, header=header)

    assert result.preview.rows[2].action == UNCHANGED
    assert Service.all_objects.filter(name="Schwimmkurs").count() == 1


def test_a_location_in_the_trash_is_not_used_again(marzahn, coordinator):
    import_rows(marzahn.kommune, ROWS)
    offer = Service.objects.get(external_id="K1")
    old_place = offer.locations.get()
    services.location_delete(location=old_place, acting_user=coordinator)

    moved = [ROWS[0].replace("Allee der Kosmonauten 10", "Allee der Kosmonauten 12"), *ROWS[1:]]
    result = import_rows(marzahn.kommune, moved, acting_user=coordinator)

    assert result.preview.rows[0].action == UPDATE
    new_place = Location.objects.get(address_1="Allee der Kosmonauten 12")
    assert new_place.pk != old_place.pk
    assert Location.all_objects.get(pk=old_place.pk).in_trash
    assert history_reasons(Location, new_place.pk) == [("import", coordinator)]
