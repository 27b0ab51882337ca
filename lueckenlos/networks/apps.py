from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """Networks and committees, their meetings and decisions, cooperation agreements, events."""

    name = "lueckenlos.networks"
    verbose_name = _("Networks")
