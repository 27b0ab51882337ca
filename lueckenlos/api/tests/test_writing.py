"""Writing through the API: each role within its Kommune and providers, German field errors."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.review.models import Proposal


def offer_body(world, **overrides) -> dict:
    body = {
        "kommune": "marzahn-hellersdorf",
        "organization": str(world.kita_a.pk),
        "name": "Babyschwimmen",
        "min_age_months": 3,
        "max_age_months": 24,
        "terms": ["life_phase:infant", "field_of_action:health"],
        "locations": [str(world.location_a.pk)],
        "languages": [{"code": "tr", "note": ""}],
        "cost_options": [{"kind": "fee", "amount": "5.00"}],
        "schedules": [
            {"kind": "regular", "weekday": "MO", "opens_at": "09:00", "closes_at": "10:30"}
        ],
    }
    body.update(overrides)
    return body


def test_a_provider_editor_creates_a_draft_of_its_provider(world, client_of):
    response = client_of("provider_a").post("/api/v1/offers/", offer_body(world), format="json")
    assert response.status_code == 201, response.json()
    created = Service.objects.get(pk=response.json()["id"])
    assert created.status == Service.Status.DRAFT
    assert sorted(t.code for t in created.terms.all()) == ["health", "infant"]
    assert list(created.locations.all()) == [world.location_a]
    assert created.languages.get().code == "tr"
    assert str(created.cost_options.get().amount) == "5.00"
    assert created.schedules.get().weekday == "MO"
    # The back office's history names who did it.
    entry = LogEntry.objects.get(object_id=str(created.pk))
    assert (entry.user, entry.action_flag) == (world.users["provider_a"], ADDITION)


def test_a_provider_editor_may_not_publish(world, client_of, english):
    client = client_of("provider_a")
    body = offer_body(world, status="active")
    assert client.post("/api/v1/offers/", body, format="json").status_code == 403
    patch = client.patch(f"/api/v1/offers/{world.draft_a.pk}/", {"status": "active"}, format="json")
    assert patch.status_code == 403
    assert patch.json()["detail"] == "Only the Kommune's coordinators publish or withdraw offers."


def test_a_provider_editor_may_not_touch_another_providers_offer(world, client_of):
    client = client_of("provider_b")
    body = offer_body(world)  # for Kita A
    assert client.post("/api/v1/offers/", body, format="json").status_code == 403
    # Kita A's active offer is public, so visible, but not B's to change.
    response = client.patch(f"/api/v1/offers/{world.active_a.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403
    world.active_a.refresh_from_db()
    assert world.active_a.name == "Krabbelgruppe"


def test_a_coordinator_publishes_and_confirms(world, client_of):
    response = client_of("coordinator_marzahn").patch(
        f"/api/v1/offers/{world.draft_a.pk}/",
        {"status": "active", "last_confirmed": "2025-03-01"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    world.draft_a.refresh_from_db()
    assert world.draft_a.status == "active"
    entry = LogEntry.objects.get(object_id=str(world.draft_a.pk))
    assert entry.action_flag == CHANGE
    # Once active, the portal's search finds it.
    found = client_of("anonymous").get(
        "/api/v1/offers/", {"kommune": "marzahn-hellersdorf", "q": "Elterncafé"}
    )
    assert [offer["name"] for offer in found.json()["results"]] == ["Elterncafé"]


def test_a_coordinator_of_another_kommune_is_refused(world, client_of):
    client = client_of("coordinator_pankow")
    assert client.post("/api/v1/offers/", offer_body(world), format="json").status_code == 403
    response = client.delete(f"/api/v1/offers/{world.active_a.pk}/")
    assert response.status_code == 403
    assert Service.objects.filter(pk=world.active_a.pk).exists()


def test_steering_members_and_strangers_write_nothing(world, client_of):
    for persona in ("steering_marzahn", "stranger"):
        response = client_of(persona).post("/api/v1/offers/", offer_body(world), format="json")
        assert response.status_code == 403
    assert client_of("anonymous").post("/api/v1/offers/", offer_body(world)).status_code == 401


def test_validation_errors_are_field_errors(world, client_of, english):
    response = client_of("coordinator_marzahn").post(
        "/api/v1/offers/",
        offer_body(world, min_age_months=72, max_age_months=12, terms=["life_phase:elderly"]),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["terms"] == [
        "Unknown terms: life_phase:elderly. Terms are written vocabulary:code."
    ]
    age = client_of("coordinator_marzahn").post(
        "/api/v1/offers/", offer_body(world, min_age_months=72, max_age_months=12), format="json"
    )
    assert age.status_code == 400
    assert "max_age_months" in age.json()


def test_an_age_range_contradicting_the_life_phase_is_refused(world, client_of, english):
    response = client_of("coordinator_marzahn").post(
        "/api/v1/offers/",
        offer_body(world, min_age_months=120, max_age_months=180),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["terms"] == [
        "“0 bis 3 Jahre” does not fit the age range 120 to 180 months."
    ]


def test_schedule_errors_name_the_entry(world, client_of, english):
    schedules = [
        {"kind": "regular", "weekday": "MO", "opens_at": "09:00", "closes_at": "10:00"},
        {"kind": "regular", "weekday": "TU", "opens_at": "12:00", "closes_at": "10:00"},
    ]
    response = client_of("coordinator_marzahn").post(
        "/api/v1/offers/", offer_body(world, schedules=schedules), format="json"
    )
    assert response.status_code == 400
    assert "Entry 2:" in response.json()["schedules"][0]
    assert not Service.objects.filter(name="Babyschwimmen").exists()


def test_a_location_of_another_kommune_is_refused(world, client_of, english):
    pankow_place = Location.objects.create(kommune=world.pankow, name="Pankower Haus")
    response = client_of("admin").post(
        "/api/v1/offers/", offer_body(world, locations=[str(pankow_place.pk)]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["locations"] == ["Not locations of Marzahn-Hellersdorf: Pankower Haus."]


def test_lists_given_replace_lists_left_out_stay(world, client_of):
    client = client_of("coordinator_marzahn")
    created = client.post("/api/v1/offers/", offer_body(world), format="json").json()
    response = client.patch(
        f"/api/v1/offers/{created['id']}/", {"languages": [{"code": "ar"}]}, format="json"
    )
    assert [language["code"] for language in response.json()["languages"]] == ["ar"]
    assert len(response.json()["schedules"]) == 1
    assert sorted(response.json()["terms"]) == ["field_of_action:health", "life_phase:infant"]


def test_coordinators_manage_providers_provider_editors_do_not(world, client_of):
    body = {"kommune": "marzahn-hellersdorf", "name": "Neuer Träger"}
    refused = client_of("provider_a").post("/api/v1/organizations/", body, format="json")
    assert refused.status_code == 403
    response = client_of("county_coordinator").post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201
    assert Organization.objects.get(pk=response.json()["id"]).kommune == world.marzahn


def test_a_provider_with_offers_is_not_deleted(world, client_of, english):
    response = client_of("coordinator_marzahn").delete(f"/api/v1/organizations/{world.kita_a.pk}/")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["“Kita A” still provides 2 offers; delete or move them first."]
    }


def test_a_new_location_is_placed_in_its_area(world, client_of, marzahn):
    response = client_of("provider_a").post(
        "/api/v1/locations/",
        {
            "kommune": "marzahn-hellersdorf",
            "organization": str(world.kita_a.pk),
            "name": "Haus Nord",
            "latitude": 52.515,
            "longitude": 13.56,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["area"] == marzahn.north.pk


def test_a_provider_editor_may_not_create_a_location_for_another_provider(world, client_of):
    body = {"kommune": "marzahn-hellersdorf", "organization": str(world.verein_b.pk), "name": "X"}
    assert (
        client_of("provider_a").post("/api/v1/locations/", body, format="json").status_code == 403
    )


def test_a_record_does_not_move_to_another_kommune(world, client_of, english):
    response = client_of("admin").patch(
        f"/api/v1/offers/{world.active_a.pk}/", {"kommune": "pankow"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "kommune": ["A record cannot move to another Kommune; create it there."]
    }


def test_messages_are_german_by_default(world, client_of):
    # DRF's own messages come in German (its catalogue); ours once the lead's catalogue has them.
    response = client_of("coordinator_marzahn").post(
        "/api/v1/offers/", offer_body(world, name=""), format="json"
    )
    assert response.json()["name"] == ["Dieses Feld darf nicht leer sein."]


def test_a_provider_editors_change_of_a_published_offer_waits_for_review(world, client_of):
    response = client_of("provider_a").patch(
        f"/api/v1/offers/{world.active_a.pk}/",
        {"description": "Neu: jeden Dienstag"},
        format="json",
    )

    assert response.status_code == 202, response.json()
    proposal = Proposal.objects.get(pk=response.json()["proposal"])
    assert proposal.service == world.active_a and proposal.status == Proposal.Status.PENDING
    # The published version stays live until a coordinator approves.
    world.active_a.refresh_from_db()
    assert world.active_a.description != "Neu: jeden Dienstag"


def test_a_provider_editor_does_not_withdraw_a_published_offer(world, client_of):
    response = client_of("provider_a").delete(f"/api/v1/offers/{world.active_a.pk}/")

    assert response.status_code == 403
    assert Service.objects.filter(pk=world.active_a.pk).exists()


def test_a_provider_editors_stale_change_is_refused_before_review(world, client_of):
    response = client_of("provider_a").patch(
        f"/api/v1/offers/{world.active_a.pk}/",
        {"description": "X", "version": world.active_a.version - 1 or 99},
        format="json",
    )

    assert response.status_code == 409
