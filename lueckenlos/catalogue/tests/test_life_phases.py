"""A child's age maps onto the seeded life phases; an offer's age range onto several."""

import pytest

from lueckenlos.catalogue.queries import life_phases_for_age, life_phases_for_age_range


def codes(terms):
    return [term.code for term in terms]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (-4, ["pregnancy"]),  # five months pregnant
        (0, ["infant"]),  # newborn
        (35, ["infant"]),
        (36, ["preschool"]),  # third birthday: Kita age
        (4 * 12, ["preschool"]),  # "my child is 4"
        (6 * 12, ["primary"]),
        (10 * 12, ["secondary"]),
        (15 * 12, ["secondary", "transition_work"]),  # phases overlap at 15
        (16 * 12, ["transition_work"]),
        (26 * 12, ["transition_work"]),
        (27 * 12, []),  # past career entry
    ],
)
def test_age_maps_to_life_phase(months, expected):
    assert codes(life_phases_for_age(months)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("min_months", "max_months", "expected"),
    [
        (2, 72, ["infant", "preschool"]),  # Kita: 8 weeks to school entry
        (72, 144, ["primary", "secondary"]),  # Berlin primary school: grades 1 to 6
        (None, 12, ["pregnancy", "infant"]),  # from pregnancy to the first birthday
        (180, None, ["secondary", "transition_work"]),
        (
            None,
            None,
            ["pregnancy", "infant", "preschool", "primary", "secondary", "transition_work"],
        ),
    ],
)
def test_age_range_maps_to_overlapping_life_phases(min_months, max_months, expected):
    assert codes(life_phases_for_age_range(min_months, max_months)) == expected
