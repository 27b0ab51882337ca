"""What the simple public pages show, composed from the areas and catalogue selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.queries import PopulationOverview, area_population
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.catalogue.queries import offers_for_listing


def contained_kommunen(kommune: Kommune) -> QuerySet[Kommune]:
    """The Kommunen directly inside this one, each with the number of its active offers."""
    return (
        Kommune.objects.filter(parent=kommune)
        .only("pk", "name", "slug", "kind", "parent_id")
        .annotate(offer_count=Count("services", filter=Q(services__status=Service.Status.ACTIVE)))
        .order_by("name")
    )


@dataclass
class KommunePage:
    kommune: Kommune
    contained: list[Kommune]
    offers: Page
    provider_count: int
    population: PopulationOverview

    @property
    def offer_count(self) -> int:
        return self.offers.paginator.count

    @property
    def contained_offer_count(self) -> int:
        return sum(kommune.offer_count for kommune in self.contained)


def kommune_page(kommune: Kommune, *, page_number: str | int | None) -> KommunePage:
    """Everything the page of one Kommune shows; only its own offers and areas, never those
    of another tenant (its contained Kommunen appear as links with their counts)."""
    paginator = Paginator(offers_for_listing(kommune), settings.PORTAL_PAGE_SIZE)
    return KommunePage(
        kommune=kommune,
        contained=list(contained_kommunen(kommune)),
        # get_page turns a missing, garbled or too large number into the first or last page.
        offers=paginator.get_page(page_number),
        provider_count=Organization.objects.for_kommune(kommune).count(),
        population=area_population(kommune),
    )
