"""Which offers a figure is about: a combination of terms of the vocabularies.

A selection names terms as "vocabulary:code" ("life_phase:infant", "field_of_action:health").
An offer matches when, for every vocabulary named, it carries at least one of the terms
named there: within a vocabulary terms are alternatives (infant or preschool), across
vocabularies all must hold (infant and health), as in the portal's filters. The matrix
cell "life phase × field" is the selection of one term of each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import pgettext

from lueckenlos.analysis.population import CHAIN_MONTHS, AgeRange
from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE


class SelectionError(ValueError):
    """A term that is not "vocabulary:code", or one no vocabulary has."""


@dataclass(frozen=True)
class TermSelection:
    terms: frozenset[str]  # "vocabulary:code"

    @classmethod
    def of(cls, *terms: str | Iterable[str]) -> TermSelection:
        """TermSelection.of("life_phase:infant", "field_of_action:health")."""
        flat: list[str] = []
        for term in terms:
            flat.extend([term] if isinstance(term, str) else term)
        for term in flat:
            vocabulary, sep, code = term.partition(":")
            if not sep or not vocabulary or not code:
                raise SelectionError(f"{term!r} is not of the form vocabulary:code")
        return cls(frozenset(flat))

    @classmethod
    def cell(cls, phase: str, field: str) -> TermSelection:
        return cls.of(f"{LIFE_PHASE}:{phase}", f"{FIELD_OF_ACTION}:{field}")

    @property
    def key(self) -> str:
        return "+".join(sorted(self.terms))

    def by_vocabulary(self) -> dict[str, list[str]]:
        """Codes by vocabulary: life phase first, then field of action, then the rest."""
        grouped: dict[str, list[str]] = {}
        for term in sorted(self.terms):
            vocabulary, _sep, code = term.partition(":")
            grouped.setdefault(vocabulary, []).append(code)
        first = {LIFE_PHASE: 0, FIELD_OF_ACTION: 1}
        return dict(sorted(grouped.items(), key=lambda item: (first.get(item[0], 2), item[0])))

    def phases(self) -> list[str]:
        return self.by_vocabulary().get(LIFE_PHASE, [])

    def age_range(self, phase_ages: dict[str, tuple[int | None, int | None]]) -> AgeRange:
        """The children a selection is about: those of its life phases; without a life
        phase, the whole prevention chain (birth to 27)."""
        phases = self.phases()
        if not phases:
            return AgeRange.of([CHAIN_MONTHS])
        intervals: list[tuple[int, int]] = []
        for phase in phases:
            if phase not in phase_ages:
                raise SelectionError(f"unknown life phase {phase!r}")
            intervals.extend(AgeRange.for_phase(*phase_ages[phase]).intervals)
        return AgeRange.of(intervals)

    def label(self, names: dict[str, str]) -> str:
        """ "0 bis 3 Jahre × Gesundheit" in the interface language: alternatives joined by
        "/", vocabularies by "×"; `names` as term_names() gives them."""
        return " × ".join(
            " / ".join(term_label(names.get(f"{vocabulary}:{code}", code)) for code in codes)
            for vocabulary, codes in self.by_vocabulary().items()
        )


def term_label(name: str) -> str:
    """A term's name (German data) in the interface language."""
    return pgettext("taxonomy term", name)


@dataclass(frozen=True)
class TermInfo:
    """A term as results carry it: the German name is data, `label` is for the page."""

    vocabulary: str
    code: str
    name: str
    min_age_months: int | None = None
    max_age_months: int | None = None

    @property
    def key(self) -> str:
        return f"{self.vocabulary}:{self.code}"

    @property
    def label(self) -> str:
        return term_label(self.name)


def vocabulary_terms(vocabulary: str) -> list[TermInfo]:
    """The terms of one vocabulary in their order."""
    return [
        TermInfo(vocabulary, code, name, low, high)
        for code, name, low, high in TaxonomyTerm.objects.filter(taxonomy__code=vocabulary)
        .order_by("position", "name")
        .values_list("code", "name", "min_age_months", "max_age_months")
    ]


def term_names() -> dict[str, str]:
    """ "vocabulary:code" → the term's name, for every term."""
    return {
        f"{taxonomy}:{code}": name
        for taxonomy, code, name in TaxonomyTerm.objects.values_list(
            "taxonomy__code", "code", "name"
        )
    }


def check_selection(selection: TermSelection) -> None:
    """Raise SelectionError for terms no vocabulary has."""
    known = set(term_names())
    unknown = sorted(selection.terms - known)
    if unknown:
        raise SelectionError("unknown terms: " + ", ".join(unknown))
