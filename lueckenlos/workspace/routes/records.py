"""History, trash, personal data, update rounds and invitations of the workspace."""

from django.urls import path

from lueckenlos.workspace.views import history, invitations, person_data, trash, update_rounds

urlpatterns = [
    path("angebote/<uuid:offer_id>/verlauf/", history.offer_history, name="offer_history"),
    path(
        "angebote/<uuid:offer_id>/verlauf/<int:history_id>/wiederherstellen/",
        history.offer_restore,
        name="offer_restore",
    ),
    path(
        "traeger/<uuid:organization_id>/verlauf/",
        history.organization_history,
        name="organization_history",
    ),
    path(
        "traeger/<uuid:organization_id>/verlauf/<int:history_id>/wiederherstellen/",
        history.organization_restore,
        name="organization_restore",
    ),
    path("orte/<uuid:location_id>/verlauf/", history.location_history, name="location_history"),
    path(
        "orte/<uuid:location_id>/verlauf/<int:history_id>/wiederherstellen/",
        history.location_restore,
        name="location_restore",
    ),
    path("papierkorb/", trash.trash, name="trash"),
    path(
        "papierkorb/<str:kind>/<uuid:object_id>/",
        trash.trash_restore_view,
        name="trash_restore",
    ),
    path("personendaten/", person_data.person_data, name="person_data"),
    path("aktualisierungsrunden/", update_rounds.update_rounds, name="update_rounds"),
    path(
        "aktualisierungsrunden/<int:round_id>/",
        update_rounds.update_round,
        name="update_round",
    ),
    path("einladungen/", invitations.invitations, name="invitations"),
]
