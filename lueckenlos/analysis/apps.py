from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    """Gap analysis (Lückenanalyse): supply against need by life phase, field, area."""

    name = "lueckenlos.analysis"
    verbose_name = _("Gap analysis")

    def ready(self) -> None:
        from lueckenlos.analysis import signals

        signals.connect()
