"""Public: "Unsere Einrichtung fehlt" (our organisation is missing), per Kommune."""

from django.urls import path

from lueckenlos.review.views import public

app_name = "review"

urlpatterns = [
    path("<slug:kommune_slug>/einrichtung-melden/", public.report_missing, name="report_missing"),
    path(
        "<slug:kommune_slug>/einrichtung-melden/danke/",
        public.report_missing_thanks,
        name="report_missing_thanks",
    ),
]
