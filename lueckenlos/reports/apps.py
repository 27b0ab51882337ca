from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The prevention report (Präventionsbericht) for the steering group and the council."""

    name = "lueckenlos.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from lueckenlos.reports.sections import register_builtin_sections

        register_builtin_sections()
