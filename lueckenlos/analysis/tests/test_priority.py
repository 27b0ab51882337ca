"""Need and priority in Teststadt, worked out by hand (see conftest.py for the town).

For preschool education within 500 m, per Planungsraum:
- A: child poverty 40 % (the highest: need 1); 1 Kita for 300 children against the
  Kommune's 2 for 450 (supply gap 1 − 0.75 = 0.25); 80 % reached (reach gap 0.2);
- B: 20 % (the lowest: need 0); its children (120) are withheld to protect C's, so its
  supply and reach gaps are left out;
- C: no valid poverty figure; 30 children, withheld: nothing to compute a priority from.

For education at any age (0 to 27; A 1,950, B 1,080, C 130 children, none withheld), one
offer at the centre of each area (the Kitas, the school): each reaches 80 % of its area
within 500 m (reach gap 0.2); the Kommune has 3 offers for 3,160 children, so the supply
gaps are A 1 − 3,160 / 5,850, B 1 − 3,160 / 3,240 and C 0 (above the Kommune's rate).
"""

from __future__ import annotations

import pytest

from lueckenlos.analysis.need import need_by_area
from lueckenlos.analysis.priority import PriorityWeights, combine, priority
from lueckenlos.analysis.selection import TermSelection

KITA = TermSelection.cell("preschool", "education")
EDUCATION = TermSelection.of("field_of_action:education")


def ranking(report) -> list[str]:
    return [entry.area.code for entry in report.areas]


def scores(report) -> dict[str, float | None]:
    return {entry.area.code: entry.score for entry in report.areas}


def test_need_per_area_at_the_level_of_the_indicator(teststadt):
    from lueckenlos.analysis.basis import analysis_basis

    basis = analysis_basis(teststadt.kommune)
    table = need_by_area(basis, teststadt.plr_level)
    assert table.indicator_code == "S4"
    values = {v.area.code: v.value for v in table.values.values()}
    assert values == {"A": 40.0, "B": 20.0, "C": None}
    assert table.values[teststadt.c.pk].missing_reason == "ungültig"


def test_need_above_the_indicators_level_is_weighted_by_young_people(teststadt):
    from lueckenlos.analysis.basis import analysis_basis

    table = need_by_area(analysis_basis(teststadt.kommune), teststadt.region_level)
    west = table.values[teststadt.west.pk]
    # Under-18s: A 600 + 900 + 150 = 1,650; B 240 + 540 + 100 = 880.
    assert west.value == pytest.approx((40 * 1650 + 20 * 880) / (1650 + 880))
    assert (west.parts_with_value, west.parts) == (2, 2)
    east = table.values[teststadt.east.pk]
    assert east.value is None and east.missing_reason == "ungültig"


def test_priority_combines_the_known_components(english, teststadt):
    report = priority(teststadt.kommune, level="Planungsraum", selections=[KITA], distance_m=500)
    by_code = {entry.area.code: entry for entry in report.areas}
    a = by_code["A"]
    assert (a.need, a.supply_gap, a.reach_gap) == pytest.approx((1.0, 0.25, 0.2))
    assert a.score == pytest.approx(100 * (1 + 0.25 + 0.2) / 3)
    b = by_code["B"]
    assert (b.need, b.supply_gap, b.reach_gap) == (0.0, None, None)
    assert b.score == 0.0
    assert b.left_out == ["supply gap", "reach gap"]
    c = by_code["C"]
    assert (c.need, c.supply_gap, c.reach_gap, c.score) == (None, None, None, None)
    # Unknown priorities come last.
    assert ranking(report) == ["A", "B", "C"]
    assert [entry.rank for entry in report.areas] == [1, 2, 3]
    # One cell per area and selection, ranked the same way here.
    assert [(cell.area.code, cell.rank) for cell in report.cells] == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
    ]


def test_changing_the_weights_changes_the_ranking(english, teststadt):
    equal = priority(
        teststadt.kommune, level="Planungsraum", selections=[EDUCATION], distance_m=500
    )
    gap_a, gap_b = 1 - 3160 / 5850, 1 - 3160 / 3240
    assert scores(equal) == pytest.approx(
        {"A": 100 * (1 + gap_a + 0.2) / 3, "B": 100 * (0 + gap_b + 0.2) / 3, "C": 100 * 0.2 / 2}
    )
    assert ranking(equal) == ["A", "C", "B"]
    supply_only = priority(
        teststadt.kommune,
        level="Planungsraum",
        selections=[EDUCATION],
        distance_m=500,
        weights=PriorityWeights(need=0, supply_gap=1, reach_gap=0),
    )
    assert scores(supply_only) == pytest.approx({"A": 100 * gap_a, "B": 100 * gap_b, "C": 0})
    assert ranking(supply_only) == ["A", "B", "C"]
    assert supply_only.formula_text() == (
        "priority = 100 × (0 × need + 1 × supply gap + 0 × reach gap) ÷ 1"
    )
    need_only = priority(
        teststadt.kommune,
        level="Planungsraum",
        selections=[EDUCATION],
        distance_m=500,
        weights=PriorityWeights(need=1, supply_gap=0, reach_gap=0),
    )
    # C has no need figure and its other parts weigh nothing: no priority, last.
    assert scores(need_only) == {"A": 100.0, "B": 0.0, "C": None}


def test_an_areas_gaps_are_the_means_of_its_cells(teststadt):
    report = priority(teststadt.kommune, level="Planungsraum", distance_m=500)
    # Cells with offers in Teststadt: pregnancy/infant × health, infant/preschool ×
    # education, infant/preschool × youth welfare, infant × counselling, primary ×
    # education.
    assert sorted(s.key for s in report.selections) == sorted(
        TermSelection.cell(phase, field).key
        for phase, field in [
            ("pregnancy", "health"),
            ("infant", "education"),
            ("infant", "youth_welfare"),
            ("infant", "health"),
            ("infant", "counselling"),
            ("preschool", "education"),
            ("preschool", "youth_welfare"),
            ("primary", "education"),
        ]
    )
    a = next(entry for entry in report.areas if entry.area.code == "A")
    a_cells = report.cells_of(teststadt.a.pk)
    known = [cell.supply_gap for cell in a_cells if cell.supply_gap is not None]
    assert a.supply_gap == pytest.approx(sum(known) / len(known))
    assert a.empty_cells == 2  # counselling has no location; the school is in C


def test_combine_leaves_out_what_is_unknown():
    weights = PriorityWeights(need=2, supply_gap=1, reach_gap=1)
    assert combine({"need": 0.5, "supply_gap": 1.0, "reach_gap": None}, weights) == (
        pytest.approx(100 * (2 * 0.5 + 1.0) / 3)
    )
    assert combine({"need": None, "supply_gap": None, "reach_gap": None}, weights) is None
    with pytest.raises(ValueError):
        PriorityWeights(need=0, supply_gap=0, reach_gap=0)
