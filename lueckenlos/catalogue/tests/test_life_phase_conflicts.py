"""An offer's life phases must fit its age range: a Kita for 2 to 72 months is no school."""

import pytest
from django.core.exceptions import ValidationError

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.catalogue.services import life_phase_conflicts, validate_life_phases

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def terms(*refs: str) -> list[TaxonomyTerm]:
    found = []
    for ref in refs:
        taxonomy, code = ref.split(":")
        found.append(TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code))
    return found


def codes(found: list[TaxonomyTerm]) -> list[str]:
    return [term.code for term in found]


@pytest.mark.parametrize(
    ("min_months", "max_months", "chosen", "conflicting"),
    [
        # A Kita from 8 weeks to school entry.
        (2, 72, ["infant", "preschool"], []),
        (2, 72, ["preschool", "secondary"], ["secondary"]),
        # In the vocabulary's order, whatever the order chosen.
        (2, 72, ["transition_work", "infant", "pregnancy"], ["pregnancy", "transition_work"]),
        # The upper bound is exclusive: below 72 months is not yet primary-school age.
        (36, 72, ["primary"], ["primary"]),
        # Open ends reach every phase on their side.
        (None, 12, ["pregnancy", "infant", "preschool"], ["preschool"]),
        (180, None, ["secondary", "transition_work", "infant"], ["infant"]),
        # No age range: nothing to contradict.
        (None, None, ["pregnancy", "transition_work"], []),
    ],
)
def test_the_life_phases_outside_the_age_range_conflict(
    min_months, max_months, chosen, conflicting
):
    chosen_terms = terms(*(f"life_phase:{code}" for code in chosen))

    assert codes(life_phase_conflicts(min_months, max_months, chosen_terms)) == conflicting


def test_terms_of_other_vocabularies_never_conflict():
    chosen = terms("field_of_action:education", "setting:school", "life_phase:secondary")

    assert codes(life_phase_conflicts(2, 72, chosen)) == ["secondary"]


def test_the_refusal_names_each_phase_and_the_age_range():
    with pytest.raises(ValidationError) as excinfo:
        validate_life_phases(
            min_age_months=2,
            max_age_months=72,
            terms=terms("life_phase:preschool", "life_phase:secondary", "life_phase:primary"),
        )

    assert excinfo.value.messages == [
        "“6 bis 10 Jahre” does not fit the age range 2 to 72 months.",
        "“10 bis 16 Jahre” does not fit the age range 2 to 72 months.",
    ]


@pytest.mark.parametrize(
    ("min_months", "max_months", "phrase"),
    [(180, None, "from 180 months"), (None, 12, "below 12 months")],
)
def test_an_open_age_range_is_named_by_its_one_end(min_months, max_months, phrase):
    with pytest.raises(ValidationError) as excinfo:
        validate_life_phases(
            min_age_months=min_months,
            max_age_months=max_months,
            terms=terms("life_phase:primary"),
        )

    assert excinfo.value.messages == [f"“6 bis 10 Jahre” does not fit the age range {phrase}."]
