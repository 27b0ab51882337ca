from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API of the project's own model, with its OpenAPI document."""

    name = "lueckenlos.api"
    verbose_name = _("REST API")
