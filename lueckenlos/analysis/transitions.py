"""Transitions: which offers bridge each transition of the prevention chain, per area.

DOMAIN.md names five transitions (birth clinic → family; family → crèche/Kita; Kita →
primary school; primary → secondary school; school → training/work), each between two
life phases. An offer bridges a transition when

- it is tagged with the transition, or
- it is tagged with both life phases, or
- its age range (at least one limit stated) overlaps both phases: a Kita for ages
  2 to 6 spans the entry into childcare, a school for 6 to 12 the change to secondary
  school. An offer's age range starts at birth at the earliest (the catalogue has no
  ages before birth), so only tags show that an offer bridges pregnancy and birth.

Offers count in the areas where they have a location (supply.py); areas without any
bridging offer are listed. Offer counts are facts about the catalogue: no suppression.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lueckenlos.analysis.basis import Basis, analysis_basis, level_of
from lueckenlos.analysis.cache import cached_result, data_state
from lueckenlos.analysis.geography import AreaInfo
from lueckenlos.analysis.selection import TermInfo
from lueckenlos.areas.models import AreaLevel, Kommune
from lueckenlos.catalogue.vocabularies import LIFE_PHASE, TRANSITION

# The two life phases each seeded transition lies between.
TRANSITION_PHASES = {
    "birth_to_family": ("pregnancy", "infant"),
    "family_to_childcare": ("infant", "preschool"),
    "kita_to_primary": ("preschool", "primary"),
    "primary_to_secondary": ("primary", "secondary"),
    "school_to_work": ("secondary", "transition_work"),
}
BY_TERM = "term"
BY_PHASES = "phases"
BY_AGES = "ages"
REASON_LABELS = {
    BY_TERM: gettext_lazy("tagged with the transition"),
    BY_PHASES: gettext_lazy("serves both life phases"),
    BY_AGES: gettext_lazy("its ages span both life phases"),
}


@dataclass
class BridgingOffer:
    id: uuid.UUID
    name: str
    reasons: tuple[str, ...]  # BY_TERM, BY_PHASES, BY_AGES

    @property
    def reason_texts(self) -> list[str]:
        return [str(REASON_LABELS[reason]) for reason in self.reasons]


@dataclass
class AreaTransition:
    area: AreaInfo
    offer_ids: tuple[uuid.UUID, ...]

    @property
    def offers(self) -> int:
        return len(self.offer_ids)


@dataclass
class TransitionRow:
    transition: TermInfo
    from_phase: TermInfo | None
    to_phase: TermInfo | None
    offers: list[BridgingOffer]  # in the Kommune, by name
    offers_without_location: int
    areas: list[AreaTransition] = field(default_factory=list)

    @property
    def areas_without(self) -> list[AreaInfo]:
        return [entry.area for entry in self.areas if not entry.offer_ids]

    def count_by_reason(self) -> dict[str, int]:
        return {
            reason: sum(1 for offer in self.offers if reason in offer.reasons)
            for reason in (BY_TERM, BY_PHASES, BY_AGES)
        }


@dataclass
class TransitionReport:
    kommune_name: str
    level_name: str
    rows: list[TransitionRow]

    def row(self, code: str) -> TransitionRow:
        for row in self.rows:
            if row.transition.code == code:
                return row
        raise KeyError(code)

    def method_text(self) -> str:
        return _(
            "An offer bridges a transition when it is tagged with the transition, is tagged "
            "with both life phases, or states an age range that overlaps both. It counts in "
            "every area where it has a location; offers without a location count for the "
            "Kommune only."
        )


def _overlaps(offers_low: np.ndarray, offers_high: np.ndarray, phase: TermInfo) -> np.ndarray:
    low = -np.inf if phase.min_age_months is None else phase.min_age_months
    high = np.inf if phase.max_age_months is None else phase.max_age_months
    return (offers_low < high) & (offers_high > low)


def compute_transitions(basis: Basis, *, level: AreaLevel | None = None) -> TransitionReport:
    offers = basis.offers
    areas = basis.level_areas(level)
    area_count = len(areas)
    point_area = basis.point_to_area(level)
    phases = {phase.code: phase for phase in basis.phases}
    stated = np.isfinite(offers.min_age) | np.isfinite(offers.max_age)
    # No ages before birth in the catalogue: an open lower limit is birth.
    low = np.where(np.isfinite(offers.min_age), offers.min_age, 0.0)
    high = np.where(np.isfinite(offers.max_age), offers.max_age, np.inf)
    rows = []
    for transition in basis.transitions:
        pair = TRANSITION_PHASES.get(transition.code)
        first, second = (phases.get(pair[0]), phases.get(pair[1])) if pair else (None, None)
        by_term = offers.has(f"{TRANSITION}:{transition.code}")
        by_phases = np.zeros(offers.size, bool)
        by_ages = np.zeros(offers.size, bool)
        if first is not None and second is not None:
            by_phases = offers.has(f"{LIFE_PHASE}:{first.code}") & offers.has(
                f"{LIFE_PHASE}:{second.code}"
            )
            by_ages = stated & _overlaps(low, high, first) & _overlaps(low, high, second)
        bridging = by_term | by_phases | by_ages
        chosen = (point_area >= 0) & bridging[offers.point_offer]
        pairs = np.unique(offers.point_offer[chosen] * max(area_count, 1) + point_area[chosen])
        pair_offer = pairs // max(area_count, 1)
        pair_area = pairs % max(area_count, 1)
        row = TransitionRow(
            transition=transition,
            from_phase=first,
            to_phase=second,
            offers=sorted(
                (
                    BridgingOffer(
                        id=offers.ids[i],
                        name=offers.names[i],
                        reasons=tuple(
                            reason
                            for reason, hit in (
                                (BY_TERM, by_term[i]),
                                (BY_PHASES, by_phases[i]),
                                (BY_AGES, by_ages[i]),
                            )
                            if hit
                        ),
                    )
                    for i in np.flatnonzero(bridging)
                ),
                key=lambda offer: (offer.name, str(offer.id)),
            ),
            offers_without_location=int((bridging & ~offers.located).sum()),
        )
        for i, area in enumerate(areas):
            row.areas.append(
                AreaTransition(
                    area=area,
                    offer_ids=tuple(offers.ids[o] for o in pair_offer[pair_area == i]),
                )
            )
        rows.append(row)
    return TransitionReport(
        kommune_name=basis.kommune.name,
        level_name=level.name if level is not None else "",
        rows=rows,
    )


def transitions(
    kommune: Kommune,
    *,
    level: AreaLevel | int | str | None = None,
    state: tuple | None = None,
) -> TransitionReport:
    """The cached transitions report (see compute_transitions)."""
    level = level_of(kommune, level)
    # A caller showing several reports reads the data state once and passes it.
    state = state if state is not None else data_state(kommune)
    return cached_result(
        "transitions",
        kommune,
        {"level": level.pk if level is not None else None},
        lambda: compute_transitions(analysis_basis(kommune, state=state), level=level),
        state=state,
    )
