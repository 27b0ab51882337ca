"""The portal search as a page needs it: offers, counts and labels, messages, suggestions."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import (
    Service,
    ServiceAtLocation,
    ServiceTranslation,
    TaxonomyTerm,
    Weekday,
)
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE, TARGET_GROUP
from lueckenlos.search.engine import Hit, SearchOutcome, result_points, search
from lueckenlos.search.params import (
    GROUP_TITLES,
    GROUPS_BY_PREFIX,
    Centre,
    SearchParams,
    parse_search,
)
from lueckenlos.search.places import resolve_place
from lueckenlos.search.text import WEIGHT_FIELDS

FIELD_NAMES = {
    "name": gettext_lazy("name"),
    "translated_name": gettext_lazy("name"),
    "term": gettext_lazy("classification"),
    "provider": gettext_lazy("provider"),
    "location": gettext_lazy("location"),
    "text": gettext_lazy("description"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool
    depth: int = 0
    lang: str = ""  # set when the label is German data shown in another interface language


@dataclass
class FacetGroup:
    param: str
    title: str
    options: list[FacetOption]
    multiple: bool = True

    @property
    def any_checked(self) -> bool:
        return any(option.checked for option in self.options)


@dataclass
class Result:
    offer: ResultOffer | None
    distance_m: float | None
    reasons: list[str]
    name: str = ""
    name_language: str = "de"  # "de" where no translation into the interface language exists

    @property
    def distance_label(self) -> str:
        if self.distance_m is None:
            return ""
        if self.distance_m < 1000:
            return _("%(metres)d m") % {"metres": round(self.distance_m / 10) * 10}
        return _("%(km)s km") % {"km": number_format(self.distance_m / 1000, 1)}


@dataclass
class Relaxation:
    label: str
    count: int
    query: str  # the address's query string without that constraint


@dataclass
class ActiveFilter:
    label: str
    query: str  # the query string without it


@dataclass
class SearchPage:
    kommune: Kommune
    query: QueryDict
    params: SearchParams
    results: list[Result]
    total: int
    page_size: int
    facets: list[FacetGroup]
    relaxations: list[Relaxation] = field(default_factory=list)
    place_suggestions: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def first_number(self) -> int:
        return (self.params.page - 1) * self.page_size + 1

    @property
    def active_filters(self) -> list[ActiveFilter]:
        """What narrows the search, each with the address that drops it."""
        found = []
        checked = [
            (group, option) for group in self.facets for option in group.options if option.checked
        ]
        for group, option in checked:
            rest = self.query.copy()
            rest.setlist(group.param, [v for v in rest.getlist(group.param) if v != option.value])
            rest.pop("seite", None)
            found.append(ActiveFilter(f"{group.title}: {option.label}", rest.urlencode()))
        simple = [
            (
                "alter",
                self.params.age_months is not None,
                _("Age: %(age)s") % {"age": self.age_label},
            ),
            ("jetzt", self.params.open_now, _("open now")),
            (
                "umkreis",
                bool(self.params.radius_km and self.params.centre),
                _("within %(km)s km") % {"km": f"{self.params.radius_km or 0:g}"},
            ),
        ]
        for param, active, label in simple:
            if active:
                rest = self.query.copy()
                rest.pop(param, None)
                rest.pop("seite", None)
                if param == "alter":
                    rest.pop("einheit", None)
                found.append(ActiveFilter(label, rest.urlencode()))
        return found

    @property
    def age_label(self) -> str:
        months = self.params.age_months
        if months is None:
            return ""
        if self.params.age_unit == "monate":
            return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
        if months % 12 == 0:
            years = months // 12
            return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
        years = self.params.age_input.replace(".", ",")
        return _("%(years)s years") % {"years": years}


def term_label(name: str) -> str:
    return pgettext("taxonomy term", name)


def _distance_exact(centre: Centre, latitude: float, longitude: float) -> float:
    """Great-circle metres (haversine), for the figure shown."""
    lat1, lat2 = math.radians(centre.latitude), math.radians(latitude)
    dlat = lat2 - lat1
    dlon = math.radians(longitude - centre.longitude)
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 6_371_008.8 * 2 * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class ResultPlace:
    address_1: str
    postal_code: str
    city: str
    area_name: str
    latitude: float | None
    longitude: float | None


@dataclass
class ResultOffer:
    """What a result shows of an offer."""

    pk: uuid.UUID
    name: str
    is_example: bool
    kommune_slug: str
    provider: str
    life_phases: list[str] = field(default_factory=list)  # the terms' German names
    locations: list[ResultPlace] = field(default_factory=list)  # by name, the first shown
    translated_name: str = ""  # in the interface language, where there is one


def offers_for_results(ids: list[uuid.UUID], language: str = "de") -> dict[uuid.UUID, ResultOffer]:
    """The offers of a results page with only what a result shows (name, provider, life
    phases, places, translated name), as plain values: the page is built on every search,
    and model instances with their related managers cost more than the search itself
    (100,000 offers: 5 of 7 ms)."""
    offers = {
        pk: ResultOffer(pk, name, is_example, slug, provider)
        for pk, name, is_example, slug, provider in Service.objects.filter(pk__in=ids)
        .order_by()
        .values_list("id", "name", "is_example", "kommune__slug", "organization__name")
    }
    phases = (
        Service.terms.through.objects.filter(
            service_id__in=ids, taxonomyterm__taxonomy__code=LIFE_PHASE
        )
        .order_by("taxonomyterm__position", "taxonomyterm__name")
        .values_list("service_id", "taxonomyterm__name")
    )
    for service_id, name in phases:
        offers[service_id].life_phases.append(name)
    places = (
        ServiceAtLocation.objects.filter(service_id__in=ids)
        .order_by("location__name", "location_id")
        .values_list(
            "service_id",
            "location__address_1",
            "location__postal_code",
            "location__city",
            "location__area__name",
            "location__latitude",
            "location__longitude",
        )
    )
    for service_id, *place in places:
        place[3] = place[3] or ""
        offers[service_id].locations.append(ResultPlace(*place))
    translated = (
        ServiceTranslation.objects.filter(service_id__in=ids, language=language)
        .exclude(name="")
        .order_by()
        .values_list("service_id", "name")
    )
    for service_id, name in translated:
        offers[service_id].translated_name = name
    return offers


def _reasons(hit: Hit, params: SearchParams) -> list[str]:
    reasons = []
    for query_word, word, weight in hit.matched_words:
        where = FIELD_NAMES[WEIGHT_FIELDS.get(weight, "text")]
        if query_word == word:
            reasons.append(
                _("“%(query)s” in the %(field)s") % {"query": query_word, "field": where}
            )
        else:
            reasons.append(
                _("“%(query)s” as “%(word)s” in the %(field)s")
                % {"query": query_word, "word": word, "field": where}
            )
    if params.age_months is not None:
        reasons.append(_("suits the age given"))
    return reasons


def _facet_groups(
    params: SearchParams, counts: dict[str, int], kommune_ids: list[int], language: str
) -> list[FacetGroup]:
    groups = []
    terms = TaxonomyTerm.objects.filter(
        taxonomy__code__in=[LIFE_PHASE, FIELD_OF_ACTION, TARGET_GROUP]
    ).select_related("taxonomy")
    titles = GROUP_TITLES
    for prefix in (LIFE_PHASE, FIELD_OF_ACTION, TARGET_GROUP):
        selected = params.selected.get(prefix, [])
        options = [
            FacetOption(
                term.code,
                term_label(term.name),
                counts.get(f"{prefix}:{term.code}", 0),
                term.code in selected,
            )
            for term in sorted(terms, key=lambda t: (t.position, t.name))
            if term.taxonomy.code == prefix
        ]
        options = [o for o in options if o.count or o.checked]
        if options:
            groups.append(FacetGroup(GROUPS_BY_PREFIX[prefix].param, str(titles[prefix]), options))

    languages = sorted(
        (
            FacetOption(
                key.split(":", 1)[1],
                language_name(key.split(":", 1)[1]),
                count,
                key.split(":", 1)[1] in params.selected.get("lang", []),
            )
            for key, count in counts.items()
            if key.startswith("lang:")
        ),
        key=lambda option: (option.value != "de", option.label),
    )
    for code in params.selected.get("lang", []):
        if not any(option.value == code for option in languages):
            languages.append(FacetOption(code, language_name(code), 0, True))
    if languages:
        groups.append(FacetGroup("sprache", str(GROUP_TITLES["lang"]), languages))

    cost = [
        FacetOption(
            "kostenlos",
            _("free of charge"),
            counts.get("cost:free", 0),
            "free" in params.selected.get("cost", []),
        ),
        FacetOption(
            "but",
            _("covered by Bildung und Teilhabe"),
            counts.get("cost:but", 0),
            "but" in params.selected.get("cost", []),
        ),
    ]
    groups.append(FacetGroup("kosten", str(GROUP_TITLES["cost"]), cost))
    groups.append(
        FacetGroup(
            "barrierefrei",
            str(GROUP_TITLES["wheelchair"]),
            [
                FacetOption(
                    "ja",
                    _("wheelchair accessible"),
                    counts.get("wheelchair:yes", 0),
                    "wheelchair" in params.selected,
                )
            ],
        )
    )
    days = params.selected.get("day", [])
    groups.append(
        FacetGroup(
            "tag",
            str(GROUP_TITLES["day"]),
            [
                FacetOption(code, str(label), counts.get(f"day:{code}", 0), code in days)
                for code, label in Weekday.choices
            ],
        )
    )
    areas = Area.objects.filter(kommune_id__in=kommune_ids).only("pk", "name", "path")
    chosen = params.selected.get("area", [])
    area_options = [
        FacetOption(
            str(area.pk),
            area.name,
            counts.get(f"area:{area.pk}", 0),
            str(area.pk) in chosen,
            depth=area.path.count("/") - 1,
        )
        for area in sorted(areas, key=lambda a: a.path)
    ]
    area_options = [o for o in area_options if o.count or o.checked]
    if area_options:
        groups.append(FacetGroup("gebiet", str(GROUP_TITLES["area"]), area_options, multiple=False))
    return groups


def _without(query: QueryDict, constraint: str, params: SearchParams, terms) -> tuple[str, str]:
    """The label of a constraint and the query string without it."""
    remaining = query.copy()
    remaining.pop("seite", None)
    if constraint.startswith("term:"):
        word = terms[int(constraint.split(":")[1])].query
        kept = [w for w in params.terms if w != word]
        remaining["q"] = " ".join(kept)
        return _("without the word “%(word)s”") % {"word": word}, remaining.urlencode()
    if constraint == "age":
        remaining.pop("alter", None)
        remaining.pop("einheit", None)
        return _("without the age"), remaining.urlencode()
    if constraint == "open_now":
        remaining.pop("jetzt", None)
        return _("also when closed now"), remaining.urlencode()
    if constraint == "radius":
        remaining.pop("umkreis", None)
        return _("at any distance"), remaining.urlencode()
    group = GROUPS_BY_PREFIX[constraint]
    remaining.pop(group.param, None)
    label = _("without the filter “%(filter)s”") % {"filter": GROUP_TITLES[constraint]}
    return label, remaining.urlencode()


def parsed_search(kommune: Kommune, query: QueryDict) -> tuple[SearchParams, list[int], list[str]]:
    """The search asked for, its centre resolved; the Kommunen searched; the places an
    unknown place name may have meant. What the portal, its map and the API search with."""
    kommune_ids = kommune.descendant_ids()
    params = parse_search(kommune, query, kommune_ids)
    place_suggestions: list[str] = []
    if params.has_point:
        params.centre = Centre(params.latitude, params.longitude, _("your location"))
    elif params.place:
        params.centre, place_suggestions = resolve_place(kommune_ids, params.place)
        if params.centre is None:
            params.messages.append(
                _(
                    "We do not know the place “%(place)s”. Enter an area name or a street with "
                    "house number in %(kommune)s."
                )
                % {"place": params.place, "kommune": kommune.name}
            )
    return params, kommune_ids, place_suggestions


def offer_search(
    kommune: Kommune,
    query: QueryDict,
    *,
    page_size: int,
    language: str = "de",
    now: dt.datetime | None = None,
) -> SearchPage:
    """A search of a Kommune's portal (its own offers and those of Kommunen it contains)."""
    params, kommune_ids, place_suggestions = parsed_search(kommune, query)
    outcome: SearchOutcome = search(params, kommune_ids, page_size=page_size, now=now)
    if not outcome.hits and params.page > 1 and outcome.total:
        params.page = max(1, math.ceil(outcome.total / page_size))
        outcome = search(params, kommune_ids, page_size=page_size, now=now)
    for term in outcome.terms:
        if term.fuzzy:
            params.messages.append(
                _("Nothing is spelt “%(word)s”; similar words were searched.")
                % {"word": term.query}
            )
    offers = offers_for_results([uuid.UUID(str(hit.service_id)) for hit in outcome.hits], language)
    results = []
    for hit in outcome.hits:
        offer = offers.get(uuid.UUID(str(hit.service_id)))
        if offer is None:  # deleted between the two queries
            continue
        distance = None
        if params.centre:
            distances = [
                _distance_exact(params.centre, place.latitude, place.longitude)
                for place in offer.locations
                if place.latitude is not None and place.longitude is not None
            ]
            distance = min(distances) if distances else None
        result = Result(offer, distance, _reasons(hit, params), offer.name)
        if offer.translated_name:
            result.name, result.name_language = offer.translated_name, language
        results.append(result)
    relaxations = []
    for constraint, count in outcome.relaxations:
        label, rest = _without(query, constraint, params, outcome.terms)
        relaxations.append(Relaxation(label, count, rest))
    return SearchPage(
        kommune=kommune,
        query=query,
        params=params,
        results=results,
        total=outcome.total,
        page_size=page_size,
        facets=_facet_groups(params, outcome.facet_counts, kommune_ids, language),
        relaxations=relaxations,
        place_suggestions=place_suggestions,
    )


def result_map(kommune: Kommune, query: QueryDict, *, limit: int) -> dict:
    """The result's locations as GeoJSON, for the map beside the list."""
    params, kommune_ids, _suggestions = parsed_search(kommune, query)
    slugs = dict(Kommune.objects.filter(pk__in=kommune_ids).values_list("pk", "slug"))
    features = []
    rows = result_points(params, kommune_ids, limit=limit)
    for offer_id, name, kommune_id, latitude, longitude in rows:
        offer_id = uuid.UUID(str(offer_id))
        distance = None
        if params.centre:
            distance = Result(None, _distance_exact(params.centre, latitude, longitude), [])
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(longitude, 5), round(latitude, 5)],
                },
                "properties": {
                    "name": name,
                    "url": reverse("portal:offer", args=[slugs[kommune_id], offer_id]),
                    "distance": distance.distance_label if distance else None,
                },
            }
        )
    collection: dict = {"type": "FeatureCollection", "features": features}
    if params.centre:
        collection["centre"] = {
            "lat": params.centre.latitude,
            "lon": params.centre.longitude,
            "label": params.centre.label,
        }
    return collection
