"""What the portal's start pages show, composed from the areas, catalogue and search."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.queries import PopulationOverview, area_population
from lueckenlos.catalogue.models import Organization, Service
from lueckenlos.search.queries import FacetGroup, offer_search


def contained_kommunen(kommune: Kommune) -> QuerySet[Kommune]:
    """The Kommunen directly inside this one, each with the number of its active offers."""
    return (
        Kommune.objects.filter(parent=kommune)
        .only("pk", "name", "slug", "kind", "parent_id")
        .annotate(offer_count=Count("services", filter=Q(services__status=Service.Status.ACTIVE)))
        .order_by("name")
    )


@dataclass
class KommuneHome:
    kommune: Kommune
    contained: list[Kommune]
    offer_count: int
    provider_count: int
    life_phases: FacetGroup | None
    topics: FacetGroup | None
    population: PopulationOverview


def kommune_home(kommune: Kommune) -> KommuneHome:
    """The start page of a Kommune's portal: entry points by life phase and topic, with the
    number of offers behind each, over its own offers and those of Kommunen it contains."""
    overview = offer_search(kommune, QueryDict(""), page_size=1)
    facets = {group.param: group for group in overview.facets}
    return KommuneHome(
        kommune=kommune,
        contained=list(contained_kommunen(kommune)),
        offer_count=overview.total,
        provider_count=Organization.objects.for_kommune(kommune, include_contained=True).count(),
        life_phases=facets.get("phase"),
        topics=facets.get("feld"),
        population=area_population(kommune),
    )
