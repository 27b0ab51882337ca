"""Contact persons' data: exported on request, erased on request, the offers stay."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError

from lueckenlos.catalogue.history import person_data_export, person_erase
from lueckenlos.catalogue.models import Contact, Phone, Service
from lueckenlos.catalogue.models.tracking import acting_as
from tests.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "pw")


@pytest.fixture
def anna(marzahn, alice):
    """Anna Schmidt, contact for an offer in Marzahn-Hellersdorf, with a changed address."""
    offer = ServiceFactory(kommune=marzahn.kommune, name="Familiencafé")
    with acting_as(alice):
        contact = Contact.objects.create(
            service=offer,
            name="Anna Schmidt",
            title="Leitung",
            email="anna@example.org",
            purpose="Ansprechperson für Familien",
            consent_date=dt.date(2024, 3, 1),
        )
        contact.email = "a.schmidt@example.org"
        contact.save()
        Phone.objects.create(contact=contact, number="030 1234567")
    return contact


def test_the_export_holds_the_contact_phones_and_history(marzahn, anna):
    export = person_data_export(kommune=marzahn.kommune, name_or_email="anna schmidt")

    (contact,) = export["contacts"]
    assert contact["purpose"] == "Ansprechperson für Familien"
    assert contact["consent_date"] == "2024-03-01"
    assert contact["offer"] == "Familiencafé"
    assert [p["number"] for p in contact["phones"]] == ["030 1234567"]
    # The earlier address too: the history is data about her.
    assert {row["email"] for row in contact["history"]} == {
        "anna@example.org",
        "a.schmidt@example.org",
    }
    assert all(row["by"] == "alice" for row in contact["history"])
    json.dumps(export)  # handed out as a file


def test_the_export_finds_her_by_email_and_only_in_the_kommune(marzahn, pankow, anna):
    assert (
        len(
            person_data_export(kommune=marzahn.kommune, name_or_email="A.Schmidt@example.org")[
                "contacts"
            ]
        )
        == 1
    )
    assert (
        person_data_export(kommune=pankow.kommune, name_or_email="Anna Schmidt")["contacts"] == []
    )


def test_erasure_leaves_no_trace_in_contacts_or_history_and_keeps_the_offer(marzahn, anna, alice):
    offer_id = anna.service_id

    assert person_erase(kommune=marzahn.kommune, contact_ids=[anna.pk], acting_user=alice) == 1

    assert Service.objects.filter(pk=offer_id).exists()
    contact = Contact.objects.get(pk=anna.pk)  # the role "Leitung" stays
    assert (contact.name, contact.email, contact.title) == ("", "", "Leitung")
    assert not Phone.objects.filter(contact=contact).exists()
    traces = [
        *Contact.history.values_list("name", "email"),
        *Phone.history.values_list("number", "description"),
        *LogEntry.objects.values_list("object_repr", "change_message"),
    ]
    text = json.dumps(traces, default=str)
    assert "Anna" not in text
    assert "schmidt" not in text.lower()
    assert "1234567" not in text


def test_a_contact_left_without_a_role_is_deleted(marzahn, alice):
    offer = ServiceFactory(kommune=marzahn.kommune)
    contact = Contact.objects.create(service=offer, name="Max Muster")

    person_erase(kommune=marzahn.kommune, contact_ids=[contact.pk], acting_user=alice)

    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Contact.history.filter(name="Max Muster").exists()


def test_a_contact_of_another_kommune_is_refused(pankow, anna, alice):
    with pytest.raises(ValidationError):
        person_erase(kommune=pankow.kommune, contact_ids=[anna.pk], acting_user=alice)

    assert Contact.objects.get(pk=anna.pk).name == "Anna Schmidt"
