"""Where "near …" is: an area name or a street address from the Kommune's own data.

No geocoding service is asked: the place must be an area of the Kommune, the address of
one of its locations, or an address of its address register (Hauskoordinaten).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from shapely.geometry import shape

from lueckenlos.areas.geocoding import address_key, normalise_street, split_street_and_number
from lueckenlos.areas.models import AddressPoint, Area
from lueckenlos.catalogue.models import Location
from lueckenlos.search.params import Centre
from lueckenlos.search.text import words


def _registered_address(kommune_ids: list[int], text: str) -> Centre | None:
    """The address in the Kommunen's address register, when it names exactly one point."""
    street, number = split_street_and_number(text)
    if not number:
        return None
    found = list(
        AddressPoint.objects.filter(
            kommune_id__in=kommune_ids,
            street_key=normalise_street(street),
            house_number=number,
        ).values_list("street", "house_number", "postal_code", "latitude", "longitude")[:2]
    )
    if len(found) != 1:  # unknown, or the same address under two postcodes: no guess
        return None
    street, number, postal_code, latitude, longitude = found[0]
    return Centre(latitude, longitude, f"{street} {number}, {postal_code}".strip(", "))


def _area_centre(area: Area) -> tuple[float, float] | None:
    if not area.boundary:
        return None
    geometry = shape(area.boundary.get("geometry", area.boundary))
    point = geometry.centroid
    if not geometry.contains(point):
        point = geometry.representative_point()
    return point.y, point.x


def resolve_place(kommune_ids: list[int], text: str) -> tuple[Centre | None, list[str]]:
    """The point a place name stands for, or None and the names it may have meant."""
    wanted = " ".join(words(text))
    if not wanted:
        return None, []
    names = list(
        Area.objects.filter(kommune_id__in=kommune_ids, boundary__isnull=False).values_list(
            "pk", "name"
        )
    )
    folded_names = {pk: " ".join(words(name)) for pk, name in names}
    exact = [pk for pk, name in folded_names.items() if name == wanted]
    if exact:
        area = Area.objects.get(pk=exact[0])
        centre = _area_centre(area)
        if centre:
            return Centre(centre[0], centre[1], area.name), []

    address = address_key(text)
    street = re.match(r"[A-Za-zÄÖÜäöüß]{3,}", text.strip())
    if street:
        candidates = Location.objects.filter(
            kommune_id__in=kommune_ids,
            latitude__isnull=False,
            address_1__istartswith=street.group(0)[:3],
        ).values_list("address_1", "postal_code", "latitude", "longitude")[:5000]
        for address_1, postal_code, latitude, longitude in candidates:
            if address and address == address_key(address_1):
                label = f"{address_1}, {postal_code}".strip(", ")
                return Centre(latitude, longitude, label), []
        registered = _registered_address(kommune_ids, text)
        if registered:
            return registered, []

    similar = process.extract(wanted, folded_names, scorer=fuzz.WRatio, score_cutoff=85, limit=3)
    by_pk = dict(names)
    return None, [by_pk[pk] for _name, _score, pk in similar]
