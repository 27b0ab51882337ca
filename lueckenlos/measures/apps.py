from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    """Measures (Maßnahmen): proposed by working groups, scored and decided by the steering
    group, followed to their evaluation."""

    name = "lueckenlos.measures"
    verbose_name = _("Measures")
