"""The offers the analysis counts, read once per Kommune into arrays.

Counted are the offers families can find: active, not in the trash, not hidden for want of
confirmation (lueckenlos.freshness), of the Kommune and of the Kommunen it contains (a
county's analysis includes its towns' offers). An offer is where its locations are: each
location with coordinates is a point (in EPSG:3035, metres), in the area the catalogue
placed it in. An offer without any location with coordinates (telephone counselling,
outreach work) counts for the Kommune as a whole but in no area and reaches no one by
distance.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np

from lueckenlos.analysis.models import GRID_EPSG
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service, ServiceAtLocation
from lueckenlos.freshness.queries import hidden_q
from lueckenlos.lib.geo import WGS84, transformer


@dataclass
class OfferSnapshot:
    ids: list[uuid.UUID]
    names: list[str]
    capacity: np.ndarray  # places per offer; nan where not known
    min_age: np.ndarray  # months; nan where open
    max_age: np.ndarray
    terms: dict[str, np.ndarray]  # "vocabulary:code" → bool per offer
    point_offer: np.ndarray  # per point: index of its offer
    point_xy: np.ndarray  # per point: (x, y) in EPSG:3035
    point_path: list[str]  # per point: path of the location's area ("" outside all areas)
    located: np.ndarray  # bool per offer: it has at least one point

    @property
    def size(self) -> int:
        return len(self.ids)

    def mask(self, selection: TermSelection) -> np.ndarray:
        """Bool per offer: whether it matches the selection (see selection.py)."""
        result = np.ones(self.size, bool)
        for vocabulary, codes in selection.by_vocabulary().items():
            either = np.zeros(self.size, bool)
            for code in codes:
                found = self.terms.get(f"{vocabulary}:{code}")
                if found is not None:
                    either |= found
            result &= either
        return result

    def has(self, term: str) -> np.ndarray:
        found = self.terms.get(term)
        return found if found is not None else np.zeros(self.size, bool)


def offer_snapshot(kommune: Kommune) -> OfferSnapshot:
    """The Kommune's countable offers with their terms and points, in three queries."""
    counted = (
        Service.objects.for_kommune(kommune, include_contained=True).active().exclude(hidden_q())
    )
    offers = list(
        counted.order_by("name", "pk").values_list(
            "pk", "name", "capacity", "min_age_months", "max_age_months"
        )
    )
    index = {row[0]: i for i, row in enumerate(offers)}
    size = len(offers)

    def column(position: int) -> np.ndarray:
        return np.array(
            [np.nan if row[position] is None else float(row[position]) for row in offers],
            dtype=float,
        )

    terms: dict[str, np.ndarray] = {}
    links = (
        Service.terms.through.objects.filter(service__in=counted.values("pk"))
        .values_list("service_id", "taxonomyterm__taxonomy__code", "taxonomyterm__code")
        .order_by()
    )
    for service_id, vocabulary, code in links:
        key = f"{vocabulary}:{code}"
        if key not in terms:
            terms[key] = np.zeros(size, bool)
        terms[key][index[service_id]] = True

    places = (
        ServiceAtLocation.objects.filter(
            service__in=counted.values("pk"),
            location__deleted_at__isnull=True,
            location__latitude__isnull=False,
        )
        .values_list(
            "service_id", "location__longitude", "location__latitude", "location__area__path"
        )
        .order_by("service_id", "location_id")
    )
    point_offer, lons, lats, paths = [], [], [], []
    for service_id, lon, lat, path in places:
        point_offer.append(index[service_id])
        lons.append(lon)
        lats.append(lat)
        paths.append(path or "")
    if lons:
        xs, ys = transformer(WGS84, GRID_EPSG).transform(np.array(lons), np.array(lats))
        point_xy = np.column_stack([xs, ys])
    else:
        point_xy = np.zeros((0, 2))
    point_offer_array = np.array(point_offer, dtype=np.int64)
    located = np.zeros(size, bool)
    located[point_offer_array] = True
    return OfferSnapshot(
        ids=[row[0] for row in offers],
        names=[row[1] for row in offers],
        capacity=column(2),
        min_age=column(3),
        max_age=column(4),
        terms=terms,
        point_offer=point_offer_array,
        point_xy=point_xy,
        point_path=paths,
        located=located,
    )
