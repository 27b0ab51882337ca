"""The vocabularies every Kommune starts with, from shared/DOMAIN.md.

They are data (Taxonomy, TaxonomyTerm rows), seeded by a migration and extendable in the
back office. Codes are stable identifiers used by imports and tests; names are German.
Life phases carry their age range in months (upper bound exclusive); pregnancy lies before
birth and so has negative months.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model

LIFE_PHASE = "life_phase"
TRANSITION = "transition"
FIELD_OF_ACTION = "field_of_action"
TARGET_GROUP = "target_group"
ACCESS = "access"
PREVENTION_TYPE = "prevention_type"
SETTING = "setting"
LIFE_SITUATION = "life_situation"


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str = ""
    min_age_months: int | None = None
    max_age_months: int | None = None


@dataclass(frozen=True)
class Vocabulary:
    code: str
    name: str
    description: str
    terms: list[Term] = field(default_factory=list)


VOCABULARIES: list[Vocabulary] = [
    Vocabulary(
        LIFE_PHASE,
        "Lebensphasen",
        "Lebensphasen der Präventionskette von der Schwangerschaft bis zum Berufseinstieg.",
        [
            Term("pregnancy", "Rund um Schwangerschaft und Geburt", "", -10, 0),
            Term("infant", "0 bis 3 Jahre", "Krippe, Kindertagespflege", 0, 36),
            Term("preschool", "3 bis 6 Jahre", "Kita", 36, 72),
            Term("primary", "6 bis 10 Jahre", "Grundschule", 72, 120),
            Term("secondary", "10 bis 16 Jahre", "weiterführende Schule", 120, 192),
            Term("transition_work", "Übergang Schule–Beruf", "15 bis 27 Jahre", 180, 324),
        ],
    ),
    Vocabulary(
        TRANSITION,
        "Übergänge",
        "Übergänge zwischen Lebensphasen und Lebenswelten.",
        [
            Term("birth_to_family", "Geburtsklinik → Familie / Frühe Hilfen"),
            Term("family_to_childcare", "Familie → Krippe / Kita"),
            Term("kita_to_primary", "Kita → Grundschule"),
            Term("primary_to_secondary", "Grundschule → weiterführende Schule"),
            Term("school_to_work", "Schule → Ausbildung / Beruf"),
        ],
    ),
    Vocabulary(
        FIELD_OF_ACTION,
        "Handlungsfelder",
        "Handlungsfelder der Präventionskette; ein Angebot kann mehreren angehören.",
        [
            Term("health", "Gesundheit"),
            Term("education", "Bildung"),
            Term("parenting_family", "Erziehung und Familie"),
            Term("youth_welfare", "Kinder- und Jugendhilfe"),
            Term(
                "social_security", "Soziales und materielle Sicherung", "inkl. Bildung und Teilhabe"
            ),
            Term("culture_sport_leisure", "Kultur, Sport und Freizeit"),
            Term("counselling", "Beratung"),
            Term("child_protection", "Kinderschutz"),
            Term("participation", "Partizipation"),
        ],
    ),
    Vocabulary(
        TARGET_GROUP,
        "Zielgruppen",
        "Für wen ein Angebot gedacht ist.",
        [
            Term("children", "Kinder"),
            Term("young_people", "Jugendliche und junge Erwachsene"),
            Term("parents", "Eltern und Familien"),
            Term("expectant_parents", "Werdende Eltern"),
            Term("single_parents", "Alleinerziehende"),
            Term("families_in_poverty", "Familien in Armutslagen"),
            Term("migrant_families", "Familien mit Migrations- oder Fluchtgeschichte"),
            Term("disability", "Kinder mit Behinderung oder Förderbedarf"),
            Term("professionals", "Fachkräfte"),
        ],
    ),
    Vocabulary(
        ACCESS,
        "Zugang",
        "Wie Familien zu einem Angebot kommen.",
        [
            Term("low_threshold", "Niedrigschwellig"),
            Term("outreach", "Aufsuchend"),
            Term("by_referral", "Mit Zuweisung / Überweisung"),
        ],
    ),
    Vocabulary(
        PREVENTION_TYPE,
        "Präventionsart",
        "",
        [
            Term("universal", "Universell"),
            Term("selective", "Selektiv"),
            Term("indicated", "Indiziert"),
        ],
    ),
    Vocabulary(
        SETTING,
        "Lebenswelten",
        "",
        [
            Term("family", "Familie"),
            Term("childcare", "Kindertagesbetreuung"),
            Term("school", "Schule"),
            Term("neighbourhood", "Quartier / Sozialraum"),
        ],
    ),
    Vocabulary(
        LIFE_SITUATION,
        "Lebenslagen",
        "Lebenslagedimensionen nach AWO-ISS.",
        [
            Term("material", "Materielle Lage"),
            Term("cultural", "Kulturelle Lage / Bildung"),
            Term("social", "Soziale Lage"),
            Term("health", "Gesundheitliche Lage"),
        ],
    ),
]


def seed_vocabularies(taxonomy_model: type[Model], term_model: type[Model]) -> None:
    """Create or update the seeded vocabularies; terms added by users are left alone.

    Takes the model classes so that tests that flush the database can restore them; the
    migrations carry their own frozen copy of this data.
    """
    for vocabulary in VOCABULARIES:
        taxonomy, _created = taxonomy_model.objects.update_or_create(
            code=vocabulary.code,
            defaults={"name": vocabulary.name, "description": vocabulary.description},
        )
        for position, term in enumerate(vocabulary.terms):
            term_model.objects.update_or_create(
                taxonomy=taxonomy,
                code=term.code,
                defaults={
                    "name": term.name,
                    "description": term.description,
                    "position": position,
                    "min_age_months": term.min_age_months,
                    "max_age_months": term.max_age_months,
                },
            )
