from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FreshnessConfig(AppConfig):
    """Keeping offers current: reminders, one-click confirmation, update rounds."""

    name = "lueckenlos.freshness"
    verbose_name = _("Freshness of offers")
