"""The back office's offer import: upload → map → preview → commit, through the test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lueckenlos.catalogue.models import Service
from lueckenlos.interop.models import ImportMapping, ImportRun, PendingImport
from lueckenlos.interop.offers.fields import FIELDS

SHEET = (
    "Angebote Marzahn-Hellersdorf, Stand 05/2024;;;\n"
    "Angebot;Anbieter;Anschrift;PLZ;Altersgruppe\n"
    "Kita Sonnenschein;Kinderwelt gGmbH;Allee 10;12681;3-6 Jahre\n"
    "Elterncafé;Familienzentrum;Promenade 5;12679;Schwangere\n"
).encode("cp1252")


@pytest.fixture
def coordinator(db):
    return get_user_model().objects.create_superuser("koordination", "k@example.org", "pw")


@pytest.fixture
def client_in(client, coordinator):
    client.force_login(coordinator)
    return client


def upload(client, marzahn, data=SHEET, name="angebote.csv"):
    return client.post(
        reverse("admin:interop_import_upload"),
        {"kommune": marzahn.kommune.pk, "file": SimpleUploadedFile(name, data), "sheet": ""},
    )


def mapping_post(columns: dict[str, str], **extra) -> dict:
    data = {f"column_{f.key}": columns.get(f.key, "") for f in FIELDS}
    data.update({"defaults": "{}", "values": "{}", "save_as": ""}, **extra)
    return data


def test_the_whole_journey_creates_the_offers(client_in, marzahn, english):
    # The mapping list links to a new import.
    listing = client_in.get(reverse("admin:interop_importmapping_changelist"))
    assert reverse("admin:interop_import_upload") in listing.content.decode()

    response = upload(client_in, marzahn)
    pending = PendingImport.objects.get()
    assert response.url == reverse("admin:interop_import_map", args=[pending.pk])

    page = client_in.get(response.url).content.decode()
    # The selects are prefilled with the proposal from the column titles.
    assert '<option value="Anschrift" selected>' in page
    assert "Kita Sonnenschein" in page  # first values beside each column

    columns = {
        "name": "Angebot",
        "provider": "Anbieter",
        "street_and_number": "Anschrift",
        "postal_code": "PLZ",
        "age": "Altersgruppe",
    }
    response = client_in.post(
        response.url, mapping_post(columns, save_as="Angebotsliste Jugendamt")
    )
    assert response.url == reverse("admin:interop_import_preview", args=[pending.pk])
    assert ImportMapping.objects.get().columns == columns

    preview = client_in.get(response.url).content.decode()
    assert "2 rows – 2 to create, 0 to update, 0 unchanged, 0 rejected" in preview
    assert not Service.objects.exists()

    response = client_in.post(response.url, {})
    run = ImportRun.objects.get()
    assert response.url == reverse("admin:interop_importrun_change", args=[run.pk])
    assert sorted(Service.objects.values_list("name", flat=True)) == [
        "Elterncafé",
        "Kita Sonnenschein",
    ]
    # The kept upload is gone once it is imported.
    assert not PendingImport.objects.exists()


def test_rejected_rows_are_shown_and_block_the_commit(client_in, marzahn, english):
    upload(client_in, marzahn, SHEET.replace(b"3-6 Jahre", b"demn\xe4chst"))
    pending = PendingImport.objects.get()
    url = reverse("admin:interop_import_preview", args=[pending.pk])

    page = client_in.get(url).content.decode()
    assert "demnächst" in page and "not an age range" in page

    response = client_in.post(url, {})
    assert "Nothing was imported: 1 rows are rejected" in response.content.decode()
    assert not Service.objects.exists()

    client_in.post(url, {"skip_rejected": "on"})
    assert list(Service.objects.values_list("name", flat=True)) == ["Elterncafé"]


def test_a_file_that_lies_is_refused_on_upload(client_in, marzahn, english):
    response = upload(client_in, marzahn, b"%PDF-1.5\n", "angebote.csv")

    assert response.status_code == 200
    assert "angebote.csv is a PDF document" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_column_mapped_twice_is_refused(client_in, marzahn, english):
    upload(client_in, marzahn)
    pending = PendingImport.objects.get()

    response = client_in.post(
        reverse("admin:interop_import_map", args=[pending.pk]),
        mapping_post({"name": "Angebot", "description": "Angebot"}),
    )

    assert "mapped twice: Angebot" in response.content.decode()


def test_only_staff_reach_the_import(client, marzahn, db):
    user = get_user_model().objects.create_user("eltern", "e@example.org", "pw")
    client.force_login(user)

    response = client.get(reverse("admin:interop_import_upload"))

    assert response.status_code == 302 and "/login/" in response.url


def test_staff_without_the_permission_are_refused(client, marzahn, db):
    user = get_user_model().objects.create_user("praktikant", "p@example.org", "pw", is_staff=True)
    client.force_login(user)

    assert client.get(reverse("admin:interop_import_upload")).status_code == 403
