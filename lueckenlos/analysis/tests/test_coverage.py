"""The coverage matrix of Teststadt, against figures worked out by hand (see conftest.py)."""

from __future__ import annotations

import pytest

from lueckenlos.analysis.coverage import coverage
from lueckenlos.analysis.selection import term_label
from lueckenlos.analysis.suppression import SECONDARY, SHOWN, SMALL_DENOMINATOR


def by_code(report):
    return {matrix.area.code: matrix for matrix in report.areas}


def test_the_kommune_counts_each_active_offer_once(teststadt):
    report = coverage(teststadt.kommune, level="Planungsraum")
    kommune = report.kommune
    # Both Kitas; the inactive Kita in B counts nowhere.
    assert kommune.cell("infant", "education").offers == 2
    # The midwife has two locations but is one offer for the Kommune.
    assert kommune.cell("infant", "health").offers == 1
    # The telephone counselling has no location: it counts for the Kommune, said so.
    counselling = kommune.cell("infant", "counselling")
    assert (counselling.offers, counselling.offers_without_location) == (1, 1)
    assert kommune.cell("secondary", "education").is_empty
    assert report.offers_counted == 5
    assert report.offers_without_location == 1


def test_an_offer_counts_in_every_area_where_it_has_a_location(teststadt):
    areas = by_code(coverage(teststadt.kommune, level="Planungsraum"))
    assert [areas[c].cell("infant", "health").offers for c in "ABC"] == [1, 0, 1]
    assert [areas[c].cell("infant", "education").offers for c in "ABC"] == [1, 1, 0]
    # Without a location, the counselling is in no area.
    assert [areas[c].cell("infant", "counselling").offers for c in "ABC"] == [0, 0, 0]
    report = coverage(teststadt.kommune, level="Planungsraum")
    assert [a.code for a in report.empty_areas("infant", "education")] == ["C"]
    cell = areas["A"].cell("infant", "education")
    assert report.offers_in(cell) == [(teststadt.offers["kita_a"].pk, "Kita Sonnenschein")]


def test_places_are_shared_between_phases_by_their_children(teststadt):
    report = coverage(teststadt.kommune, level="Planungsraum")
    # The Kommune has 450 infants and 450 preschool children: each Kita's places go half
    # to each phase. 50 + 30 = 80 places for 450 infants.
    cell = report.kommune.cell("infant", "education")
    assert cell.places == pytest.approx(80)
    assert cell.places_per_100 == pytest.approx(80 / 450 * 100)
    assert cell.offers_per_1000 == pytest.approx(2 / 450 * 1000)
    a = by_code(report)["A"].cell("infant", "education")
    assert a.places == pytest.approx(50)
    assert a.places_per_100 == pytest.approx(50 / 300 * 100)
    assert a.offers_per_1000 == pytest.approx(1 / 300 * 1000)
    assert a.ratio_to_kommune == pytest.approx((1 / 300) / (2 / 450))
    # No offer of the cell states its places: unknown, not 0.
    assert report.kommune.cell("infant", "health").places_per_100 is None


def test_small_children_counts_are_withheld_with_their_rates(teststadt):
    areas = by_code(coverage(teststadt.kommune, level="Planungsraum"))
    # C has 30 infants (< 100); B's 120 would give them away from the Kommune's 450,
    # so B's is withheld too; A's 300 stays.
    assert areas["A"].row("infant").children.numerator == 300
    assert areas["C"].row("infant").children.reason == SMALL_DENOMINATOR
    assert areas["B"].row("infant").children.reason == SECONDARY
    b = areas["B"].cell("infant", "education")
    assert (b.offers, b.places_per_100, b.offers_per_1000) == (1, None, None)
    assert b.withheld_reason == SECONDARY
    assert not b.is_weak  # a flag would give away what the rate hides


def test_a_level_above_the_statistics_adds_its_units_up(teststadt):
    report = coverage(teststadt.kommune, level="Bezirksregion")
    areas = {m.area.name: m for m in report.areas}
    assert areas["West"].cell("infant", "education").offers == 2
    assert areas["Ost"].cell("infant", "health").offers == 1
    # West has 420 infants, Ost 30: Ost's is withheld, and with two areas West's must go too.
    assert areas["Ost"].row("infant").children.reason == SMALL_DENOMINATOR
    assert areas["West"].row("infant").children.reason == SECONDARY
    assert report.kommune.row("infant").children.reason == SHOWN


def test_withheld_statistics_make_a_sum_incomplete(teststadt):
    report = coverage(teststadt.kommune, level="Planungsraum")
    # C's 6-to-15s are withheld: the Kommune's primary-school children lack them.
    assert report.kommune.row("primary").children.numerator == pytest.approx(640)
    assert report.kommune.row("primary").children_incomplete
    assert not report.kommune.row("infant").children_incomplete


def test_weak_cells_fall_below_a_share_of_the_kommunes_rate(teststadt):
    # A: 1 Kita per 300 preschool children, against the Kommune's 2 per 450 (ratio 0.75).
    default = by_code(coverage(teststadt.kommune, level="Planungsraum"))
    assert not default["A"].cell("preschool", "education").is_weak  # 0.75 ≥ 0.5
    strict = by_code(coverage(teststadt.kommune, level="Planungsraum", weak_ratio=0.9))
    assert strict["A"].cell("preschool", "education").is_weak  # 0.75 < 0.9
    # Empty is not weak: it is empty.
    assert not strict["C"].cell("preschool", "education").is_weak


def test_the_kommune_alone_without_a_level(english, teststadt):
    report = coverage(teststadt.kommune)
    assert report.areas == []
    assert report.kommune.cell("primary", "education").offers == 1
    assert "Children per life phase" in report.method_text()


def test_table_rows_are_plain_values_for_a_spreadsheet(english, teststadt):
    report = coverage(teststadt.kommune, level="Planungsraum")
    rows = report.table_rows()
    infant, education = term_label("0 bis 3 Jahre"), term_label("Bildung")
    # The Kommune and three areas, each 6 life phases × 9 fields.
    assert len(rows) == 4 * 6 * 9
    kommune = next(
        r
        for r in rows
        if r["area"] == "Teststadt"
        and r["life_phase"] == infant
        and r["field_of_action"] == education
    )
    assert (kommune["offers"], kommune["children"], kommune["places"]) == (2, 450, 80)
    b = next(
        r
        for r in rows
        if r["area_code"] == "B" and r["life_phase"] == infant and r["field_of_action"] == education
    )
    assert (b["offers"], b["children"], b["places_per_100_children"]) == (1, None, None)
    assert "cannot be worked out" in b["note"]
