"""Public indicators on the portal, with small numbers suppressed."""

from django.urls import path

from lueckenlos.monitoring import public_views

app_name = "indicators"

urlpatterns = [
    path("<slug:kommune_slug>/kennzahlen/", public_views.indicator_list, name="list"),
    path(
        "<slug:kommune_slug>/kennzahlen/<str:code>/",
        public_views.indicator_detail,
        name="detail",
    ),
]
