"""Where "near …" is: an area name or a street address from the Kommune's own data.

No geocoding service is asked: the place must be an area of the Kommune or the address of
one of its locations (the Kommune's address register comes with the data-import issue).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from shapely.geometry import shape

from lueckenlos.areas.models import Area
from lueckenlos.catalogue.models import Location
from lueckenlos.search.params import Centre
from lueckenlos.search.text import words


def normalise_address(text: str) -> str:
    """'Hauptstr. 5a', 'Hauptstraße 5 a' and 'Hauptstrasse 5A' alike: 'hauptstrasse 5a'."""
    parts = []
    for word in words(text.replace("-", " ")):
        if word.endswith("str"):
            word += "asse"
        parts.append(word)
    # A house number and its letter belong together ("5 a" -> "5a").
    return re.sub(r"(\d+) ([a-z])\b", r"\1\2", " ".join(parts))


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

    address = normalise_address(text)
    street = re.match(r"[A-Za-zÄÖÜäöüß]{3,}", text.strip())
    if street:
        candidates = Location.objects.filter(
            kommune_id__in=kommune_ids,
            latitude__isnull=False,
            address_1__istartswith=street.group(0)[:3],
        ).values_list("address_1", "postal_code", "latitude", "longitude")[:5000]
        for address_1, postal_code, latitude, longitude in candidates:
            known = normalise_address(address_1)
            if known and (address == known or address.startswith(known + " ")):
                label = f"{address_1}, {postal_code}".strip(", ")
                return Centre(latitude, longitude, label), []

    similar = process.extract(wanted, folded_names, scorer=fuzz.WRatio, score_cutoff=85, limit=3)
    by_pk = dict(names)
    return None, [by_pk[pk] for _name, _score, pk in similar]
