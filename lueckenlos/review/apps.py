from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Providers' proposals (changes, new offers, "Unsere Einrichtung fehlt") and their review."""

    name = "lueckenlos.review"
    verbose_name = _("Review of proposals")
