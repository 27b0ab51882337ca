"""The query parameters of the API's lists, among them the portal's search filters.

Offers are found with the portal's own search (lueckenlos.search): the same parameter
names, the same meaning, the same order of results. The search index holds the active
offers, so the portal's filters find active offers only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service
from lueckenlos.search.engine import SearchOutcome, search
from lueckenlos.search.params import RADII_KM, SORTS
from lueckenlos.search.queries import parsed_search

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _query(name: str, description: str, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(
        name, location=OpenApiParameter.QUERY, description=description, **kwargs
    )


KOMMUNE_PARAMETER = _query(
    "kommune",
    "Slug of a Kommune: its records and those of the Kommunen it contains.",
    type=OpenApiTypes.STR,
)
STATUS_PARAMETER = _query(
    "status",
    "Only offers of this status (drafts and inactive ones as far as your role allows).",
    type=OpenApiTypes.STR,
    enum=Service.Status.values,
)
ORGANIZATION_PARAMETER = _query(
    "organization", "Only those of this provider.", type=OpenApiTypes.UUID
)

# The portal's search parameters (lueckenlos.search.params), documented for the API.
SEARCH_PARAMETERS = [
    _query("q", "Search words, as in the portal's search field.", type=OpenApiTypes.STR),
    _query(
        "alter", "Age of the child (years, or months with einheit=monate).", type=OpenApiTypes.STR
    ),
    _query("einheit", "Unit of alter.", type=OpenApiTypes.STR, enum=["jahre", "monate"]),
    _query(
        "phase",
        "Life phase code (life_phase vocabulary); repeatable.",
        type=OpenApiTypes.STR,
        many=True,
    ),
    _query(
        "feld",
        "Field of action code (field_of_action); repeatable.",
        type=OpenApiTypes.STR,
        many=True,
    ),
    _query(
        "zielgruppe",
        "Target group code (target_group); repeatable.",
        type=OpenApiTypes.STR,
        many=True,
    ),
    _query(
        "sprache", "Language of the offer, ISO 639-1; repeatable.", type=OpenApiTypes.STR, many=True
    ),
    _query(
        "kosten",
        "Costs: kostenlos (free) or but (Bildung und Teilhabe).",
        type=OpenApiTypes.STR,
        many=True,
    ),
    _query("barrierefrei", "ja: wheelchair accessible only.", type=OpenApiTypes.STR),
    _query(
        "gebiet", "Area id: offers at locations in this area.", type=OpenApiTypes.STR, many=True
    ),
    _query(
        "tag",
        "Open on this weekday (MO, DI, MI, DO, FR, SA, SO); repeatable.",
        type=OpenApiTypes.STR,
        many=True,
    ),
    _query("jetzt", "1: open now.", type=OpenApiTypes.STR),
    _query(
        "nahe", "Near a place: an area name or an address of the Kommune.", type=OpenApiTypes.STR
    ),
    _query("lat", "Latitude of the centre (WGS84), with lon.", type=OpenApiTypes.STR),
    _query("lon", "Longitude of the centre (WGS84), with lat.", type=OpenApiTypes.STR),
    _query(
        "umkreis",
        "Radius in km around the centre: " + ", ".join(f"{r:g}" for r in RADII_KM) + ".",
        type=OpenApiTypes.STR,
    ),
    _query("sortierung", "Order of the results.", type=OpenApiTypes.STR, enum=list(SORTS)),
]
SEARCH_NAMES = [parameter.name for parameter in SEARCH_PARAMETERS]


def kommune_from_query(query: QueryDict) -> Kommune | None:
    slug = query.get("kommune", "")[:80]
    if not slug:
        return None
    # Checked before the database sees it: PostgreSQL refuses a NUL in a query.
    kommune = None
    if SLUG.fullmatch(slug):
        kommune = Kommune.objects.defer("boundary").filter(slug=slug).first()
    if kommune is None:
        raise ValidationError({"kommune": [_("Unknown Kommune “%(slug)s”.") % {"slug": slug}]})
    return kommune


def status_from_query(query: QueryDict) -> str:
    status = query.get("status", "")
    if status and status not in Service.Status.values:
        raise ValidationError(
            {
                "status": [
                    _("Unknown status “%(status)s”; one of %(choices)s.")
                    % {"status": status[:20], "choices": ", ".join(Service.Status.values)}
                ]
            }
        )
    return status


def uuid_from_query(query: QueryDict, name: str) -> uuid.UUID | None:
    value = query.get(name, "")
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError(
            {name: [_("“%(value)s” is no identifier (UUID).") % {"value": value[:40]}]}
        ) from None


def wants_search(query: QueryDict) -> bool:
    return any(query.get(name) for name in SEARCH_NAMES)


class SearchResults:
    """The offers of one portal search, for the paginator: counted and sliced by page.

    Each page is one call of the search engine; the page asked for first answers the count.
    """

    def __init__(
        self,
        kommune: Kommune,
        query: QueryDict,
        *,
        page_size: int,
        first_page: int,
        load: Callable[[list[uuid.UUID]], Sequence[Service]],
    ):
        self.params, self.kommune_ids, _suggestions = parsed_search(kommune, query)
        self.page_size = page_size
        self.first_page = first_page
        self._load = load
        self._outcomes: dict[int, SearchOutcome] = {}

    @property
    def messages(self) -> list[str]:
        return self.params.messages

    def _outcome(self, page: int) -> SearchOutcome:
        if page not in self._outcomes:
            self.params.page = page
            self._outcomes[page] = search(self.params, self.kommune_ids, page_size=self.page_size)
        return self._outcomes[page]

    def count(self) -> int:
        return self._outcome(self.first_page).total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Service]:
        page = index.start // self.page_size + 1
        ids = [uuid.UUID(str(hit.service_id)) for hit in self._outcome(page).hits]
        offers = {offer.pk: offer for offer in self._load(ids)}
        return [offers[pk] for pk in ids if pk in offers]
