from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """Data in and out: imports of spreadsheets, geodata and HSDS; exports; the HSDS API."""

    name = "lueckenlos.interop"
    verbose_name = _("Imports and exports")
