"""The prevention report in the workspace (namespace workspace)."""

from django.urls import path

from lueckenlos.reports import views

urlpatterns = [
    path("bericht/", views.report, name="report"),
]
