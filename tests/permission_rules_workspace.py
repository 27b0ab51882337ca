"""Who may do what at the workspace's catalogue and records pages.

Entries of the table EXPECTED in tests/test_permissions_every_url.py. The catalogue pages
(lueckenlos/workspace/routes/catalogue.py) are in catalogue_rules(), the records pages
(lueckenlos/workspace/routes/records.py) in records_rules().
"""

from __future__ import annotations

from tests.permission_table import Rule


def catalogue_rules() -> dict[str, Rule]:
    """Dashboard, offers, providers and locations.

    Offers: every member of the Kommune reads those within reach (provider editors their
    providers' only: another provider's offer is 404), coordinators save, provider editors
    propose, steering members read (a POST is 403). Providers and locations: coordinators
    and steering members only; provider editors get 403. Deleting: coordinators only. POSTs
    here carry no form fields: a write view answers its form again (200), or the bulk action
    and the deletions redirect.
    """
    # Imports and helpers live in here, as in records_rules: the two halves stay apart.
    from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory
    from tests.permission_table import (
        MARZAHN_COORDINATORS,
        MARZAHN_READERS,
        PANKOW_READERS,
        SIGNED_IN,
        Case,
        Objects,
        Redirect,
        workspace,
    )

    # Who enters Marzahn's workspace: its readers and the editors of its two providers.
    marzahn_members = MARZAHN_READERS | {"provider_a", "provider_b"}
    # Who writes offers there (coordinators save, provider editors propose).
    offer_writers = MARZAHN_COORDINATORS | {"provider_a", "provider_b"}

    def base(o: Objects, slug: str | None = None) -> str:
        return f"/{slug or o.m}/arbeitsbereich/"

    def dashboard(o: Objects) -> list[Case]:
        return [
            Case("Marzahn's dashboard", base(o), workspace(marzahn_members, 200)),
            Case("Pankow's dashboard", base(o, o.p), workspace(PANKOW_READERS, 200)),
            Case(
                "Berlin's dashboard (lists its Bezirke)",
                base(o, o.world.berlin.slug),
                workspace({"county_coordinator", "admin"}, 200),
            ),
            Case("unknown Kommune", base(o, "nirgendwo"), workspace(SIGNED_IN, 404)),
            Case("dashboard by POST", base(o), workspace(marzahn_members, 405), "post", {}),
        ]

    def offers(o: Objects) -> list[Case]:
        url = base(o) + "angebote/"
        return [
            Case("offer list", url, workspace(marzahn_members, 200)),
            Case(
                "offer list, filtered",
                url + "?q=krabbel&status=active&stale=1&hidden=1&page=2",
                workspace(marzahn_members, 200),
            ),
            Case("Pankow's offer list", base(o, o.p) + "angebote/", workspace(PANKOW_READERS, 200)),
            Case(
                "bulk action without a selection",
                url,
                workspace(MARZAHN_COORDINATORS, Redirect(url)),
                "post",
                {},
            ),
        ]

    def offer_create(o: Objects) -> list[Case]:
        url = base(o) + "angebote/neu/"
        return [
            Case("new offer form", url, workspace(offer_writers, 200)),
            Case("new offer, empty", url, workspace(offer_writers, 200), "post", {}),
        ]

    def offer_edit(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "angebote/{}/"
        return [
            Case(
                "Kita A's offer",
                url.format(world.active_a.pk),
                workspace(marzahn_members, 200, not_found={"provider_b"}),
            ),
            Case(
                "Verein B's draft",
                url.format(world.draft_b.pk),
                workspace(marzahn_members, 200, not_found={"provider_a"}),
            ),
            Case(
                "Pankow's offer under Marzahn",
                url.format(o.active_pankow.pk),
                workspace(marzahn_members, 404),
            ),
            Case(
                "save Kita A's offer, empty",
                url.format(world.active_a.pk),
                workspace(offer_writers, 200, not_found={"provider_b"}),
                "post",
                {},
            ),
            Case(
                "save Pankow's offer under Marzahn",
                url.format(o.active_pankow.pk),
                workspace(offer_writers, 404),
                "post",
                {},
            ),
        ]

    def offer_delete(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "angebote/{}/loeschen/"
        # A draft: an active offer would make its provider public, which other rules check.
        doomed = ServiceFactory(
            kommune=world.marzahn, organization=world.kita_a, name="Weg", status="draft"
        )
        return [
            Case(
                "delete Kita A's offer?",
                url.format(world.active_a.pk),
                workspace(MARZAHN_COORDINATORS, 200),
            ),
            Case(
                "delete Pankow's offer under Marzahn?",
                url.format(o.active_pankow.pk),
                workspace(MARZAHN_COORDINATORS, 404),
            ),
            Case(
                "delete an offer",
                url.format(doomed.pk),
                workspace(MARZAHN_COORDINATORS, Redirect(base(o) + "angebote/")),
                "post",
                {},
            ),
        ]

    def organizations(o: Objects) -> list[Case]:
        url = base(o) + "traeger/"
        return [
            Case("providers", url, workspace(MARZAHN_READERS, 200)),
            Case("providers, searched", url + "?q=kita&page=3", workspace(MARZAHN_READERS, 200)),
        ]

    def organization_create(o: Objects) -> list[Case]:
        url = base(o) + "traeger/neu/"
        return [
            Case("new provider form", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case("new provider, empty", url, workspace(MARZAHN_COORDINATORS, 200), "post", {}),
        ]

    def organization_edit(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "traeger/{}/"
        return [
            Case("Kita A", url.format(world.kita_a.pk), workspace(MARZAHN_READERS, 200)),
            Case(
                "Pankow's provider under Marzahn",
                url.format(world.pankow_org.pk),
                workspace(MARZAHN_READERS, 404),
            ),
            Case(
                "save Kita A, empty",
                url.format(world.kita_a.pk),
                workspace(MARZAHN_COORDINATORS, 200),
                "post",
                {},
            ),
        ]

    def organization_delete(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "traeger/{}/loeschen/"
        doomed = OrganizationFactory(kommune=world.marzahn, name="Aufgelöster Träger")
        return [
            Case(
                "delete Kita A?", url.format(world.kita_a.pk), workspace(MARZAHN_COORDINATORS, 200)
            ),
            Case(
                "delete Pankow's provider under Marzahn?",
                url.format(world.pankow_org.pk),
                workspace(MARZAHN_COORDINATORS, 404),
            ),
            Case(
                "delete Kita A, which still has offers (refused)",
                url.format(world.kita_a.pk),
                workspace(MARZAHN_COORDINATORS, Redirect(base(o) + f"traeger/{world.kita_a.pk}/")),
                "post",
                {},
            ),
            Case(
                "delete a provider without offers",
                url.format(doomed.pk),
                workspace(MARZAHN_COORDINATORS, Redirect(base(o) + "traeger/")),
                "post",
                {},
            ),
        ]

    def locations(o: Objects) -> list[Case]:
        url = base(o) + "orte/"
        return [
            Case("locations", url, workspace(MARZAHN_READERS, 200)),
            Case("locations, searched", url + "?q=haus", workspace(MARZAHN_READERS, 200)),
        ]

    def location_create(o: Objects) -> list[Case]:
        url = base(o) + "orte/neu/"
        return [
            Case("new location form", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case("new location, empty", url, workspace(MARZAHN_COORDINATORS, 200), "post", {}),
        ]

    def location_edit(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "orte/{}/"
        pankow_location = LocationFactory(kommune=world.pankow, name="Pankower Haus")
        return [
            Case("Haus A", url.format(world.location_a.pk), workspace(MARZAHN_READERS, 200)),
            Case(
                "Pankow's location under Marzahn",
                url.format(pankow_location.pk),
                workspace(MARZAHN_READERS, 404),
            ),
            Case(
                "save Haus A, empty",
                url.format(world.location_a.pk),
                workspace(MARZAHN_COORDINATORS, 200),
                "post",
                {},
            ),
        ]

    def location_delete(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "orte/{}/loeschen/"
        doomed = LocationFactory(kommune=world.marzahn, name="Abgerissenes Haus")
        return [
            Case(
                "delete Haus A?",
                url.format(world.location_a.pk),
                workspace(MARZAHN_COORDINATORS, 200),
            ),
            Case(
                "delete a location",
                url.format(doomed.pk),
                workspace(MARZAHN_COORDINATORS, Redirect(base(o) + "orte/")),
                "post",
                {},
            ),
        ]

    w = "<slug:kommune_slug>/arbeitsbereich/"
    return {
        w: dashboard,
        w + "angebote/": offers,
        w + "angebote/neu/": offer_create,
        w + "angebote/<uuid:offer_id>/": offer_edit,
        w + "angebote/<uuid:offer_id>/loeschen/": offer_delete,
        w + "traeger/": organizations,
        w + "traeger/neu/": organization_create,
        w + "traeger/<uuid:organization_id>/": organization_edit,
        w + "traeger/<uuid:organization_id>/loeschen/": organization_delete,
        w + "orte/": locations,
        w + "orte/neu/": location_create,
        w + "orte/<uuid:location_id>/": location_edit,
        w + "orte/<uuid:location_id>/loeschen/": location_delete,
    }


def records_rules() -> dict[str, Rule]:
    """History, trash, personal data, update rounds and invitations."""
    # Imports and helpers live in here: the rest of this module belongs to the catalogue rules.
    import datetime as dt

    from django.utils import timezone

    from lueckenlos.catalogue.models import Service
    from lueckenlos.catalogue.services import service_delete, service_update
    from lueckenlos.freshness.models import UpdateRound
    from tests.factories import ServiceFactory
    from tests.permission_table import (
        MARZAHN_COORDINATORS,
        MARZAHN_READERS,
        PANKOW_READERS,
        Case,
        Objects,
        Redirect,
        workspace,
    )

    members = MARZAHN_READERS | {"provider_a", "provider_b"}

    def base(o: Objects, slug: str | None = None) -> str:
        return f"/{slug or o.m}/arbeitsbereich/"

    def first_version(obj) -> int:
        return type(obj).history.filter(id=obj.pk).order_by("history_id").first().history_id

    def changed_offer(o: Objects) -> Service:
        """An offer of Kita A with two versions: the first one is there to be restored."""
        world = o.world
        offer = ServiceFactory(kommune=world.marzahn, organization=world.kita_a, name="Verlauf")
        service_update(
            service=offer,
            data={"description": "Neu"},
            acting_user=world.users["coordinator_marzahn"],
        )
        return offer

    def trashed_offer(o: Objects, kommune, organization, name: str) -> Service:
        offer = ServiceFactory(kommune=kommune, organization=organization, name=name)
        service_delete(service=offer, acting_user=o.world.users["admin"])
        return offer

    def offer_history(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "angebote/{}/verlauf/"
        in_trash = trashed_offer(o, world.marzahn, world.kita_a, "Im Papierkorb")
        return [
            Case(
                "history of Kita A's offer",
                url.format(world.active_a.pk),
                workspace(members, 200, not_found={"provider_b"}),
            ),
            Case(
                "history of Verein B's draft",
                url.format(world.draft_b.pk),
                workspace(members, 200, not_found={"provider_a"}),
            ),
            Case(
                "history of Kita A's offer in the trash",
                url.format(in_trash.pk),
                workspace(members, 200, not_found={"provider_b"}),
            ),
            Case(
                "history of Pankow's offer under Marzahn",
                url.format(o.active_pankow.pk),
                workspace(members, 404),
            ),
            Case(
                "history of Pankow's offer in Pankow",
                f"{base(o, o.p)}angebote/{o.active_pankow.pk}/verlauf/",
                workspace(PANKOW_READERS, 200),
            ),
            Case(
                "history by POST",
                url.format(world.active_a.pk),
                workspace(members, 405),
                method="post",
                data={},
            ),
        ]

    def offer_restore(o: Objects) -> list[Case]:
        world = o.world
        offer = changed_offer(o)
        history = base(o) + f"angebote/{offer.pk}/verlauf/"
        url = history + f"{first_version(offer)}/wiederherstellen/"
        return [
            Case("confirm a restore", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case(
                "a version of another offer",
                history + f"{first_version(world.draft_a)}/wiederherstellen/",
                workspace(MARZAHN_COORDINATORS, 404),
            ),
            Case(
                "restore Pankow's offer under Marzahn",
                f"{base(o)}angebote/{o.active_pankow.pk}/verlauf/"
                f"{first_version(o.active_pankow)}/wiederherstellen/",
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
            Case(
                "restore",
                url,
                workspace(MARZAHN_COORDINATORS, Redirect(history)),
                method="post",
                data={},
            ),
        ]

    def organization_history(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "traeger/{}/verlauf/"
        return [
            Case("history of Kita A", url.format(world.kita_a.pk), workspace(MARZAHN_READERS, 200)),
            Case(
                "history of Pankow's provider under Marzahn",
                url.format(world.pankow_org.pk),
                workspace(MARZAHN_READERS, 404),
            ),
            Case(
                "provider history by POST",
                url.format(world.kita_a.pk),
                workspace(MARZAHN_READERS, 405),
                method="post",
                data={},
            ),
        ]

    def organization_restore(o: Objects) -> list[Case]:
        world = o.world
        history = base(o) + f"traeger/{world.verein_b.pk}/verlauf/"
        url = history + f"{first_version(world.verein_b)}/wiederherstellen/"
        return [
            Case("confirm a provider's restore", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case(
                "restore Pankow's provider under Marzahn",
                f"{base(o)}traeger/{world.pankow_org.pk}/verlauf/"
                f"{first_version(world.pankow_org)}/wiederherstellen/",
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
            Case(
                "restore a provider",
                url,
                workspace(MARZAHN_COORDINATORS, Redirect(history)),
                method="post",
                data={},
            ),
        ]

    def location_history(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "orte/{}/verlauf/"
        return [
            Case(
                "history of Haus A",
                url.format(world.location_a.pk),
                workspace(MARZAHN_READERS, 200),
            ),
            Case(
                "location history by POST",
                url.format(world.location_a.pk),
                workspace(MARZAHN_READERS, 405),
                method="post",
                data={},
            ),
        ]

    def location_restore(o: Objects) -> list[Case]:
        world = o.world
        history = base(o) + f"orte/{world.location_b.pk}/verlauf/"
        url = history + f"{first_version(world.location_b)}/wiederherstellen/"
        return [
            Case("confirm a location's restore", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case(
                "a provider's version under a location",
                history + f"{first_version(world.kita_a)}/wiederherstellen/",
                workspace(MARZAHN_COORDINATORS, 404),
            ),
            Case(
                "restore a location",
                url,
                workspace(MARZAHN_COORDINATORS, Redirect(history)),
                method="post",
                data={},
            ),
        ]

    def trash(o: Objects) -> list[Case]:
        return [
            Case("trash", base(o) + "papierkorb/", workspace(MARZAHN_COORDINATORS, 200)),
            Case("Pankow's trash", base(o, o.p) + "papierkorb/", workspace(PANKOW_READERS, 200)),
            Case(
                "trash by POST",
                base(o) + "papierkorb/",
                workspace(MARZAHN_COORDINATORS, 405),
                method="post",
                data={},
            ),
        ]

    def trash_restore(o: Objects) -> list[Case]:
        world = o.world
        url = base(o) + "papierkorb/{}/{}/"
        ours = trashed_offer(o, world.marzahn, world.kita_a, "Zurückholen")
        theirs = trashed_offer(o, world.pankow, world.pankow_org, "Pankower Papierkorb")
        return [
            Case(
                "restore by GET",
                url.format("angebot", ours.pk),
                workspace(MARZAHN_COORDINATORS, 405),
            ),
            Case(
                "restore from the trash",
                url.format("angebot", ours.pk),
                workspace(MARZAHN_COORDINATORS, Redirect(base(o) + "papierkorb/")),
                method="post",
                data={},
            ),
            # The offer's id under another kind, an unknown kind, another Kommune's record.
            Case(
                "an offer's id as a provider",
                url.format("traeger", ours.pk),
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
            Case(
                "an unknown kind",
                url.format("nutzer", ours.pk),
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
            Case(
                "Pankow's trash under Marzahn",
                url.format("angebot", theirs.pk),
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
            Case(
                "an offer not in the trash",
                url.format("angebot", world.draft_a.pk),
                workspace(MARZAHN_COORDINATORS, 404),
                method="post",
                data={},
            ),
        ]

    def person_data(o: Objects) -> list[Case]:
        url = base(o) + "personendaten/"
        return [
            Case("personal data", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case(
                "personal data as JSON",
                url + "?q=someone@example.org&format=json",
                workspace(MARZAHN_COORDINATORS, 200),
            ),
            # An empty erasure: the form refuses it and shows why.
            Case(
                "erase nothing",
                url,
                workspace(MARZAHN_COORDINATORS, 200),
                method="post",
                data={},
            ),
        ]

    def update_rounds(o: Objects) -> list[Case]:
        url = base(o) + "aktualisierungsrunden/"
        return [
            Case("update rounds", url, workspace(MARZAHN_READERS, 200)),
            Case(
                "start an empty round",
                url,
                workspace(MARZAHN_COORDINATORS, 200),
                method="post",
                data={},
            ),
        ]

    def update_round(o: Objects) -> list[Case]:
        world = o.world
        today = timezone.localdate()
        ends = today + dt.timedelta(days=30)
        ours = UpdateRound.objects.create(
            kommune=world.marzahn, title="Frühjahr", starts=today, ends=ends
        )
        theirs = UpdateRound.objects.create(
            kommune=world.pankow, title="Pankow", starts=today, ends=ends
        )
        url = base(o) + "aktualisierungsrunden/{}/"
        return [
            Case("an update round", url.format(ours.pk), workspace(MARZAHN_READERS, 200)),
            Case(
                "Pankow's round under Marzahn",
                url.format(theirs.pk),
                workspace(MARZAHN_READERS, 404),
            ),
            Case(
                "Pankow's round in Pankow",
                base(o, o.p) + f"aktualisierungsrunden/{theirs.pk}/",
                workspace(PANKOW_READERS, 200),
            ),
            Case(
                "round by POST",
                url.format(ours.pk),
                workspace(MARZAHN_READERS, 405),
                method="post",
                data={},
            ),
        ]

    def invitations(o: Objects) -> list[Case]:
        url = base(o) + "einladungen/"
        return [
            Case("invitations", url, workspace(MARZAHN_COORDINATORS, 200)),
            Case(
                "invite nobody",
                url,
                workspace(MARZAHN_COORDINATORS, 200),
                method="post",
                data={},
            ),
        ]

    w = "<slug:kommune_slug>/arbeitsbereich/"
    return {
        f"{w}angebote/<uuid:offer_id>/verlauf/": offer_history,
        f"{w}angebote/<uuid:offer_id>/verlauf/<int:history_id>/wiederherstellen/": offer_restore,
        f"{w}traeger/<uuid:organization_id>/verlauf/": organization_history,
        f"{w}traeger/<uuid:organization_id>/verlauf/<int:history_id>/wiederherstellen/": (
            organization_restore
        ),
        f"{w}orte/<uuid:location_id>/verlauf/": location_history,
        f"{w}orte/<uuid:location_id>/verlauf/<int:history_id>/wiederherstellen/": location_restore,
        f"{w}papierkorb/": trash,
        f"{w}papierkorb/<str:kind>/<uuid:object_id>/": trash_restore,
        f"{w}personendaten/": person_data,
        f"{w}aktualisierungsrunden/": update_rounds,
        f"{w}aktualisierungsrunden/<int:round_id>/": update_round,
        f"{w}einladungen/": invitations,
    }


def rules() -> dict[str, Rule]:
    return {**catalogue_rules(), **records_rules()}
