"""Children per life phase from the statistics' age bands, per unit and per level."""

from __future__ import annotations

import numpy as np
import pytest

from lueckenlos.analysis.geography import area_frame
from lueckenlos.analysis.population import AgeRange, BandInfo, narrowest_bands, unit_population


def test_phases_take_their_part_of_the_bands_they_overlap(teststadt):
    population = unit_population(area_frame(teststadt.kommune))
    assert [unit.code for unit in population.units] == ["A", "B", "C"]
    infants = population.children(AgeRange.for_phase(0, 36))
    # Half of the under-6s: A 600 → 300, B 240 → 120, C 60 → 30.
    assert infants.values.tolist() == [300, 120, 30]
    # Primary (6–10) is 48 of the 108 months of the 6-to-15 band: 900 → 400, 540 → 240.
    primary = population.children(AgeRange.for_phase(72, 120))
    assert primary.values[:2].tolist() == pytest.approx([400, 240])
    # C's 6-to-15s are withheld: counted as 0, and said so.
    assert primary.values[2] == 0
    assert primary.withheld.tolist() == [False, False, True]
    # Secondary (10–16) crosses two bands: 6/9 of 6–15 and 1/3 of 15–18.
    secondary = population.children(AgeRange.for_phase(120, 192))
    assert secondary.values[0] == pytest.approx(900 * 60 / 108 + 150 * 12 / 36)


def test_pregnancy_is_measured_by_the_children_under_one(teststadt):
    population = unit_population(area_frame(teststadt.kommune))
    pregnancy = population.children(AgeRange.for_phase(-10, 0))
    assert pregnancy.values.tolist() == pytest.approx([100, 40, 10])  # 12 of 72 months


def test_age_shares_give_each_unit_its_own_share_and_the_kommune_stands_in():
    from lueckenlos.analysis.population import UnitPopulation

    bands = [BandInfo(1, "unter6", "", 0, 72)]
    population = UnitPopulation(
        frame=None,
        units=[None, None],
        bands=bands,
        counts=np.array([[300.0], [100.0]]),
        totals=np.array([1000.0, np.nan]),
        known=np.array([True, True]),
        shared=np.array([False, False]),
        reference_date=None,
    )
    shares, overall = population.age_shares(AgeRange.of([(0, 72)]))
    assert shares[0] == pytest.approx(0.3)
    assert overall == pytest.approx(0.3)
    assert shares[1] == pytest.approx(0.3)  # no total of its own: the Kommune's share


def test_overlapping_bands_use_the_narrowest():
    bands = [
        BandInfo(1, "unter6", "", 0, 72),
        BandInfo(2, "unter3", "", 0, 36),
        BandInfo(3, "3-6", "", 36, 72),
        BandInfo(4, "65+", "", 780, None),
    ]
    assert [b.code for b in narrowest_bands(bands)] == ["unter3", "3-6", "65+"]


def test_a_unit_without_figures_gets_its_share_of_the_larger_area(teststadt):
    # Figures for West only (not for A and B): they are spread by surface, 1 km² each.
    from lueckenlos.areas.models import PopulationCount

    PopulationCount.objects.filter(area__in=[teststadt.a, teststadt.b]).delete()
    band = teststadt.kommune.age_bands.get(code="unter6")
    PopulationCount.objects.create(
        area=teststadt.west, age_band=band, reference_date="2022-06-30", count=1000
    )
    population = unit_population(area_frame(teststadt.kommune))
    under6 = population.children(AgeRange.of([(0, 72)])).values
    assert under6[:2] == pytest.approx([500, 500], rel=1e-3)
    assert population.shared.tolist() == [True, True, False]
