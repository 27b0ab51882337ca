"""The small-number rule on hand-made tables: primary, secondary, totals, zeros, rounding."""

from __future__ import annotations

from lueckenlos.analysis.suppression import (
    MISSING,
    SECONDARY,
    SHOWN,
    SMALL_DENOMINATOR,
    SMALL_NUMERATOR,
    Counts,
    SuppressionPolicy,
    row_and_column_groups,
    suppress_figure,
    suppress_small_numbers,
)

POLICY = SuppressionPolicy()


def reasons(table) -> dict:
    return {key: figure.reason for key, figure in table.cells.items()}


def test_a_table_without_small_numbers_is_shown_whole():
    table = suppress_small_numbers(
        {"A": Counts(40, 400), "B": Counts(10, 200)},
        totals={None: Counts(50, 600)},
        policy=POLICY,
    )
    assert reasons(table) == {"A": SHOWN, "B": SHOWN}
    assert table.cells["A"].share == 0.1
    assert table.totals[None].numerator == 50


def test_primary_suppression_withholds_small_counts_and_small_populations():
    table = suppress_small_numbers(
        {
            "two": Counts(2, 500),  # 2 < 3
            "three": Counts(3, 500),  # 3 is shown
            "small place": Counts(50, 99),  # 99 < 100
            "hundred": Counts(50, 100),
        },
        groups={"first": ["two", "three"], "second": ["small place", "hundred"]},
        policy=POLICY,
    )
    assert table.cells["two"].reason == SMALL_NUMERATOR
    assert table.cells["small place"].reason == SMALL_DENOMINATOR
    # A withheld figure shows nothing at all: not the count, not the base, not the share.
    withheld = table.cells["two"]
    assert (withheld.numerator, withheld.denominator, withheld.share) == (None, None, None)
    assert withheld.suppressed
    assert "3" in withheld.reason_text


def test_secondary_suppression_protects_a_lone_withheld_cell_against_the_total():
    # Kommune 1,000 children, of them 60 reached; the areas hold 30, 2, 8 and 20.
    # Withholding only the 2 would let anyone compute 60 − 30 − 8 − 20 = 2.
    table = suppress_small_numbers(
        {
            "A": Counts(30, 400),
            "B": Counts(2, 150),
            "C": Counts(8, 200),
            "D": Counts(20, 250),
        },
        totals={None: Counts(60, 1000)},
        policy=POLICY,
    )
    # The next smallest (8 in C) goes too; the others and the total stay.
    assert reasons(table) == {"A": SHOWN, "B": SMALL_NUMERATOR, "C": SECONDARY, "D": SHOWN}
    assert table.totals[None].reason == SHOWN


def test_two_withheld_cells_need_no_further_suppression():
    table = suppress_small_numbers(
        {"A": Counts(30, 400), "B": Counts(2, 150), "C": Counts(1, 200)},
        totals={None: Counts(33, 750)},
        policy=POLICY,
    )
    assert reasons(table) == {"A": SHOWN, "B": SMALL_NUMERATOR, "C": SMALL_NUMERATOR}


def test_secondary_suppression_prefers_a_cell_that_is_not_zero():
    # A zero is often known anyway (no offer there at all): withholding it protects nothing.
    table = suppress_small_numbers(
        {"A": Counts(0, 300), "B": Counts(2, 300), "C": Counts(40, 300), "D": Counts(90, 300)},
        policy=POLICY,
    )
    assert reasons(table) == {"A": SHOWN, "B": SMALL_NUMERATOR, "C": SECONDARY, "D": SHOWN}


def test_zero_is_shown_unless_configured_otherwise():
    assert suppress_figure(Counts(0, 500), POLICY).reason == SHOWN
    strict = SuppressionPolicy(suppress_zero=True)
    assert suppress_figure(Counts(0, 500), strict).reason == SMALL_NUMERATOR


def test_secondary_suppression_works_through_rows_and_columns_of_a_cross_table():
    # Rows are areas, columns life phases; each row and column has a published total.
    #            infant  preschool
    #   A          50       40
    #   B           2       30
    #   C          60       35
    cells = {
        ("A", "infant"): Counts(50),
        ("A", "preschool"): Counts(40),
        ("B", "infant"): Counts(2),
        ("B", "preschool"): Counts(30),
        ("C", "infant"): Counts(60),
        ("C", "preschool"): Counts(35),
    }
    table = suppress_small_numbers(cells, groups=row_and_column_groups(cells), policy=POLICY)
    got = reasons(table)
    assert got[("B", "infant")] == SMALL_NUMERATOR
    # Row B: its other cell must go, else B's total gives the 2 away.
    assert got[("B", "preschool")] == SECONDARY
    # Column infant: 50 is its smallest other cell.
    assert got[("A", "infant")] == SECONDARY
    # That leaves row A and column preschool with one withheld cell each: A's preschool
    # closes both.
    assert got[("A", "preschool")] == SECONDARY
    assert got[("C", "infant")] == SHOWN and got[("C", "preschool")] == SHOWN
    # No row or column has exactly one withheld cell left.
    for members in row_and_column_groups(cells).values():
        assert sum(1 for key in members if table.cells[key].suppressed) != 1


def test_a_group_of_one_withholds_its_total_too():
    table = suppress_small_numbers(
        {"only area": Counts(40, 80)}, totals={None: Counts(40, 80)}, policy=POLICY
    )
    assert table.cells["only area"].reason == SMALL_DENOMINATOR
    assert table.totals[None].reason == SMALL_DENOMINATOR
    single = suppress_small_numbers(
        {"only area": Counts(2, 300)},
        totals={None: Counts(2, 300)},
        policy=SuppressionPolicy(min_numerator=3),
    )
    assert single.totals[None].suppressed


def test_a_withheld_total_needs_no_protection_by_its_cells():
    table = suppress_small_numbers(
        {"A": Counts(1, 40), "B": Counts(1, 30)}, totals={None: Counts(2, 70)}, policy=POLICY
    )
    assert table.totals[None].reason == SMALL_DENOMINATOR


def test_missing_figures_are_marked_missing_not_withheld():
    figure = suppress_figure(Counts(), POLICY)
    assert figure.reason == MISSING
    assert not figure.suppressed


def test_thresholds_come_from_the_settings(settings):
    settings.LUECKENLOS_SUPPRESS_MIN_NUMERATOR = 5
    settings.LUECKENLOS_SUPPRESS_MIN_DENOMINATOR = 50
    policy = SuppressionPolicy.from_settings()
    assert suppress_figure(Counts(4, 60), policy).reason == SMALL_NUMERATOR
    assert suppress_figure(Counts(5, 60), policy).reason == SHOWN
    assert suppress_figure(Counts(5, 49), policy).reason == SMALL_DENOMINATOR


def test_rounding_mode_rounds_shown_counts_to_multiples_of_five():
    policy = SuppressionPolicy(round_to=5)
    figure = suppress_figure(Counts(37, 412), policy)
    assert (figure.numerator, figure.denominator) == (35, 410)
    assert figure.share == 37 / 412  # the share comes from the exact counts
