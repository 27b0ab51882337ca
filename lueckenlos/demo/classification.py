"""How the demo sorts Berlin's Kitas, youth sites and schools into the prevention chain.

The open data says what an institution is (a Kita, a "Grundschule", an "Oberstufenzentrum");
the prevention chain asks for whom and in which field it works. Each rule below answers that
for one kind of institution, with the age range in months (upper bound exclusive, as
everywhere in lueckenlos) and the codes of the seeded vocabularies (see
lueckenlos/catalogue/vocabularies.py). The comments give the reason for each choice, so
that a coordinator can disagree with a rule and change it here.

The life phases of a rule must be exactly those its age range touches: `check_rules` holds
the table to that, so the explicit list is documentation that cannot drift from the ages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.catalogue.services import terms_by_code
from lueckenlos.catalogue.vocabularies import (
    ACCESS,
    FIELD_OF_ACTION,
    LIFE_PHASE,
    PREVENTION_TYPE,
    SETTING,
    TARGET_GROUP,
    TRANSITION,
    VOCABULARIES,
)
from lueckenlos.demo.errors import DemoDataError

RULES_FILE = "lueckenlos/demo/classification.py"


@dataclass(frozen=True)
class Rule:
    """The classification of one kind of institution or offer."""

    key: str
    label: str  # German, shown in the offer's description
    min_age_months: int | None
    max_age_months: int | None  # exclusive; None: no upper limit
    life_phases: tuple[str, ...]
    fields: tuple[str, ...]
    target_groups: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    transitions: tuple[str, ...] = ()
    access: tuple[str, ...] = ()
    prevention: tuple[str, ...] = ("universal",)

    def codes_by_taxonomy(self) -> dict[str, tuple[str, ...]]:
        return {
            LIFE_PHASE: self.life_phases,
            FIELD_OF_ACTION: self.fields,
            TARGET_GROUP: self.target_groups,
            SETTING: self.settings,
            TRANSITION: self.transitions,
            ACCESS: self.access,
            PREVENTION_TYPE: self.prevention,
        }


# --- Kindertagesstätten -----------------------------------------------------------------
# Berlin Kitas may take a child once the mother's protection period ends, 8 weeks after
# birth, and keep it until school entry at six. We start at 2 months rather than 0 so that
# "my baby is four weeks old" does not list Kitas; 72 months is the sixth birthday (school
# starts in the August after it). A Kita is youth welfare by law (§ 22 SGB VIII) as much
# as education (Berliner Bildungsprogramm), and it stands at two transitions: from the
# family into childcare, and from the Kita into primary school.
KITA = Rule(
    key="kita",
    label="Kindertagesstätte",
    min_age_months=2,
    max_age_months=72,
    life_phases=("infant", "preschool"),
    fields=("education", "youth_welfare"),
    target_groups=("children",),
    settings=("childcare",),
    transitions=("family_to_childcare", "kita_to_primary"),
)

# --- Youth sites (Jugendfreizeiteinrichtungen and play sites) -----------------------------
# Open child and youth work (§ 11 SGB VIII) is for young people from 6 to 27 and lives from
# participation; the sites are low-threshold places in the neighbourhood. The data set
# marks some sites with `zielgr1` or `zielgr2` ("ja"). It documents neither field, but
# the names tell: zielgr1 sites are Kinderzentrum, Schülerclub, Abenteuerspielplatz;
# zielgr2 sites are Jugendclub, Jugendhaus. Where exactly one is set we narrow the age
# range: "Kinder" in SGB VIII are under 14; youth clubs commonly open at 12.
JFE = Rule(
    key="jfe",
    label="Kinder- und Jugendfreizeiteinrichtung",
    min_age_months=72,
    max_age_months=324,
    life_phases=("primary", "secondary", "transition_work"),
    fields=("culture_sport_leisure", "youth_welfare", "participation"),
    target_groups=("children", "young_people"),
    settings=("neighbourhood",),
    access=("low_threshold",),
)
JFE_CHILDREN = Rule(
    key="jfe:kinder",
    label="Kinderfreizeiteinrichtung",
    min_age_months=72,
    max_age_months=168,
    life_phases=("primary", "secondary"),
    fields=("culture_sport_leisure", "youth_welfare", "participation"),
    target_groups=("children",),
    settings=("neighbourhood",),
    access=("low_threshold",),
)
JFE_YOUTH = Rule(
    key="jfe:jugend",
    label="Jugendfreizeiteinrichtung",
    min_age_months=144,
    max_age_months=324,
    life_phases=("secondary", "transition_work"),
    fields=("culture_sport_leisure", "youth_welfare", "participation"),
    target_groups=("young_people",),
    settings=("neighbourhood",),
    access=("low_threshold",),
)
# "PbS oder ASP oder Kinderfarm": pädagogisch betreute Spielplätze, Abenteuerspielplätze
# and Kinderbauernhöfe. They are built for school children up to about 14 (a supervised
# play site, not a crèche), outdoors and open without registration.
PLAY_SITE = Rule(
    key="jfe:spielplatz",
    label="Betreuter Spielplatz, Abenteuerspielplatz oder Kinderbauernhof",
    min_age_months=72,
    max_age_months=168,
    life_phases=("primary", "secondary"),
    fields=("culture_sport_leisure", "youth_welfare", "participation"),
    target_groups=("children",),
    settings=("neighbourhood",),
    access=("low_threshold",),
)
JFE_RULES_BY_KIND: Mapping[str, Rule] = {
    "Jugendfreizeiteinrichtungen (JFE)": JFE,
    "PbS oder ASP oder Kinderfarm": PLAY_SITE,
}


def youth_site_rule(kind: str, *, for_children: bool, for_youth: bool) -> Rule | None:
    """The rule for a youth site of the given `e_art`; None for an unknown kind."""
    rule = JFE_RULES_BY_KIND.get(kind)
    if rule is JFE and for_children != for_youth:
        return JFE_CHILDREN if for_children else JFE_YOUTH
    return rule


# --- Schools, by `schulart` ---------------------------------------------------------------
# The values are those of the school data set (Oct 2023); `schultyp` only adds whether a
# school is private, so the `schulart` alone decides. Ages: children start school in the
# August after their sixth birthday, ten years of schooling are compulsory in Berlin.

# Berlin's Grundschule has six grades, so it reaches into the years other Länder count as
# secondary school: ages 6 to 12, both the primary and (overlapping) secondary phase, and
# both transitions: it receives Kita children and hands them on to secondary school.
GRUNDSCHULE = Rule(
    key="schule:grundschule",
    label="Grundschule",
    min_age_months=72,
    max_age_months=144,
    life_phases=("primary", "secondary"),
    fields=("education",),
    target_groups=("children",),
    settings=("school",),
    transitions=("kita_to_primary", "primary_to_secondary"),
)
# Integrierte Sekundarschule: grades 7 to 10, with its own or a partner's upper stage to
# the Abitur after grade 13 (age 19); vocational orientation is part of its curriculum.
SEKUNDARSCHULE = Rule(
    key="schule:sekundarschule",
    label="Integrierte Sekundarschule",
    min_age_months=144,
    max_age_months=228,
    life_phases=("secondary", "transition_work"),
    fields=("education",),
    target_groups=("young_people",),
    settings=("school",),
    transitions=("primary_to_secondary", "school_to_work"),
)
# Gymnasium: grades 7 to 12 (Abitur at about 18); the "grundständige" Gymnasien start at
# grade 5, so the range opens at 10 to let families of ten-year-olds find them.
GYMNASIUM = Rule(
    key="schule:gymnasium",
    label="Gymnasium",
    min_age_months=120,
    max_age_months=216,
    life_phases=("secondary", "transition_work"),
    fields=("education",),
    target_groups=("children", "young_people"),
    settings=("school",),
    transitions=("primary_to_secondary", "school_to_work"),
)
# Gemeinschaftsschule, Freie Waldorfschule and the private "kombinierte allgemein bildende"
# schools teach from grade 1 to grade 10 or the Abitur: one school for ages 6 to 19.
ALL_THROUGH = Rule(
    key="schule:durchgaengig",
    label="Schule von Klasse 1 bis zum Abschluss",
    min_age_months=72,
    max_age_months=228,
    life_phases=("primary", "secondary", "transition_work"),
    fields=("education",),
    target_groups=("children", "young_people"),
    settings=("school",),
    transitions=("kita_to_primary", "primary_to_secondary", "school_to_work"),
)
# Schools with a special-needs focus (Förderschwerpunkt) teach from grade 1; pupils with a
# focus on mental development stay to about 18 (with a vocational stage to about 21).
FOERDERSCHULE = Rule(
    key="schule:foerderschule",
    label="Schule mit sonderpädagogischem Förderschwerpunkt",
    min_age_months=72,
    max_age_months=216,
    life_phases=("primary", "secondary", "transition_work"),
    fields=("education",),
    target_groups=("children", "young_people", "disability"),
    settings=("school",),
    transitions=("kita_to_primary", "primary_to_secondary", "school_to_work"),
)
FOERDERSCHULE_BERUFLICH = Rule(
    key="schule:foerderschule-beruflich",
    label="Förderschule mit beruflichem Teil",
    min_age_months=72,
    max_age_months=252,
    life_phases=("primary", "secondary", "transition_work"),
    fields=("education",),
    target_groups=("children", "young_people", "disability"),
    settings=("school",),
    transitions=("kita_to_primary", "primary_to_secondary", "school_to_work"),
)
# Vocational schools (Oberstufenzentrum, Berufsschule, Berufsfachschule and the combined
# vocational schools) take young people after the ten compulsory years, at about 16, for
# training and vocational qualifications up to the end of the transition phase at 27.
VOCATIONAL = Rule(
    key="schule:beruflich",
    label="Berufliche Schule",
    min_age_months=192,
    max_age_months=324,
    life_phases=("transition_work",),
    fields=("education",),
    target_groups=("young_people",),
    settings=("school",),
    transitions=("school_to_work",),
)
VOCATIONAL_SPECIAL_NEEDS = Rule(
    key="schule:beruflich-foerder",
    label="Berufsschule mit sonderpädagogischen Aufgaben",
    min_age_months=192,
    max_age_months=324,
    life_phases=("transition_work",),
    fields=("education",),
    target_groups=("young_people", "disability"),
    settings=("school",),
    transitions=("school_to_work",),
)
# Fachschulen are further training after a first vocational qualification (most of them
# in Berlin train Erzieher:innen): adults from about 18, with no upper age.
FACHSCHULE = Rule(
    key="schule:fachschule",
    label="Fachschule",
    min_age_months=216,
    max_age_months=None,
    life_phases=("transition_work",),
    fields=("education",),
    target_groups=("young_people",),
    settings=("school",),
    transitions=("school_to_work",),
)
# The one "kombinierte allgemein bildende und berufliche" school (the state ballet and
# artistry school) teaches from grade 5 to a stage diploma at about 21.
GENERAL_AND_VOCATIONAL = Rule(
    key="schule:allgemein-beruflich",
    label="Allgemein bildende und berufliche Schule",
    min_age_months=120,
    max_age_months=252,
    life_phases=("secondary", "transition_work"),
    fields=("education",),
    target_groups=("children", "young_people"),
    settings=("school",),
    transitions=("primary_to_secondary", "school_to_work"),
)

SCHOOL_RULES: Mapping[str, Rule] = {
    "Grundschule": GRUNDSCHULE,
    "Integrierte Sekundarschule": SEKUNDARSCHULE,
    "Gymnasium": GYMNASIUM,
    "Gemeinschaftsschule": ALL_THROUGH,
    "Freie Waldorfschule": ALL_THROUGH,
    "Kombinierte allgemein bildende Schule": ALL_THROUGH,
    'Förderschwerp. "Lernen"': FOERDERSCHULE,
    'Förderschwerp. "Geistige Entwicklung"': FOERDERSCHULE,
    'Förderschwerp. "Lernen"u."Geistige Entwickl."': FOERDERSCHULE,
    "Übrige Förderschwerpunkte": FOERDERSCHULE,
    "Förderschwerp. einschl. beruflichem Teil": FOERDERSCHULE_BERUFLICH,
    "Oberstufenzentrum": VOCATIONAL,
    "Berufsschule": VOCATIONAL,
    "Berufsfachschule": VOCATIONAL,
    "Kombinierte berufliche Schule": VOCATIONAL,
    "Berufsschule mit sonderpäd. Aufgaben": VOCATIONAL_SPECIAL_NEEDS,
    "Fachschule": FACHSCHULE,
    "Kombinierte allg./berufl. Schule": GENERAL_AND_VOCATIONAL,
}


def all_rules() -> list[Rule]:
    """Every rule the real data can meet, each once."""
    rules = [KITA, JFE, JFE_CHILDREN, JFE_YOUTH, PLAY_SITE, *SCHOOL_RULES.values()]
    return list({rule.key: rule for rule in rules}.values())


# --- Checking and resolving ---------------------------------------------------------------

_LIFE_PHASE_AGES = {
    term.code: (term.min_age_months, term.max_age_months)
    for vocabulary in VOCABULARIES
    if vocabulary.code == LIFE_PHASE
    for term in vocabulary.terms
}


def life_phases_for_range(min_months: int | None, max_months: int | None) -> tuple[str, ...]:
    """The life phases an age range [min, max) touches, in the order of the chain.

    The same overlap test as catalogue.queries.life_phases_for_age_range, on the seeded
    ages, so that the table can be checked without a database.
    """
    low = -(10**6) if min_months is None else min_months
    high = 10**6 if max_months is None else max_months
    return tuple(
        code
        for code, (phase_min, phase_max) in _LIFE_PHASE_AGES.items()
        if phase_max > low and phase_min < high
    )


def check_rule(rule: Rule, *, file: str = RULES_FILE) -> None:
    """Refuse a rule whose age range is empty or disagrees with its life phases."""
    where = f"rule {rule.key!r}"
    if (
        rule.min_age_months is not None
        and rule.max_age_months is not None
        and rule.min_age_months >= rule.max_age_months
    ):
        raise DemoDataError(
            file=file,
            where=where,
            field="max_age_months",
            reason=(
                f"the age range {rule.min_age_months}–{rule.max_age_months} months is empty "
                "(the lower limit must lie below the upper one)"
            ),
        )
    expected = life_phases_for_range(rule.min_age_months, rule.max_age_months)
    if tuple(rule.life_phases) != expected:
        raise DemoDataError(
            file=file,
            where=where,
            field="life_phases",
            reason=f"the ages touch {', '.join(expected) or 'no phase'}, "
            f"the rule names {', '.join(rule.life_phases) or 'none'}",
        )


def resolve_terms(
    rules: Iterable[Rule], *, file: str = RULES_FILE
) -> dict[str, list[TaxonomyTerm]]:
    """The terms of each rule (by key), looked up once per vocabulary.

    An unknown code is an error that names the rule, so a typo in the table stops the load
    before anything is written.
    """
    rules = list(rules)
    for rule in rules:
        check_rule(rule, file=file)
    by_taxonomy: dict[str, dict[str, TaxonomyTerm]] = {}
    wanted: dict[str, set[str]] = {}
    for rule in rules:
        for taxonomy, codes in rule.codes_by_taxonomy().items():
            wanted.setdefault(taxonomy, set()).update(codes)
    for taxonomy, codes in wanted.items():
        try:
            terms = terms_by_code(taxonomy, sorted(codes))
        except ValidationError as exc:
            # Name the first rule that uses an unknown code, with the vocabulary's message.
            known = set(
                TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).values_list("code", flat=True)
            )
            culprit = next(
                rule for rule in rules if set(rule.codes_by_taxonomy()[taxonomy]) - known
            )
            raise DemoDataError(
                file=file,
                where=f"rule {culprit.key!r}",
                field=taxonomy,
                reason=" ".join(exc.messages),
            ) from exc
        by_taxonomy[taxonomy] = {term.code: term for term in terms}
    return {
        rule.key: [
            by_taxonomy[taxonomy][code]
            for taxonomy, codes in rule.codes_by_taxonomy().items()
            for code in codes
        ]
        for rule in rules
    }
