"""The workspace of each Kommune, under /<kommune-slug>/arbeitsbereich/ (German addresses).

The sections are in route modules of their own; the review queue lives in lueckenlos.review.
All share the namespace "workspace".
"""

from django.urls import include, path

from lueckenlos.analysis import routes as analysis_routes
from lueckenlos.monitoring import data_routes as monitoring_data_routes
from lueckenlos.monitoring import routes as monitoring_routes
from lueckenlos.reports import routes as report_routes
from lueckenlos.review import routes as review_routes
from lueckenlos.workspace.routes import catalogue, records

app_name = "workspace"

urlpatterns = [
    path(
        "<slug:kommune_slug>/arbeitsbereich/",
        include(
            [
                *catalogue.urlpatterns,
                *records.urlpatterns,
                *review_routes.urlpatterns,
                *analysis_routes.urlpatterns,
                # data routes first: monitoring/werte/… must not be read as an indicator code
                *monitoring_data_routes.urlpatterns,
                *monitoring_routes.urlpatterns,
                *report_routes.urlpatterns,
            ]
        ),
    ),
]
