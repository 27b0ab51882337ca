"""The gap page's choices: area level, distance, the cell looked at, priority weights, map.

A plain GET form, so that every view of the analysis has an address one can bookmark and
share. A choice the form refuses falls back to its default, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from lueckenlos.analysis.basis import Basis
from lueckenlos.analysis.priority import PriorityWeights
from lueckenlos.analysis.reach import DEFAULT_DISTANCE_M, DISTANCES_M
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.areas.models import AreaLevel

COVERAGE = "coverage"
REACH = "reach"
NEED = "need"
PRIORITY = "priority"
MAP_MEASURES = (
    (PRIORITY, _("Priority")),
    (NEED, _("Need indicator")),
    (REACH, _("Reach of the chosen offers")),
    (COVERAGE, _("Offers of the chosen life phase and field")),
)
MAX_WEIGHT = 10


@dataclass(frozen=True)
class GapChoices:
    """What the page shows, after checking the form."""

    level: AreaLevel | None
    distance_m: int
    phase: str
    field: str
    weights: PriorityWeights
    measure: str


class GapForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Area level"), coerce=int, required=False)
    distance = forms.TypedChoiceField(
        label=_("Distance"),
        coerce=int,
        required=False,
        choices=[(d, f"{d:,} m".replace(",", ".")) for d in DISTANCES_M],
    )
    phase = forms.ChoiceField(label=_("Life phase"), required=False)
    field = forms.ChoiceField(label=_("Field of action"), required=False)
    w_need = forms.FloatField(
        label=_("Weight of need"), required=False, min_value=0, max_value=MAX_WEIGHT
    )
    w_supply = forms.FloatField(
        label=_("Weight of the supply gap"), required=False, min_value=0, max_value=MAX_WEIGHT
    )
    w_reach = forms.FloatField(
        label=_("Weight of the reach gap"), required=False, min_value=0, max_value=MAX_WEIGHT
    )
    measure = forms.ChoiceField(label=_("Map shows"), required=False, choices=MAP_MEASURES)

    def __init__(self, data, *, levels: list[AreaLevel], basis: Basis, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.levels = levels
        self.basis = basis
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]
        self.fields["phase"].choices = [(p.code, p.label) for p in basis.phases]
        self.fields["field"].choices = [(f.code, f.label) for f in basis.fields]
        for name in ("w_need", "w_supply", "w_reach"):
            self.fields[name].widget.attrs.update({"step": "0.5", "inputmode": "decimal"})

    @property
    def view_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("level", "distance", "phase", "field", "measure")]

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("w_need", "w_supply", "w_reach")]

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(name) for name in ("w_need", "w_supply", "w_reach")]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            raise forms.ValidationError(_("At least one weight must be above 0."))
        return cleaned

    def choices(self) -> GapChoices:
        """The checked choices; defaults wherever a value is missing or was refused."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        by_pk = {level.pk: level for level in self.levels}
        level = by_pk.get(data.get("level")) if data.get("level") else None
        if level is None and self.levels:
            level = self.levels[0]
        phase, field = data.get("phase") or "", data.get("field") or ""
        if not phase or not field:
            phase, field = self.default_cell(phase, field)
        return GapChoices(
            level=level,
            distance_m=data.get("distance") or DEFAULT_DISTANCE_M,
            phase=phase,
            field=field,
            weights=PriorityWeights(
                need=_weight(data.get("w_need")),
                supply_gap=_weight(data.get("w_supply")),
                reach_gap=_weight(data.get("w_reach")),
            ),
            measure=data.get("measure") or PRIORITY,
        )

    def show(self, chosen: GapChoices) -> None:
        """Let the controls of an unsent form show the defaults in use."""
        if self.is_bound:
            return
        self.initial = {
            "level": chosen.level.pk if chosen.level is not None else None,
            "distance": chosen.distance_m,
            "phase": chosen.phase,
            "field": chosen.field,
            "w_need": chosen.weights.need,
            "w_supply": chosen.weights.supply_gap,
            "w_reach": chosen.weights.reach_gap,
            "measure": chosen.measure,
        }

    def default_cell(self, phase: str, field: str) -> tuple[str, str]:
        """The first life phase × field with offers (keeping whichever half was chosen)."""
        offers = self.basis.offers
        for p in self.basis.phases:
            for f in self.basis.fields:
                if (phase and p.code != phase) or (field and f.code != field):
                    continue
                if offers.mask(TermSelection.cell(p.code, f.code)).any():
                    return p.code, f.code
        first_phase = self.basis.phases[0].code if self.basis.phases else ""
        first_field = self.basis.fields[0].code if self.basis.fields else ""
        return phase or first_phase, field or first_field


def _weight(value: float | None) -> float:
    return 1.0 if value is None else float(value)
