"""The one-click confirmation of an offer, from the reminder e-mail."""

from django.urls import path

from lueckenlos.freshness import views

app_name = "freshness"

urlpatterns = [
    path(
        "<slug:kommune_slug>/angebote/<uuid:offer_id>/bestaetigen/<str:token>/",
        views.confirm,
        name="confirm",
    ),
]
