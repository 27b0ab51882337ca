"""Reading a search from the address: every parameter checked, nothing trusted.

Any query string gives a usable search: a value that cannot be used is left out and named in
a message the page shows ("The age “-3” is not a number of years from 0 to 27"), never an
error page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.languages import is_known_language
from lueckenlos.catalogue.models import TaxonomyTerm, Weekday
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE, TARGET_GROUP
from lueckenlos.search.text import content_words

MAX_TEXT = 200
MAX_TERMS = 8
MAX_AGE_YEARS = 27
MAX_VALUES = 20  # per filter, so no address can make a query of a thousand conditions
RADII_KM = (0.5, 1, 2, 5, 10)
# Germany with a margin: a point outside is a typo or a test, not a family here.
LAT_RANGE = (47.0, 55.2)
LON_RANGE = (5.5, 15.5)


@dataclass(frozen=True)
class FilterGroup:
    param: str  # in the address, German as the addresses are
    prefix: str  # of the facet keys in the index


GROUPS = [
    FilterGroup("phase", LIFE_PHASE),
    FilterGroup("feld", FIELD_OF_ACTION),
    FilterGroup("zielgruppe", TARGET_GROUP),
    FilterGroup("sprache", "lang"),
    FilterGroup("kosten", "cost"),
    FilterGroup("barrierefrei", "wheelchair"),
    FilterGroup("gebiet", "area"),
    FilterGroup("tag", "day"),
]
GROUPS_BY_PARAM = {group.param: group for group in GROUPS}
GROUP_TITLES = {
    LIFE_PHASE: gettext_lazy("Age and life phase"),
    FIELD_OF_ACTION: gettext_lazy("Topic"),
    TARGET_GROUP: gettext_lazy("For whom"),
    "lang": gettext_lazy("Language of the offer"),
    "cost": gettext_lazy("Costs"),
    "wheelchair": gettext_lazy("Accessibility"),
    "day": gettext_lazy("Open on"),
    "area": gettext_lazy("Area"),
}
GROUPS_BY_PREFIX = {group.prefix: group for group in GROUPS}
COST_VALUES = {"kostenlos": "free", "free": "free", "but": "but"}
WHEELCHAIR_VALUES = {"ja": "yes", "1": "yes", "yes": "yes", "on": "yes"}
GERMAN_WEEKDAYS = {
    "MO": "MO",
    "DI": "TU",
    "MI": "WE",
    "DO": "TH",
    "FR": "FR",
    "SA": "SA",
    "SO": "SU",
}
SORTS = ("relevanz", "entfernung", "name")


@dataclass(frozen=True)
class Centre:
    latitude: float
    longitude: float
    label: str


@dataclass
class SearchParams:
    text: str = ""
    terms: list[str] = field(default_factory=list)
    age_months: int | None = None
    age_input: str = ""
    age_unit: str = "jahre"
    # facet prefix -> selected values as in the index ("life_phase" -> ["infant"])
    selected: dict[str, list[str]] = field(default_factory=dict)
    open_now: bool = False
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    sort: str = ""
    page: int = 1
    messages: list[str] = field(default_factory=list)
    # set by the engine once the place is resolved
    centre: Centre | None = None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_empty(self) -> bool:
        return not (
            self.terms
            or self.age_months is not None
            or self.selected
            or self.open_now
            or self.place
            or self.has_point
        )

    def facet_keys(self, prefix: str) -> list[str]:
        return [f"{prefix}:{value}" for value in self.selected.get(prefix, [])]


def _clean(value: str, limit: int = 100) -> str:
    # Control characters (NUL among them) have no place in a search and upset databases.
    return re.sub(r"[\x00-\x1f\x7f]", " ", value)[:limit].strip()


def _number(value: str) -> float | None:
    try:
        number = float(value.replace(",", ".").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _parse_age(params: SearchParams, raw: str, unit: str) -> None:
    params.age_unit = "monate" if unit == "monate" else "jahre"
    params.age_input = _clean(raw, 20)
    if not params.age_input:
        return
    if unit not in ("", "jahre", "monate"):
        params.messages.append(
            _("The unit “%(unit)s” is unknown; the age is read in years.") % {"unit": unit}
        )
    number = _number(params.age_input)
    limit = MAX_AGE_YEARS if params.age_unit == "jahre" else MAX_AGE_YEARS * 12
    if number is None or number < 0 or number > limit:
        if params.age_unit == "jahre":
            message = _("The age “%(value)s” is not a number of years from 0 to %(max)s.")
        else:
            message = _("The age “%(value)s” is not a number of months from 0 to %(max)s.")
        params.messages.append(message % {"value": params.age_input, "max": limit})
        return
    params.age_months = int(number * 12) if params.age_unit == "jahre" else int(number)


def _known_term_codes(taxonomy_code: str) -> set[str]:
    return set(
        TaxonomyTerm.objects.filter(taxonomy__code=taxonomy_code).values_list("code", flat=True)
    )


def _parse_group(
    params: SearchParams, kommune_ids: list[int], group: FilterGroup, values: list[str]
) -> None:
    values = [_clean(value, 80) for value in values[:MAX_VALUES] if value.strip()]
    if not values:
        return
    if group.prefix in (LIFE_PHASE, FIELD_OF_ACTION, TARGET_GROUP):
        known = _known_term_codes(group.prefix)
        accepted = [value for value in values if value in known]
    elif group.prefix == "lang":
        accepted = [value.lower() for value in values if is_known_language(value.lower())]
    elif group.prefix == "cost":
        accepted = [COST_VALUES[value.lower()] for value in values if value.lower() in COST_VALUES]
    elif group.prefix == "wheelchair":
        accepted = ["yes"] if any(value.lower() in WHEELCHAIR_VALUES for value in values) else []
        values = values[:1]
    elif group.prefix == "day":
        codes = {code for code, _label in Weekday.choices}
        accepted = [
            GERMAN_WEEKDAYS.get(value.upper(), value.upper())
            for value in values
            if value.upper() in codes or value.upper() in GERMAN_WEEKDAYS
        ]
    else:  # area: ids of this Kommune's areas
        ids = [int(value) for value in values if value.isdigit() and len(value) < 12]
        accepted = [
            str(pk)
            for pk in Area.objects.filter(kommune_id__in=kommune_ids, pk__in=ids).values_list(
                "pk", flat=True
            )
        ]
    accepted = list(dict.fromkeys(accepted))
    if len(accepted) < len(values):
        params.messages.append(
            _("Some values of the filter “%(filter)s” are unknown and were left out.")
            % {"filter": GROUP_TITLES[group.prefix]}
        )
    if accepted:
        params.selected[group.prefix] = accepted


def parse_search(kommune: Kommune, query: QueryDict, kommune_ids: list[int]) -> SearchParams:
    """The search an address asks for, with a message for everything left out."""
    params = SearchParams()
    raw_text = query.get("q", "")
    if len(raw_text) > MAX_TEXT:
        params.messages.append(
            _("The search text was shortened to %(count)d characters.") % {"count": MAX_TEXT}
        )
    params.text = _clean(raw_text, MAX_TEXT)
    terms = list(dict.fromkeys(content_words(params.text)))
    if len(terms) > MAX_TERMS:
        params.messages.append(
            _("Only the first %(count)d words of the search were used.") % {"count": MAX_TERMS}
        )
    params.terms = terms[:MAX_TERMS]

    _parse_age(params, query.get("alter", ""), _clean(query.get("einheit", ""), 10).lower())
    for param, group in GROUPS_BY_PARAM.items():
        _parse_group(params, kommune_ids, group, query.getlist(param))
    params.open_now = query.get("jetzt", "") in ("1", "ja", "on")

    params.place = _clean(query.get("nahe", ""), 120)
    lat, lon = _number(query.get("lat", "")), _number(query.get("lon", ""))
    if query.get("lat") or query.get("lon"):
        if (
            lat is None
            or lon is None
            or not LAT_RANGE[0] <= lat <= LAT_RANGE[1]
            or not LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            params.messages.append(_("The location given is not a point in Germany; ignored."))
        else:
            params.latitude, params.longitude = round(lat, 5), round(lon, 5)
    radius = _number(query.get("umkreis", ""))
    if query.get("umkreis"):
        if radius in RADII_KM:
            params.radius_km = radius
        else:
            params.messages.append(
                _("The distance “%(value)s” is not one of the choices; ignored.")
                % {"value": _clean(query.get("umkreis", ""), 20)}
            )
    sort = _clean(query.get("sortierung", ""), 20)
    params.sort = sort if sort in SORTS else ""
    page = _clean(query.get("seite", query.get("page", "")), 10)
    params.page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    return params
