"""What the HSDS API reads: a Kommune's public records, filtered and paged as openapi.json says.

Filters take HSDS ids (taxonomy terms and taxonomies have name-based ids, see serialize.py).
`search` is a plain case-insensitive match on the name and description; the portal's ranked
engine answers in German word forms and facets, which the HSDS parameters do not express.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service, ServiceAtLocation
from lueckenlos.interop.hsds import serialize
from lueckenlos.interop.hsds.export import public_services

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
METRES_PER_DEGREE = 111_320.0
EARTH_RADIUS_M = 6_371_000.0


class BadParameter(ValueError):
    """A query parameter the API cannot use; str() says which and why."""


@dataclass
class Page:
    ids: list
    total: int
    number: int
    per_page: int

    def envelope(self, contents: list[dict]) -> dict:
        pages = max(1, math.ceil(self.total / self.per_page))
        return {
            "total_items": self.total,
            "total_pages": pages,
            "page_number": self.number,
            "size": len(contents),
            "first_page": self.number == 1,
            "last_page": self.number >= pages,
            "empty": self.total == 0,
            "contents": contents,
        }


def _positive(params: dict, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadParameter(
            _("%(name)s must be a whole number from 1 on, not “%(value)s”.")
            % {"name": name, "value": raw}
        )
    return min(value, maximum) if maximum else value


def page_of(ids: list, params: dict) -> Page:
    number = _positive(params, "page", 1)
    per_page = _positive(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    start = (number - 1) * per_page
    return Page(ids=ids[start : start + per_page], total=len(ids), number=number, per_page=per_page)


def flag(params: dict, name: str) -> bool:
    return str(params.get(name, "")).lower() in {"true", "1", "yes"}


def _uuid(params: dict, name: str) -> uuid.UUID | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise BadParameter(
            _("%(name)s must be an HSDS id (a UUID), not “%(value)s”.")
            % {"name": name, "value": raw}
        ) from exc


def _modified_after(params: dict) -> dt.datetime | None:
    raw = params.get("modified_after")
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None and parse_date(raw):
        value = dt.datetime.combine(parse_date(raw), dt.time())
    if value is None:
        raise BadParameter(
            _("modified_after must be a date or date and time (ISO 8601), not “%(value)s”.")
            % {"value": raw}
        )
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value


def term_pks(vocabularies: serialize.Vocabularies, params: dict) -> list[uuid.UUID] | None:
    """Our terms selected by taxonomy_term_id and/or taxonomy_id; None if neither is given."""
    term_id = _uuid(params, "taxonomy_term_id")
    taxonomy_id = _uuid(params, "taxonomy_id")
    if term_id is None and taxonomy_id is None:
        return None
    found = []
    for pk, record in vocabularies.terms.items():
        if term_id is not None and record["id"] != str(term_id):
            continue
        if taxonomy_id is not None and record.get("taxonomy_id") != str(taxonomy_id):
            continue
        found.append(pk)
    return found


def filtered_services(
    kommune: Kommune, params: dict, vocabularies: serialize.Vocabularies
) -> QuerySet[Service]:
    services = public_services(kommune)
    if params.get("search"):
        text = params["search"]
        services = services.filter(Q(name__icontains=text) | Q(description__icontains=text))
    terms = term_pks(vocabularies, params)
    if terms is not None:
        services = services.filter(terms__in=terms)
    organization = _uuid(params, "organization_id")
    if organization is not None:
        services = services.filter(organization_id=organization)
    modified_after = _modified_after(params)
    if modified_after is not None:
        services = services.filter(updated_at__gte=modified_after)
    return services.distinct()


def service_ids(kommune: Kommune, params: dict, vocabularies: serialize.Vocabularies) -> list:
    return list(
        filtered_services(kommune, params, vocabularies).order_by("pk").values_list("pk", flat=True)
    )


def public_organizations(kommune: Kommune) -> QuerySet[Organization]:
    """Providers of the Kommune's public offers."""
    return Organization.objects.filter(
        pk__in=public_services(kommune).values("organization_id")
    ).order_by("pk")


def organization_ids(kommune: Kommune, params: dict) -> list:
    organizations = public_organizations(kommune)
    if params.get("search"):
        organizations = organizations.filter(name__icontains=params["search"])
    return list(organizations.values_list("pk", flat=True))


def _proximity(params: dict, kommune: Kommune) -> tuple[float, float, float] | None:
    """(lat, lon, metres): "lat,lon,metres", or metres around the centroid of `postcode`."""
    raw = params.get("proximity")
    if not raw:
        return None
    parts = [p.strip() for p in raw.split(",")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) == 3 and numbers[2] > 0:
        return numbers[0], numbers[1], numbers[2]
    if len(numbers) == 1 and numbers[0] > 0 and params.get("postcode"):
        points = list(
            Location.objects.for_kommune(kommune, include_contained=True)
            .filter(postal_code=params["postcode"], latitude__isnull=False)
            .values_list("latitude", "longitude")
        )
        if not points:
            return 0.0, 0.0, 0.0  # a postcode without known places: nothing is near it
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        return lat, lon, numbers[0]
    raise BadParameter(
        _(
            "proximity must be metres around the given postcode, or “latitude,longitude,"
            "metres”, not “%(value)s”."
        )
        % {"value": raw}
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def service_at_location_ids(
    kommune: Kommune, params: dict, vocabularies: serialize.Vocabularies
) -> list:
    """Service-at-location ids by id, or by distance when `proximity` is given."""
    sals = ServiceAtLocation.objects.filter(
        service__in=filtered_services(kommune, params, vocabularies)
    )
    if params.get("postcode") and not params.get("proximity"):
        sals = sals.filter(location__postal_code=params["postcode"])
    near = _proximity(params, kommune)
    if near is None:
        return list(sals.order_by("pk").values_list("pk", flat=True))
    lat, lon, radius = near
    if radius <= 0:
        return []
    # A box around the circle in SQL, the exact distance here.
    dlat = radius / METRES_PER_DEGREE
    dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = sals.filter(
        location__latitude__range=(lat - dlat, lat + dlat),
        location__longitude__range=(lon - dlon, lon + dlon),
    ).values_list("pk", "location__latitude", "location__longitude")
    within = [
        (distance_m(lat, lon, la, lo), str(pk), pk)
        for pk, la, lo in rows
        if distance_m(lat, lon, la, lo) <= radius
    ]
    return [pk for _d, _s, pk in sorted(within)]


def taxonomy_records(params: dict, vocabularies: serialize.Vocabularies) -> list[dict]:
    records = vocabularies.sorted_taxonomies()
    if params.get("search"):
        text = params["search"].lower()
        records = [r for r in records if text in r["name"].lower()]
    return records


def taxonomy_term_records(params: dict, vocabularies: serialize.Vocabularies) -> list[dict]:
    records = vocabularies.sorted_terms()
    taxonomy_id = _uuid(params, "taxonomy_id")
    if taxonomy_id is not None:
        records = [r for r in records if r.get("taxonomy_id") == str(taxonomy_id)]
    parent_id = _uuid(params, "parent_id")
    if parent_id is not None:
        records = [r for r in records if r.get("parent_id") == str(parent_id)]
    if flag(params, "top_only"):
        records = [r for r in records if not r.get("parent_id")]
    if params.get("search"):
        text = params["search"].lower()
        records = [r for r in records if text in r["name"].lower()]
    return records


def public_services_by_organization(organization_ids: list) -> dict[str, list[str]]:
    """The ids of each provider's active offers (the `services` list of a full organization)."""
    found: dict[str, list[str]] = {}
    rows = (
        Service.objects.active()
        .filter(organization_id__in=organization_ids)
        .order_by("pk")
        .values_list("organization_id", "pk")
    )
    for organization_id, pk in rows:
        found.setdefault(str(organization_id), []).append(str(pk))
    return found
