from django.urls import path

from lueckenlos.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.kommune_list, name="kommune_list"),
]
