"""Dashboard, offers, providers and locations of the workspace."""

from django.urls import path

from lueckenlos.workspace.views import dashboard, locations, offers, organizations

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("angebote/", offers.offers, name="offers"),
    path("angebote/neu/", offers.offer_create, name="offer_create"),
    path("angebote/<uuid:offer_id>/", offers.offer_edit, name="offer_edit"),
    path("angebote/<uuid:offer_id>/loeschen/", offers.offer_delete, name="offer_delete"),
    path("traeger/", organizations.organizations, name="organizations"),
    path("traeger/neu/", organizations.organization_create_view, name="organization_create"),
    path(
        "traeger/<uuid:organization_id>/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path(
        "traeger/<uuid:organization_id>/loeschen/",
        organizations.organization_delete_view,
        name="organization_delete",
    ),
    path("orte/", locations.locations, name="locations"),
    path("orte/neu/", locations.location_create_view, name="location_create"),
    path("orte/<uuid:location_id>/", locations.location_edit, name="location_edit"),
    path(
        "orte/<uuid:location_id>/loeschen/",
        locations.location_delete_view,
        name="location_delete",
    ),
]
