"""Addresses of the account pages, under /konto/ (German words, as the portal's)."""

from django.urls import path

from lueckenlos.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.logout, name="logout"),
    path("zweiter-faktor/", views.second_factor, name="second_factor"),
    path("passwort/", views.password_change, name="password_change"),
    path("passwort/geaendert/", views.password_change_done, name="password_change_done"),
    path("passwort-vergessen/", views.password_reset, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done, name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", views.password_reset_complete, name="password_reset_complete"),
    path("einladung/<str:token>/", views.accept_invitation, name="invitation"),
]
