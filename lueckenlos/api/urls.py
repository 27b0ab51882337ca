"""The REST API of the project's own model and its OpenAPI document, under /api/.

/api/v1/… the resources; /api/schema/ the OpenAPI 3 document; /api/docs/ (Swagger UI)
and /api/redoc/ (Redoc) read it, with their scripts and styles served by this server.
"""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from lueckenlos.api import views

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("kommunen", views.KommuneViewSet, basename="kommune")
router.register("areas", views.AreaViewSet, basename="area")
router.register("taxonomies", views.TaxonomyViewSet, basename="taxonomy")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("locations", views.LocationViewSet, basename="location")
router.register("offers", views.OfferViewSet, basename="offer")

# Swagger UI and Redoc set styles inline (and Redoc runs a worker from a blob): allowed on
# these two pages only; their scripts still come from this server alone.
DOCS_POLICY = {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_update(DOCS_POLICY)(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update(DOCS_POLICY)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
]
