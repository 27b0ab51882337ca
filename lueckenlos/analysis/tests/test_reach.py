"""Reach in Teststadt, worked out by hand (see conftest.py for the town).

Without a grid, each Planungsraum's children lie on the 100 points of a 100 m lattice
inside its 1 km square (centres 50 m, 150 m … 950 m from its corner). Within 500 m of the
square's centre lie 80 of them: per quadrant, the offsets (50, 150, 250, 350, 450) m pair
up within 500 m 5 + 5 + 4 + 4 + 2 = 20 times.
"""

from __future__ import annotations

import numpy as np
import pytest

from lueckenlos.analysis.grid import grid_import
from lueckenlos.analysis.reach import (
    GRID,
    SPREAD,
    Blocks,
    lattice_points,
    reach,
    reached_masks,
    reached_sums,
)
from lueckenlos.analysis.selection import TermSelection, term_label
from lueckenlos.analysis.suppression import SECONDARY, SHOWN, SMALL_DENOMINATOR
from lueckenlos.interop.tabular import read_table

from .conftest import KM, X0, Y0

KITA = TermSelection.cell("preschool", "education")


def by_code(result):
    return {entry.area.code: entry.figure for entry in result.areas}


def test_children_spread_over_their_area_are_reached_by_distance(teststadt):
    report = reach(teststadt.kommune, [KITA], distances=(500, 1000), level="Planungsraum")
    assert report.mode == SPREAD
    near = report.result(KITA, 500)
    areas = by_code(near)
    # A: 80 of 100 points within 500 m of its Kita: 80 % of 300 preschool children.
    assert (areas["A"].numerator, areas["A"].denominator) == pytest.approx((240, 300))
    assert areas["A"].share == pytest.approx(0.8)
    # B: the same around its Kita, 80 % of 120 = 96, but withheld: C (30 children) is,
    # and B is the smallest figure left to protect it.
    assert areas["C"].reason == SMALL_DENOMINATOR
    assert areas["B"].reason == SECONDARY
    # The Kommune: 240 + 96 + 0 of 450.
    assert near.kommune.numerator == pytest.approx(336)
    assert near.kommune.share == pytest.approx(336 / 450)
    assert near.offers == 2 and near.points == 2

    far = report.result(KITA, 1000)
    # Every point of A and B lies within 636 m of its Kita. Of C's points, those up to
    # 1 km from B's Kita: the first four columns whole (40), the fifth for |dy| ≤ 312 m
    # (6): 46 of 100, 13.8 of its 30 children.
    assert far.kommune.numerator == pytest.approx(300 + 120 + 0.46 * 30)


def test_kommune_reach_without_areas(teststadt):
    report = reach(teststadt.kommune, [KITA], distances=(500,))
    result = report.result(KITA, 500)
    assert result.areas == []
    assert result.kommune.numerator == pytest.approx(336)


def test_a_selection_without_located_offers_reaches_no_one(teststadt):
    counselling = TermSelection.cell("infant", "counselling")
    result = reach(teststadt.kommune, [counselling], distances=(2000,)).result(counselling, 2000)
    assert result.offers == 1 and result.offers_without_location == 1
    assert result.kommune.numerator == 0
    assert result.kommune.reason == SHOWN  # a 0 is shown: it is the gap the page is for


def test_a_selection_of_any_terms_uses_the_ages_of_its_phases(teststadt):
    # Education for infants or preschool children: both Kitas, 0–6-year-olds.
    either = TermSelection.of(
        "life_phase:infant", "life_phase:preschool", "field_of_action:education"
    )
    result = reach(teststadt.kommune, [either], distances=(500,)).result(either, 500)
    assert result.offers == 2
    assert result.kommune.denominator == pytest.approx(900)
    assert result.kommune.numerator == pytest.approx(0.8 * 600 + 0.8 * 240)
    # Without a life phase: every child of the chain (0 to 27), here of A, B and C.
    health = TermSelection.of("field_of_action:health")
    result = reach(teststadt.kommune, [health], distances=(500,)).result(health, 500)
    assert result.offers == 1 and result.points == 2
    assert result.kommune.denominator == pytest.approx(1950 + 1080 + 130)


def grid_csv(rows: list[tuple[int, int, str]]) -> bytes:
    lines = ["GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner"]
    for x, y, count in rows:
        lines.append(f"CRS3035RES100mN{y - 50}E{x - 50};{x};{y};{count}")
    return ("\n".join(lines) + "\n").encode()


def test_with_a_grid_the_cells_carry_the_children(english, teststadt):
    # A: 1,000 inhabitants near its Kita, 200 in its far corner (636 m away); B: 500 next
    # to its Kita; C: 300, and a withheld cell. Preschool shares: A 300/3,000 = 10 %,
    # B 120/2,000 = 6 %, C 30/500 = 6 %.
    a_x, b_x, c_x = X0 + 550, X0 + KM + 550, X0 + 2 * KM + 550
    cells = [
        (a_x, Y0 + 550, "1000"),
        (X0 + 950, Y0 + 950, "200"),
        (b_x, Y0 + 550, "500"),
        (c_x, Y0 + 550, "300"),
        (c_x + 100, Y0 + 550, "–"),
    ]
    grid_import(kommune=teststadt.kommune, table=read_table(grid_csv(cells), filename="zensus.csv"))
    report = reach(teststadt.kommune, [KITA], distances=(500,), level="Planungsraum")
    assert report.mode == GRID and report.cells == 5 and report.withheld_cells == 1
    result = report.result(KITA, 500)
    areas = by_code(result)
    assert (areas["A"].numerator, areas["A"].denominator) == pytest.approx((100, 120))
    # B 30 and C 18 children are both below 100: withheld, each protecting the other.
    assert areas["B"].reason == SMALL_DENOMINATOR and areas["C"].reason == SMALL_DENOMINATOR
    assert result.kommune.numerator == pytest.approx(130)
    assert result.kommune.denominator == pytest.approx(168)
    assert "census population grid" in report.method_text()
    # Asked to ignore the grid, the areas' spread is used again.
    spread = reach(teststadt.kommune, [KITA], distances=(500,), use_grid=False)
    assert spread.mode == SPREAD


def test_exactly_the_distance_is_within_it():
    points = np.array([[0.0, 0.0], [500.0, 0.0], [500.001, 0.0], [300.0, 400.0]])
    hits = reached_masks(points, np.array([[0.0, 0.0]]), [500, 1000])
    assert hits.tolist() == [[True, True, False, True], [True, True, True, True]]
    blocked = reached_masks(
        points, np.array([[0.0, 0.0]]), [500, 1000], blocks=Blocks.of(points, 300)
    )
    assert (blocked == hits).all()
    reached, total, reached_all, everyone = reached_sums(
        hits, np.array([1.0, 2.0, 4.0, 8.0]), np.array([0, 0, -1, 1]), 2
    )
    # Group 0: points 1 and 2; group 1: point 4; point 3 (weight 4) in no group.
    assert reached.tolist() == [[3.0, 8.0], [3.0, 8.0]]
    assert total.tolist() == [3.0, 8.0]
    assert reached_all.tolist() == [11.0, 15.0] and everyone == 15.0


def test_blocks_spare_queries_but_not_exactness():
    # Points on a 100 m lattice and offers anywhere, some exactly at a threshold's distance:
    # the answer with blocks must be the point-by-point answer.
    rng = np.random.default_rng(7)
    cells = rng.integers(0, 400, (20_000, 2)) * 100.0 + 50.0
    cells = np.unique(cells, axis=0)
    offers = rng.uniform(0, 40_000, (300, 2))
    offers[:5] = cells[:5] + [[500.0, 0.0], [0.0, -1000.0], [300.0, 400.0], [0, 0], [2000, 0]]
    thresholds = [500, 1000, 2000]
    plain = reached_masks(cells, offers, thresholds)
    for side in (100, 300, 1000):
        blocked = reached_masks(cells, offers, thresholds, blocks=Blocks.of(cells, side))
        assert (blocked == plain).all()
    assert 0 < plain[0].sum() < plain[1].sum() < plain[2].sum() < len(cells)


def test_no_offer_points_means_nothing_is_reached():
    assert not reached_masks(np.zeros((4, 2)), np.zeros((0, 2)), [1000]).any()


def test_a_small_area_gets_one_point_at_its_inside():
    import shapely

    tiny = shapely.box(10, 10, 40, 40)  # 30 m square between lattice points
    assert lattice_points(tiny, 100).tolist() == [[25.0, 25.0]]
    square = shapely.box(0, 0, 1000, 1000)
    assert len(lattice_points(square, 100)) == 100


def test_reach_table_rows_show_withheld_figures_as_empty_with_a_reason(english, teststadt):
    report = reach(teststadt.kommune, [KITA], distances=(500,), level="Planungsraum")
    rows = {row["area_code"] or "Kommune": row for row in report.table_rows()}
    assert rows["Kommune"]["children_reached"] == pytest.approx(336)
    assert rows["A"]["share_reached"] == pytest.approx(0.8)
    assert rows["C"]["children"] is None and "fewer than 100" in rows["C"]["note"]
    # Life phase first, then field, each in the interface language.
    assert rows["A"]["selection"] == f"{term_label('3 bis 6 Jahre')} × {term_label('Bildung')}"
    assert "straight-line distance" in report.method_text()
