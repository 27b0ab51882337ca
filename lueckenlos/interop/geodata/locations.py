"""Placing a Kommune's locations that have an address but no coordinates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from lueckenlos.areas.geocoding import AMBIGUOUS, MATCHED, Geocoder, geocoder_for
from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index
from lueckenlos.catalogue.models import Location
from lueckenlos.catalogue.services import location_place, validate_location_coordinates
from lueckenlos.search.indexing import indexing_deferred


@dataclass(frozen=True)
class Unplaced:
    """A location the geocoder did not place, with what it found instead."""

    location: Location
    status: str
    candidates: tuple[str, ...] = ()
    reason: str = ""

    @property
    def address(self) -> str:
        place = f"{self.location.postal_code} {self.location.city}".strip()
        return ", ".join(part for part in (self.location.address_1, place) if part)


@dataclass
class GeocodeReport:
    placed: Counter = field(default_factory=Counter)  # by source
    unmatched: list[Unplaced] = field(default_factory=list)
    ambiguous: list[Unplaced] = field(default_factory=list)
    rejected: list[Unplaced] = field(default_factory=list)  # found, but not acceptable
    warnings: list[str] = field(default_factory=list)  # placed, but in none of the areas
    register_size: int = 0


@transaction.atomic
def locations_geocode(*, kommune: Kommune, geocoder: Geocoder | None = None) -> GeocodeReport:
    """Give every location of the Kommune that has an address but no coordinates the
    coordinates of its address and its area; unmatched and ambiguous ones are left as they
    are and reported with their candidates."""
    geocoder = geocoder if geocoder is not None else geocoder_for(kommune)
    report = GeocodeReport(register_size=len(geocoder))
    locations = (
        Location.objects.for_kommune(kommune)
        .filter(latitude__isnull=True)
        .exclude(address_1="")
        .order_by("name", "pk")
    )
    index = area_index(kommune)
    with indexing_deferred():
        for location in locations:
            location.kommune = kommune  # for messages, without a query per location
            result = geocoder.geocode(
                street_and_number=location.address_1,
                postal_code=location.postal_code,
                city=location.city,
            )
            if result.status != MATCHED:
                unplaced = Unplaced(location, result.status, result.candidates)
                (report.ambiguous if result.status == AMBIGUOUS else report.unmatched).append(
                    unplaced
                )
                continue
            location.longitude, location.latitude = result.longitude, result.latitude
            try:
                validate_location_coordinates(location)
            except ValidationError as exc:
                report.rejected.append(
                    Unplaced(location, result.status, reason=" ".join(exc.messages))
                )
                continue
            warning = location_place(location, index=index)
            if warning:
                report.warnings.append(warning)
            location.save(update_fields=["latitude", "longitude", "area"])
            report.placed[result.source] += 1
    return report
