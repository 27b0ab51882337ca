"""The monitoring atlas in the workspace (namespace workspace), under /<kommune>/arbeitsbereich/."""

from django.urls import path

from lueckenlos.monitoring import views

urlpatterns = [
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/<str:code>/", views.monitoring_indicator, name="monitoring_indicator"),
]
