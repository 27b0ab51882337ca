"""Invented example offers for what Berlin publishes no open data about.

Family centres, counselling, midwives and early help are the heart of a prevention chain,
but no open data set lists them. So that the portal and the gap analysis have something
to show, each Bezirk gets a few offers that are plainly marked as invented: `is_example`
on provider and offer, "(Beispiel)" in every name, a description that says so, and a
place at a representative point of a Planungsraum instead of a street address that could
be mistaken for a real one. Everything is derived from the Bezirk's data in a fixed order;
nothing is random.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import shapely
from django.conf import settings

from lueckenlos.catalogue.languages import is_known_language
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
    Weekday,
)
from lueckenlos.demo.classification import Rule
from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.kommunen import Bezirk

EXAMPLES_FILE = "lueckenlos/demo/examples.py"
SOURCE = "Erfundenes Beispiel für die lueckenlos-Demo"
MARK = "(Beispiel)"
NOTICE = (
    "Erfundenes Beispiel für die Demo: Dieses Angebot gibt es nicht. Es zeigt, wie ein "
    "solches Angebot in der Präventionskette erscheint, weil es dazu keine offenen Daten gibt."
)
WEEKDAYS = (Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR)


@dataclass(frozen=True)
class Hours:
    weekdays: tuple[str, ...]
    opens: dt.time
    closes: dt.time
    description: str = ""


@dataclass(frozen=True)
class Example:
    slug: str
    name: str
    text: str
    rule: Rule
    languages: tuple[str, ...]
    costs: tuple[tuple[str, Decimal | None, str], ...]  # (kind, amount, about the amount)
    hours: tuple[Hours, ...]
    eligibility: str = ""


FAMILY_CENTRE = Example(
    slug="familienzentrum",
    name="Familienzentrum",
    text=(
        "Offener Treffpunkt für Familien mit Kindern bis zehn Jahre: Elterncafé, "
        "Krabbelgruppe, Sprechstunden und Kurse; Fragen zu Kita und Schule."
    ),
    rule=Rule(
        key="beispiel:familienzentrum",
        label="Familienzentrum",
        min_age_months=None,
        max_age_months=120,
        life_phases=("pregnancy", "infant", "preschool", "primary"),
        fields=("parenting_family", "youth_welfare", "education", "counselling"),
        target_groups=("parents", "children", "single_parents", "migrant_families"),
        settings=("family", "neighbourhood"),
        transitions=("birth_to_family", "family_to_childcare", "kita_to_primary"),
        access=("low_threshold",),
    ),
    languages=("de", "tr", "ar"),
    costs=(
        (CostOption.Kind.FREE, None, "Elterncafé und Beratung"),
        (CostOption.Kind.FEE, Decimal("5.00"), "Kurse, je Termin"),
        (CostOption.Kind.BUT, None, "Ferienangebote für Schulkinder über Bildung und Teilhabe"),
    ),
    hours=(Hours(WEEKDAYS, dt.time(9), dt.time(17)),),
)
FAMILY_COUNSELLING = Example(
    slug="erziehungsberatung",
    name="Erziehungs- und Familienberatung",
    text=(
        "Beratung für Eltern, Kinder und junge Menschen bis 27 bei Fragen der Erziehung, "
        "bei Trennung und Scheidung und in Krisen; vertraulich und kostenfrei."
    ),
    rule=Rule(
        key="beispiel:erziehungsberatung",
        label="Erziehungs- und Familienberatung",
        min_age_months=0,
        max_age_months=324,
        life_phases=("infant", "preschool", "primary", "secondary", "transition_work"),
        fields=("counselling", "parenting_family", "child_protection"),
        target_groups=("parents", "children", "young_people", "single_parents"),
        settings=("family",),
        access=("low_threshold",),
        prevention=("selective",),
    ),
    languages=("de", "en", "tr"),
    costs=((CostOption.Kind.FREE, None, ""),),
    hours=(
        Hours((Weekday.MO, Weekday.TU, Weekday.TH), dt.time(9), dt.time(18)),
        Hours((Weekday.WE,), dt.time(13), dt.time(18), "offene Sprechstunde"),
    ),
)
PREGNANCY_COUNSELLING = Example(
    slug="schwangerschaftsberatung",
    name="Schwangerschaftsberatung",
    text=(
        "Beratung in der Schwangerschaft und bis zum dritten Geburtstag des Kindes: "
        "Leistungen, Anträge (z. B. Bundesstiftung Mutter und Kind), Vorbereitung auf die "
        "Geburt."
    ),
    rule=Rule(
        key="beispiel:schwangerschaftsberatung",
        label="Schwangerschaftsberatung",
        min_age_months=None,
        max_age_months=36,
        life_phases=("pregnancy", "infant"),
        fields=("counselling", "health", "social_security"),
        target_groups=("expectant_parents", "parents", "families_in_poverty"),
        settings=("family",),
        transitions=("birth_to_family",),
        access=("low_threshold",),
    ),
    languages=("de", "ar", "uk", "ru"),
    costs=((CostOption.Kind.FREE, None, ""),),
    hours=(
        Hours((Weekday.TU,), dt.time(10), dt.time(13)),
        Hours((Weekday.TH,), dt.time(14), dt.time(18)),
    ),
)
MIDWIFE = Example(
    slug="familienhebamme",
    name="Hebammensprechstunde und Familienhebammen",
    text=(
        "Sprechstunde einer Hebamme für Schwangere und Eltern von Säuglingen; "
        "Familienhebammen besuchen Familien mit besonderem Unterstützungsbedarf bis zum "
        "ersten Geburtstag des Kindes zu Hause."
    ),
    rule=Rule(
        key="beispiel:familienhebamme",
        label="Familienhebamme",
        min_age_months=None,
        max_age_months=12,
        life_phases=("pregnancy", "infant"),
        fields=("health", "parenting_family", "youth_welfare"),
        target_groups=("expectant_parents", "parents", "families_in_poverty"),
        settings=("family",),
        transitions=("birth_to_family",),
        access=("outreach", "low_threshold"),
        prevention=("selective",),
    ),
    languages=("de", "tr", "fa"),
    costs=((CostOption.Kind.FREE, None, ""),),
    hours=(Hours((Weekday.WE,), dt.time(10), dt.time(12), "offene Hebammensprechstunde"),),
)
WELCOME_VISIT = Example(
    slug="willkommensbesuch",
    name="Frühe Hilfen: Willkommensbesuch",
    text=(
        "Nach der Geburt bieten wir allen Familien einen Besuch zu Hause an: Glückwunsch, "
        "Informationen über Angebote im Kiez, Fragen rund ums Baby."
    ),
    rule=Rule(
        key="beispiel:willkommensbesuch",
        label="Willkommensbesuch",
        min_age_months=0,
        max_age_months=12,
        life_phases=("infant",),
        fields=("parenting_family", "health", "youth_welfare"),
        target_groups=("parents",),
        settings=("family",),
        transitions=("birth_to_family",),
        access=("outreach",),
    ),
    languages=("de", "ar", "tr", "uk"),
    costs=((CostOption.Kind.FREE, None, ""),),
    hours=(Hours(WEEKDAYS, dt.time(9), dt.time(15), "Terminvereinbarung"),),
    eligibility="Alle Familien mit einem neugeborenen Kind im Bezirk.",
)
EXAMPLES = [FAMILY_CENTRE, FAMILY_COUNSELLING, PREGNANCY_COUNSELLING, MIDWIFE, WELCOME_VISIT]
EVENT_TITLE = "Familienfest im Familienzentrum"


def example_rules() -> list[Rule]:
    return [example.rule for example in EXAMPLES]


def event_day(today: dt.date) -> dt.date:
    """The first Saturday at least two weeks after `today`, so the event lies ahead."""
    day = today + dt.timedelta(days=14)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def create_examples(
    bezirke: list[Bezirk], terms: dict[str, list[TaxonomyTerm]], *, today: dt.date
) -> int:
    """The example provider and offers of every Bezirk; the number of offers."""
    for example in EXAMPLES:
        for code in example.languages:
            if not is_known_language(code):
                raise DemoDataError(
                    file=EXAMPLES_FILE,
                    where=f"example {example.slug!r}",
                    field="languages",
                    reason=f"unknown language code {code!r}",
                )
    zone = ZoneInfo(settings.TIME_ZONE)
    starts = dt.datetime.combine(event_day(today), dt.time(14), tzinfo=zone)
    organizations, services, locations, links = [], [], [], []
    languages, costs, schedules, term_rows = [], [], [], []
    through = Service.terms.through
    for bezirk in bezirke:
        organization = Organization(
            kommune=bezirk.kommune,
            name=f"Familiennetz {bezirk.name} {MARK}",
            description=NOTICE,
            provider_type="freier Träger (erfunden)",
            is_example=True,
            external_id=f"beispiel:{bezirk.code}",
        )
        organizations.append(organization)
        # Spread the offers over the Bezirk: the Planungsräume in code order, evenly picked.
        codes = sorted(bezirk.planungsraeume)
        for position, example in enumerate(EXAMPLES):
            code = codes[(2 * position + 1) * len(codes) // (2 * len(EXAMPLES))]
            area = bezirk.planungsraeume[code]
            point = bezirk.plr_geometries[code].representative_point()
            lon, lat = round(point.x, 6), round(point.y, 6)
            if not shapely.contains_xy(bezirk.boundary, lon, lat):
                raise DemoDataError(
                    file=EXAMPLES_FILE,
                    where=f"example {example.slug!r} in Planungsraum {code}",
                    field="coordinates",
                    reason=f"the point lies outside the Kommune {bezirk.name}",
                )
            name = f"{example.name} im Planungsraum {area.name} {MARK}"
            service = Service(
                kommune=bezirk.kommune,
                organization=organization,
                name=name,
                description=f"{NOTICE}\n\n{example.text}",
                status=Service.Status.ACTIVE,
                min_age_months=example.rule.min_age_months,
                max_age_months=example.rule.max_age_months,
                eligibility_description=example.eligibility,
                last_confirmed=today,
                source=SOURCE,
                external_id=f"beispiel:{bezirk.code}:{example.slug}",
                is_example=True,
            )
            location = Location(
                kommune=bezirk.kommune,
                organization=organization,
                name=name,
                description=(
                    f"Erfundener Ort im Planungsraum {area.name}: keine echte Adresse, "
                    "nur ein Punkt auf der Karte."
                ),
                city="Berlin",
                latitude=lat,
                longitude=lon,
                area=area,
                external_id=service.external_id,
            )
            services.append(service)
            locations.append(location)
            links.append(ServiceAtLocation(service=service, location=location))
            languages.extend(ServiceLanguage(service=service, code=c) for c in example.languages)
            costs.extend(
                CostOption(service=service, kind=kind, amount=amount, amount_description=about)
                for kind, amount, about in example.costs
            )
            schedules.extend(
                Schedule(
                    service=service,
                    location=location,
                    kind=Schedule.Kind.REGULAR,
                    weekday=weekday,
                    opens_at=hours.opens,
                    closes_at=hours.closes,
                    description=hours.description,
                )
                for hours in example.hours
                for weekday in hours.weekdays
            )
            if example is FAMILY_CENTRE:
                schedules.append(
                    Schedule(
                        service=service,
                        location=location,
                        kind=Schedule.Kind.EVENT,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=3),
                        description=f"{EVENT_TITLE} {MARK}",
                    )
                )
            term_rows.extend(
                through(service_id=service.pk, taxonomyterm_id=term.pk)
                for term in terms[example.rule.key]
            )
    Organization.objects.bulk_create(organizations)
    Service.objects.bulk_create(services)
    Location.objects.bulk_create(locations)
    ServiceAtLocation.objects.bulk_create(links)
    through.objects.bulk_create(term_rows)
    ServiceLanguage.objects.bulk_create(languages)
    CostOption.objects.bulk_create(costs)
    Schedule.objects.bulk_create(schedules)
    return len(services)
