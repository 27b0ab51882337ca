"""Selections of terms: alternatives within a vocabulary, all vocabularies together."""

from __future__ import annotations

import pytest

from lueckenlos.analysis.population import AgeRange
from lueckenlos.analysis.selection import SelectionError, TermSelection, check_selection
from lueckenlos.analysis.supply import offer_snapshot

PHASES = {"infant": (0, 36), "preschool": (36, 72), "secondary": (120, 192), "pregnancy": (-10, 0)}


def test_terms_must_name_their_vocabulary():
    with pytest.raises(SelectionError):
        TermSelection.of("infant")


def test_the_ages_are_those_of_the_phases_chosen():
    both = TermSelection.of("life_phase:infant", "life_phase:preschool")
    assert both.age_range(PHASES) == AgeRange(((0, 72),))
    apart = TermSelection.of("life_phase:infant", "life_phase:secondary")
    assert apart.age_range(PHASES) == AgeRange(((0, 36), (120, 192)))
    # Pregnancy is measured by the children under one.
    assert TermSelection.of("life_phase:pregnancy").age_range(PHASES) == AgeRange(((0, 12),))
    # Without a phase: the whole chain, birth to 27.
    assert TermSelection.of("field_of_action:health").age_range(PHASES) == AgeRange(((0, 324),))


def test_offers_match_any_term_of_a_vocabulary_and_every_vocabulary(teststadt):
    offers = offer_snapshot(teststadt.kommune)
    names = dict(zip(offers.ids, offers.names, strict=True))

    def matching(*terms: str) -> list[str]:
        mask = offers.mask(TermSelection.of(*terms))
        return sorted(names[offers.ids[i]] for i in mask.nonzero()[0])

    assert matching("life_phase:infant", "field_of_action:education") == [
        "Kita Regenbogen",
        "Kita Sonnenschein",
    ]
    assert matching("field_of_action:health", "field_of_action:counselling") == [
        "Hebammenpraxis",
        "Telefonberatung",
    ]
    assert matching("life_phase:primary", "life_phase:pregnancy", "field_of_action:education") == [
        "Grundschule am Feld"
    ]
    # The inactive Kita is no offer families can find.
    assert "Kita Geschlossen" not in names.values()


def test_unknown_terms_are_refused(db):
    check_selection(TermSelection.of("life_phase:infant"))
    with pytest.raises(SelectionError, match="life_phase:toddler"):
        check_selection(TermSelection.of("life_phase:toddler"))
