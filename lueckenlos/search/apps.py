from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lueckenlos.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from lueckenlos.catalogue import models as catalogue
        from lueckenlos.search import signals

        # Offer texts in other languages, where the catalogue has them.
        extra = [catalogue.ServiceTranslation] if hasattr(catalogue, "ServiceTranslation") else []
        signals.connect(extra)
