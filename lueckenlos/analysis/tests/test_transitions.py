"""Which offers bridge the transitions in Teststadt, and where none does."""

from __future__ import annotations

from lueckenlos.analysis.transitions import BY_AGES, BY_PHASES, BY_TERM, transitions


def test_offers_bridge_by_tag_by_both_phases_or_by_their_ages(teststadt):
    report = transitions(teststadt.kommune, level="Planungsraum")
    assert [row.transition.code for row in report.rows] == [
        "birth_to_family",
        "family_to_childcare",
        "kita_to_primary",
        "primary_to_secondary",
        "school_to_work",
    ]
    # Both Kitas serve infants and preschool children: they span the entry into childcare.
    childcare = report.row("family_to_childcare")
    assert [(o.name, o.reasons) for o in childcare.offers] == [
        ("Kita Regenbogen", (BY_PHASES,)),
        ("Kita Sonnenschein", (BY_PHASES,)),
    ]
    # Only Kita Sonnenschein is tagged with the move to school.
    to_school = report.row("kita_to_primary")
    assert [(o.name, o.reasons) for o in to_school.offers] == [("Kita Sonnenschein", (BY_TERM,))]
    # The school (ages 6 to 12) reaches into secondary age: it spans the change of school.
    secondary = report.row("primary_to_secondary")
    assert [(o.name, o.reasons) for o in secondary.offers] == [("Grundschule am Feld", (BY_AGES,))]
    # The midwife serves pregnancy and infants.
    assert [o.name for o in report.row("birth_to_family").offers] == ["Hebammenpraxis"]
    assert report.row("school_to_work").offers == []


def test_areas_without_a_bridging_offer_are_listed(teststadt):
    report = transitions(teststadt.kommune, level="Planungsraum")
    to_school = report.row("kita_to_primary")
    assert {entry.area.code: entry.offers for entry in to_school.areas} == {
        "A": 1,
        "B": 0,
        "C": 0,
    }
    assert [area.code for area in to_school.areas_without] == ["B", "C"]
    # The midwife's two locations: A and C.
    assert [a.code for a in report.row("birth_to_family").areas_without] == ["B"]
    assert [a.code for a in report.row("school_to_work").areas_without] == ["A", "B", "C"]
    assert to_school.count_by_reason() == {BY_TERM: 1, BY_PHASES: 0, BY_AGES: 0}
