"""The classification table: consistent with the life phases, complete for the real data,
and right for real examples."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from lueckenlos.catalogue.models import Service
from lueckenlos.demo.classification import (
    GRUNDSCHULE,
    JFE,
    JFE_CHILDREN,
    JFE_RULES_BY_KIND,
    JFE_YOUTH,
    KITA,
    SCHOOL_RULES,
    Rule,
    all_rules,
    check_rule,
    life_phases_for_range,
    resolve_terms,
    youth_site_rule,
)
from lueckenlos.demo.errors import DemoDataError
from lueckenlos.demo.examples import example_rules
from lueckenlos.demo.loader import DEFAULT_DATA_DIR, load_demo


def features(relative: str) -> list[dict]:
    data = json.loads((DEFAULT_DATA_DIR / relative).read_text(encoding="utf-8"))
    return [feature["properties"] for feature in data["features"]]


def terms_of(service: Service) -> set[str]:
    return {f"{t.taxonomy.code}:{t.code}" for t in service.terms.select_related("taxonomy")}


@pytest.mark.parametrize("rule", all_rules() + example_rules(), ids=lambda r: r.key)
def test_each_rule_names_exactly_the_life_phases_of_its_ages(rule):
    check_rule(rule)  # raises if the explicit phases drift from the age range


def test_every_school_type_in_the_data_has_a_rule():
    kinds = Counter(p["schulart"] for p in features("raw/schulen.geojson"))
    assert set(kinds) <= set(SCHOOL_RULES), set(kinds) - set(SCHOOL_RULES)


def test_every_youth_site_kind_in_the_data_has_a_rule():
    kinds = {p["e_art"] for p in features("raw/jugendfreizeiteinrichtungen.geojson")}
    assert kinds == set(JFE_RULES_BY_KIND)


def test_a_grundschule_is_primary_with_the_secondary_overlap():
    spartacus = next(p for p in features("raw/schulen.geojson") if p["bsn"] == "02G01")
    rule = SCHOOL_RULES[spartacus["schulart"]]
    assert rule is GRUNDSCHULE
    # Berlin's Grundschule runs to grade 6: ages 6 to 12.
    assert (rule.min_age_months, rule.max_age_months) == (72, 144)
    assert rule.life_phases == ("primary", "secondary")
    assert "kita_to_primary" in rule.transitions


def test_an_oberstufenzentrum_is_the_transition_to_work():
    osz = next(p for p in features("raw/schulen.geojson") if p["bsn"] == "01B01")
    assert osz["schulart"] == "Oberstufenzentrum"
    rule = SCHOOL_RULES[osz["schulart"]]
    assert rule.life_phases == ("transition_work",)
    assert rule.transitions == ("school_to_work",)


def test_a_kita_is_infant_and_preschool():
    assert KITA.life_phases == ("infant", "preschool")
    # From the end of maternity protection (8 weeks) to school entry at six.
    assert (KITA.min_age_months, KITA.max_age_months) == (2, 72)
    assert set(KITA.fields) == {"education", "youth_welfare"}


def test_youth_sites_for_children_or_youth_are_narrowed():
    kind = "Jugendfreizeiteinrichtungen (JFE)"
    assert youth_site_rule(kind, for_children=True, for_youth=False) is JFE_CHILDREN
    assert youth_site_rule(kind, for_children=False, for_youth=True) is JFE_YOUTH
    assert youth_site_rule(kind, for_children=True, for_youth=True) is JFE
    assert youth_site_rule(kind, for_children=False, for_youth=False) is JFE
    assert youth_site_rule("Zirkuszelt", for_children=False, for_youth=False) is None


def test_an_empty_age_range_is_refused():
    rule = Rule(
        key="kaputt", label="Kaputt", min_age_months=72, max_age_months=72,
        life_phases=(), fields=("education",),
    )  # fmt: skip
    with pytest.raises(DemoDataError) as caught:
        check_rule(rule)
    assert caught.value.where == "rule 'kaputt'"
    assert caught.value.field == "max_age_months"
    assert "lueckenlos/demo/classification.py" in str(caught.value)


def test_life_phases_that_disagree_with_the_ages_are_refused():
    rule = Rule(
        key="falsch", label="Falsch", min_age_months=72, max_age_months=120,
        life_phases=("preschool",), fields=("education",),
    )  # fmt: skip
    with pytest.raises(DemoDataError) as caught:
        check_rule(rule)
    assert caught.value.field == "life_phases"
    assert "primary" in caught.value.reason


def test_phases_of_an_open_range_reach_to_the_end():
    assert life_phases_for_range(216, None) == ("transition_work",)
    assert life_phases_for_range(None, 12) == ("pregnancy", "infant")


@pytest.mark.django_db
def test_an_unknown_taxonomy_code_is_refused_with_its_rule():
    rule = Rule(
        key="tippfehler", label="Tippfehler", min_age_months=0, max_age_months=36,
        life_phases=("infant",), fields=("educaton",),
    )  # fmt: skip
    with pytest.raises(DemoDataError) as caught:
        resolve_terms([KITA, rule])
    assert caught.value.where == "rule 'tippfehler'"
    assert caught.value.field == "field_of_action"
    assert "educaton" in caught.value.reason


@pytest.mark.django_db
def test_real_sites_carry_their_classification(small_data):
    load_demo(data_dir=small_data)

    kita = Service.objects.get(external_id="kita:02050010")  # Kita Spiel- und Erlebniswelt
    assert kita.capacity == 248
    assert (kita.min_age_months, kita.max_age_months) == (2, 72)
    assert {"life_phase:infant", "life_phase:preschool", "setting:childcare"} <= terms_of(kita)
    assert "life_phase:primary" not in terms_of(kita)

    school = Service.objects.get(external_id="schule:02G01")  # Spartacus-Grundschule
    assert {"life_phase:primary", "field_of_action:education"} <= terms_of(school)
    assert school.organization.name == "Bezirksamt Friedrichshain-Kreuzberg (Schulträger)"

    osz = Service.objects.get(external_id="schule:02B04")  # OSZ Handel 1
    assert {t for t in terms_of(osz) if t.startswith("life_phase:")} == {
        "life_phase:transition_work"
    }
    assert osz.organization.name.startswith("Senatsverwaltung für Bildung")

    club = Service.objects.get(external_id="jfe:02030013")  # Jugendhaus Chip: zielgr2
    assert "target_group:young_people" in terms_of(club)
    assert club.min_age_months == 144
