"""The public page of one offer: what it shows, its schema.org description and its calendar.

An offer is read with everything that hangs on it in a fixed number of queries. Its German
texts are replaced by the provider's translation into the interface language where one
exists; otherwise the German text stays and is marked as such.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTranslation,
    TaxonomyTerm,
    Weekday,
)
from lueckenlos.catalogue.models.translations import SOURCE_LANGUAGE
from lueckenlos.catalogue.vocabularies import (
    ACCESS,
    FIELD_OF_ACTION,
    LIFE_PHASE,
    LIFE_SITUATION,
    PREVENTION_TYPE,
    SETTING,
    TARGET_GROUP,
    TRANSITION,
)
from lueckenlos.freshness.queries import hidden_q

# The texts a provider may translate, in the order the page shows them.
TRANSLATABLE_FIELDS = ("name", "description", "eligibility_description", "application_process")

# "For whom" shows these vocabularies; the others are listed under "Topics", in this order,
# followed by any vocabulary a Kommune added itself.
FOR_WHOM_VOCABULARIES = (LIFE_PHASE, TARGET_GROUP)
TOPIC_VOCABULARIES = (
    FIELD_OF_ACTION,
    TRANSITION,
    ACCESS,
    SETTING,
    LIFE_SITUATION,
    PREVENTION_TYPE,
)
VOCABULARY_HEADINGS = {
    LIFE_PHASE: gettext_lazy("Life phases"),
    TARGET_GROUP: gettext_lazy("Target groups"),
    FIELD_OF_ACTION: gettext_lazy("Fields of action"),
    TRANSITION: gettext_lazy("Transitions"),
    ACCESS: gettext_lazy("Access"),
    SETTING: gettext_lazy("Everyday settings"),
    LIFE_SITUATION: gettext_lazy("Life situations"),
    PREVENTION_TYPE: gettext_lazy("Type of prevention"),
}

WEEKDAY_ORDER = [day.value for day in Weekday]
# Free first: that is what a family in poverty looks for.
COST_ORDER = [CostOption.Kind.FREE, CostOption.Kind.BUT, CostOption.Kind.FEE]
SCHEMA_DAYS = {
    Weekday.MO: "https://schema.org/Monday",
    Weekday.TU: "https://schema.org/Tuesday",
    Weekday.WE: "https://schema.org/Wednesday",
    Weekday.TH: "https://schema.org/Thursday",
    Weekday.FR: "https://schema.org/Friday",
    Weekday.SA: "https://schema.org/Saturday",
    Weekday.SU: "https://schema.org/Sunday",
}
MONTHS_PER_YEAR = 12


# --- Reading ---------------------------------------------------------------------------


def active_offer(kommune: Kommune, offer_id: UUID, *, language: str) -> Service:
    """One active offer of this Kommune (never of another, not even a contained one) with
    everything its page shows: ten queries whatever it carries, eleven outside German.

    Raises Service.DoesNotExist for an unknown, inactive or foreign offer.
    """
    prefetches: list[str | Prefetch] = [
        Prefetch(
            "terms",
            queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by(
                "taxonomy__code", "position", "name"
            ),
        ),
        Prefetch(
            "serviceatlocation_set",
            # Area names only: a Planungsraum's boundary can outweigh the whole page.
            queryset=ServiceAtLocation.objects.select_related("location__area__level")
            .defer("location__area__boundary")
            .order_by("location__name", "location__id"),
        ),
        Prefetch("serviceatlocation_set__location__phones", queryset=Phone.objects.order_by("pk")),
        Prefetch("schedules", queryset=Schedule.objects.select_related("location")),
        "cost_options",
        "languages",
        Prefetch("phones", queryset=Phone.objects.order_by("kind", "number")),
        Prefetch("contacts", queryset=Contact.objects.order_by("name", "title")),
        Prefetch("contacts__phones", queryset=Phone.objects.order_by("kind", "number")),
    ]
    if language != SOURCE_LANGUAGE:
        prefetches.append(
            Prefetch(
                "translations",
                queryset=ServiceTranslation.objects.filter(language=language),
                to_attr="current_translations",
            )
        )
    return (
        Service.objects.for_kommune(kommune)
        .active()
        .exclude(hidden_q())  # too long unconfirmed: out of the portal until confirmed
        .select_related("organization")
        .prefetch_related(*prefetches)
        .get(pk=offer_id)
    )


# --- Texts and their fallback ------------------------------------------------------------


@dataclass(frozen=True)
class OfferText:
    """One offer text as shown: translated, or German because no translation exists."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def offer_texts(
    offer: Service, translation: ServiceTranslation | None, *, language: str
) -> dict[str, OfferText]:
    """Each translatable text of the offer in `language` where the translation has it,
    else the German original; only a non-empty German text counts as a fallback."""
    texts = {}
    for field in TRANSLATABLE_FIELDS:
        german = getattr(offer, field)
        translated = getattr(translation, field, "") if translation is not None else ""
        if language != SOURCE_LANGUAGE and translated.strip():
            texts[field] = OfferText(translated, language, is_fallback=False)
        else:
            texts[field] = OfferText(
                german,
                SOURCE_LANGUAGE,
                is_fallback=language != SOURCE_LANGUAGE and bool(german.strip()),
            )
    return texts


# --- Ages, hours, places -------------------------------------------------------------------


def age_in_words(months: int) -> str:
    """ "3 years", "18 months": whole years in years, anything else in months."""
    if months and months % MONTHS_PER_YEAR == 0:
        years = months // MONTHS_PER_YEAR
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


def age_range_in_words(min_months: int | None, max_months: int | None) -> str:
    """The age range [min, max) of an offer as a phrase; empty when it has no limits."""
    if not min_months and max_months is None:
        return _("from birth") if min_months == 0 else ""
    if not min_months:
        return _("under %(max)s") % {"max": age_in_words(max_months)}
    if max_months is None:
        return _("from %(min)s") % {"min": age_in_words(min_months)}
    return _("from %(min)s to under %(max)s") % {
        "min": age_in_words(min_months),
        "max": age_in_words(max_months),
    }


@dataclass
class DayHours:
    weekday: str
    label: str
    slots: list[Schedule]


def opening_hours(schedules: list[Schedule], *, today: dt.date) -> list[DayHours]:
    """Regular weekly hours grouped by weekday, Monday first; hours that ended are left out."""
    by_day: dict[str, list[Schedule]] = {}
    for schedule in schedules:
        if schedule.kind != Schedule.Kind.REGULAR:
            continue
        if schedule.valid_to is not None and schedule.valid_to < today:
            continue
        by_day.setdefault(schedule.weekday, []).append(schedule)
    return [
        DayHours(
            weekday=day,
            label=str(Weekday(day).label),
            slots=sorted(by_day[day], key=lambda s: (s.opens_at, s.closes_at)),
        )
        for day in WEEKDAY_ORDER
        if day in by_day
    ]


def is_upcoming(schedule: Schedule, *, now: dt.datetime) -> bool:
    """An event still to come or running; one without an end stays listed for its whole day."""
    if schedule.ends_at is not None:
        return schedule.ends_at >= now
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return schedule.starts_at >= start_of_today


def upcoming_events(schedules: list[Schedule], *, now: dt.datetime) -> list[Schedule]:
    return sorted(
        (s for s in schedules if s.kind == Schedule.Kind.EVENT and is_upcoming(s, now=now)),
        key=lambda s: s.starts_at,
    )


@dataclass
class Place:
    """A location of the offer, with what the offer says about it and a search around it."""

    location: Location
    note: str
    nearby_url: str


def nearby_search_url(kommune: Kommune, location: Location) -> str:
    """The Kommune's offer search, sorted by distance from this location."""
    if not location.has_coordinates:
        return ""
    query = urlencode({"lat": f"{location.latitude:.5f}", "lon": f"{location.longitude:.5f}"})
    return f"{reverse('portal:offers', args=[kommune.slug])}?{query}"


def location_address(location: Location) -> str:
    """Street, postcode and city on one line, as a calendar or a search engine wants it."""
    town = " ".join(part for part in (location.postal_code, location.city) if part)
    return ", ".join(part for part in (location.name, location.address_1, town) if part)


# --- The page ----------------------------------------------------------------------------


@dataclass
class TermGroup:
    code: str
    heading: str
    terms: list[TaxonomyTerm]


@dataclass
class OfferLanguage:
    code: str
    name: str
    note: str


@dataclass
class OfferPage:
    offer: Service
    kommune: Kommune
    language: str
    texts: dict[str, OfferText]
    age_range: str
    for_whom: list[TermGroup]
    topics: list[TermGroup]
    opening_hours: list[DayHours]
    events: list[Schedule]
    places: list[Place]
    costs: list[CostOption]
    languages: list[OfferLanguage]
    phones: list[Phone]
    contacts: list[Contact]

    @property
    def name(self) -> OfferText:
        return self.texts["name"]

    @property
    def description(self) -> OfferText:
        return self.texts["description"]

    @property
    def eligibility(self) -> OfferText:
        return self.texts["eligibility_description"]

    @property
    def application(self) -> OfferText:
        return self.texts["application_process"]

    @property
    def website(self) -> str:
        return web_address(self.offer.url)

    @property
    def provider_website(self) -> str:
        return web_address(self.offer.organization.website)

    @property
    def has_contact(self) -> bool:
        return bool(self.phones or self.contacts or self.offer.email or self.website)

    @property
    def german_attributes(self) -> SafeString:
        """lang and dir for German data (addresses, notes) on a page in another language."""
        if self.language == SOURCE_LANGUAGE:
            return mark_safe("")
        return mark_safe(' lang="de" dir="ltr"')

    @property
    def is_free(self) -> bool:
        return any(cost.kind == CostOption.Kind.FREE for cost in self.costs)


def web_address(url: str) -> str:
    """The address if it is a web address; imports bypass form validation, and a link to
    "javascript:" must never reach the page."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def term_groups(terms: list[TaxonomyTerm], codes: tuple[str, ...]) -> list[TermGroup]:
    """The terms grouped by vocabulary, in the order of `codes`."""
    groups = []
    for code in codes:
        chosen = [term for term in terms if term.taxonomy.code == code]
        if chosen:
            groups.append(TermGroup(code, str(VOCABULARY_HEADINGS[code]), chosen))
    return groups


def own_vocabulary_groups(terms: list[TaxonomyTerm]) -> list[TermGroup]:
    """Terms of vocabularies a Kommune added itself; their names are data, like term names."""
    known = set(FOR_WHOM_VOCABULARIES) | set(TOPIC_VOCABULARIES)
    groups: dict[str, TermGroup] = {}
    for term in terms:
        taxonomy = term.taxonomy
        if taxonomy.code in known:
            continue
        if taxonomy.code not in groups:
            heading = pgettext("taxonomy term", taxonomy.name)
            groups[taxonomy.code] = TermGroup(taxonomy.code, heading, [])
        groups[taxonomy.code].terms.append(term)
    return list(groups.values())


def offer_page(kommune: Kommune, offer_id: UUID, *, now: dt.datetime | None = None) -> OfferPage:
    """Everything the page of one offer shows, in the active interface language.

    Raises Service.DoesNotExist unless the offer is an active offer of this Kommune.
    """
    language = get_language() or settings.LANGUAGE_CODE
    now = now or timezone.now()
    today = timezone.localdate(now)
    offer = active_offer(kommune, offer_id, language=language)
    translations = getattr(offer, "current_translations", [])
    terms = list(offer.terms.all())
    schedules = list(offer.schedules.all())
    return OfferPage(
        offer=offer,
        kommune=kommune,
        language=language,
        texts=offer_texts(offer, translations[0] if translations else None, language=language),
        age_range=age_range_in_words(offer.min_age_months, offer.max_age_months),
        for_whom=term_groups(terms, FOR_WHOM_VOCABULARIES),
        topics=term_groups(terms, TOPIC_VOCABULARIES) + own_vocabulary_groups(terms),
        opening_hours=opening_hours(schedules, today=today),
        events=upcoming_events(schedules, now=now),
        places=[
            Place(
                location=placement.location,
                note=placement.description,
                nearby_url=nearby_search_url(kommune, placement.location),
            )
            for placement in offer.serviceatlocation_set.all()
        ],
        costs=sorted(
            (
                cost
                for cost in offer.cost_options.all()
                if cost.valid_to is None or cost.valid_to >= today
            ),
            key=lambda cost: (COST_ORDER.index(cost.kind), cost.amount or 0),
        ),
        languages=sorted(
            (
                OfferLanguage(code=item.code, name=language_name(item.code), note=item.note)
                for item in offer.languages.all()
            ),
            key=lambda item: item.name.casefold(),
        ),
        phones=list(offer.phones.all()),
        contacts=list(offer.contacts.all()),
    )


# --- schema.org ---------------------------------------------------------------------------


def schema_place(location: Location) -> dict:
    place: dict = {"@type": "Place", "name": location.name}
    if location.address_1 or location.city:
        place["address"] = {
            "@type": "PostalAddress",
            "streetAddress": location.address_1,
            "postalCode": location.postal_code,
            "addressLocality": location.city,
            "addressCountry": "DE",
        }
    if location.has_coordinates:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    return place


def schema_offer(cost: CostOption) -> dict:
    item: dict = {"@type": "Offer", "priceCurrency": "EUR"}
    if cost.kind == CostOption.Kind.FREE:
        item["price"] = "0"
    elif cost.amount is not None:
        item["price"] = str(cost.amount)
    description = " – ".join(
        part for part in (str(cost.get_kind_display()), cost.amount_description) if part
    )
    item["description"] = description
    return item


def offer_json_ld(page: OfferPage, *, url: str) -> dict:
    """The offer as a schema.org Service, for search engines and family apps."""
    offer = page.offer
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Service",
        "@id": url,
        "url": url,
        "name": page.name.text,
        "provider": {"@type": "Organization", "name": offer.organization.name},
        "areaServed": {"@type": "AdministrativeArea", "name": page.kommune.name},
    }
    if page.description.text:
        data["description"] = page.description.text
    if page.provider_website:
        data["provider"]["url"] = page.provider_website
    if page.places:
        data["availableChannel"] = [
            {"@type": "ServiceChannel", "serviceLocation": schema_place(place.location)}
            for place in page.places
        ]
    if page.languages:
        data["availableLanguage"] = [
            {"@type": "Language", "name": item.name, "alternateName": item.code}
            for item in page.languages
        ]
    if page.opening_hours:
        data["hoursAvailable"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA_DAYS[day.weekday],
                "opens": f"{slot.opens_at:%H:%M}",
                "closes": f"{slot.closes_at:%H:%M}",
                **({"validFrom": slot.valid_from.isoformat()} if slot.valid_from else {}),
                **({"validThrough": slot.valid_to.isoformat()} if slot.valid_to else {}),
            }
            for day in page.opening_hours
            for slot in day.slots
        ]
    if page.costs:
        data["offers"] = [schema_offer(cost) for cost in page.costs]
        if page.is_free:
            data["isAccessibleForFree"] = True
    audience: dict = {}
    if offer.min_age_months:
        audience["suggestedMinAge"] = years(offer.min_age_months)
    if offer.max_age_months is not None:
        audience["suggestedMaxAge"] = years(offer.max_age_months)
    if audience:
        data["audience"] = {"@type": "PeopleAudience", **audience}
    if page.events:
        data["subjectOf"] = [schema_event(page, event, url=url) for event in page.events]
    if offer.last_confirmed:
        data["dateModified"] = offer.last_confirmed.isoformat()
    return data


def years(months: int) -> float | int:
    value = Decimal(months) / MONTHS_PER_YEAR
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def schema_event(page: OfferPage, event: Schedule, *, url: str) -> dict:
    item: dict = {
        "@type": "Event",
        "name": event_summary(page, event),
        "startDate": timezone.localtime(event.starts_at).isoformat(timespec="seconds"),
        "url": url,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.ends_at:
        item["endDate"] = timezone.localtime(event.ends_at).isoformat(timespec="seconds")
    location = event_location(page, event)
    if location is not None:
        item["location"] = schema_place(location)
    return item


# The escapes of django.utils.html.json_script: inside <script> no "</script>" or "<!--" can
# end the block early, whatever a provider typed.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_text(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> data block, safe to put in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped above


# --- iCalendar ----------------------------------------------------------------------------


def event_location(page: OfferPage, event: Schedule) -> Location | None:
    """Where an event takes place: its own location, or the offer's only one."""
    if event.location is not None:
        return event.location
    if len(page.places) == 1:
        return page.places[0].location
    return None


def event_summary(page: OfferPage, event: Schedule) -> str:
    if event.description:
        return f"{page.name.text}: {event.description}"
    return page.name.text


def offer_calendar(page: OfferPage, *, url: str) -> bytes:
    """The offer's upcoming dated events as an iCalendar file (RFC 5545), times in
    Europe/Berlin (or the installation's TIME_ZONE) with their VTIMEZONE.

    Each event's UID comes from its schedule's id, so a calendar that imports the file again
    updates the events instead of doubling them.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//lueckenlos//Angebote//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", page.name.text)
    stamp = page.offer.updated_at.astimezone(dt.UTC)
    for event in page.events:
        entry = icalendar.Event()
        entry.add("uid", f"{event.pk}@lueckenlos")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_at.astimezone(zone))
        if event.ends_at:
            entry.add("dtend", event.ends_at.astimezone(zone))
        entry.add("summary", event_summary(page, event))
        location = event_location(page, event)
        if location is not None:
            entry.add("location", location_address(location))
            if location.has_coordinates:
                entry.add("geo", (location.latitude, location.longitude))
        entry.add("url", url)
        description = "\n\n".join(
            part for part in (event.description, page.description.text, url) if part
        )
        entry.add("description", description)
        calendar.add_component(entry)
    if page.events:
        # Transitions only for the span of the events: the default span (1970–2038) writes
        # every daylight-saving change of 68 years into the file.
        first = timezone.localtime(page.events[0].starts_at, zone).date()
        last = max(timezone.localtime(e.ends_at or e.starts_at, zone) for e in page.events)
        calendar.add_missing_timezones(
            first_date=first - dt.timedelta(days=1), last_date=last.date() + dt.timedelta(days=1)
        )
    return calendar.to_ical()
