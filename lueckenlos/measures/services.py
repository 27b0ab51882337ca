"""What is done with measures: scoring, ranking, moving their status, finding those that
address a gap. Plain functions; the pages and the report call them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.measures.models import (
    NEXT_STATUSES,
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
    Measure,
    MeasureStatus,
    Score,
    StatusChange,
)


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    mean: float | None  # mean of the members' scores; None: nobody scored it yet
    scorers: int


@dataclass(frozen=True)
class RankedMeasure:
    rank: int | None  # None for a measure nobody has scored
    measure: Measure
    total: float | None  # weighted mean of the criteria's means, on the scale of a score
    scorers: int  # members who scored at least one criterion
    criteria: list[CriterionResult]


def scores_set(*, measure: Measure, scorer, scores: dict[int, int | None], may_score: bool) -> None:
    """Keep one member's scores of a measure: {criterion pk: score}; None removes a score.

    Only measures still to be decided are scored; a criterion of another Kommune or a score
    outside the scale is refused with the criterion named."""
    if not may_score:
        raise PermissionDenied(_("Only members of the steering group score measures."))
    if measure.status not in (MeasureStatus.PROPOSED, MeasureStatus.PRIORITISED):
        raise ValidationError(
            _("“%(measure)s” is %(status)s: only proposed and prioritised measures are scored.")
            % {"measure": measure.title, "status": measure.get_status_display()}
        )
    criteria = {
        c.pk: c for c in Criterion.objects.for_kommune(measure.kommune).filter(is_active=True)
    }
    errors = {}
    for pk, value in scores.items():
        criterion = criteria.get(pk)
        if criterion is None:
            errors[str(pk)] = _("There is no such criterion in this Kommune.")
        elif value is not None and not (SCORE_MIN <= value <= SCORE_MAX):
            errors[str(pk)] = _("%(criterion)s: a score lies between %(low)s and %(high)s.") % {
                "criterion": criterion.name,
                "low": SCORE_MIN,
                "high": SCORE_MAX,
            }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for pk, value in scores.items():
            if value is None:
                Score.objects.filter(measure=measure, criterion_id=pk, scorer=scorer).delete()
            else:
                Score.objects.update_or_create(
                    measure=measure, criterion_id=pk, scorer=scorer, defaults={"score": value}
                )


def ranking(kommune: Kommune, measures=None) -> list[RankedMeasure]:
    """The measures to prioritise (proposed and prioritised) ranked by their weighted score.

    Each criterion's score is the mean over the members who scored it; the total is the mean
    of those, weighted by the criteria's weights (criteria nobody scored count for nothing).
    Ties share a rank; measures nobody scored come last, without a rank."""
    if measures is None:
        measures = Measure.objects.for_kommune(kommune).filter(
            status__in=(MeasureStatus.PROPOSED, MeasureStatus.PRIORITISED)
        )
    measures = list(measures)
    criteria = list(Criterion.objects.for_kommune(kommune).filter(is_active=True))
    sums: dict = {}
    for measure_id, criterion_id, scorer_id, score in Score.objects.filter(
        measure__in=measures, criterion__in=criteria
    ).values_list("measure_id", "criterion_id", "scorer_id", "score"):
        entry = sums.setdefault((measure_id, criterion_id), [0, 0, set()])
        entry[0] += score
        entry[1] += 1
        entry[2].add(scorer_id)
    results = []
    for measure in measures:
        per_criterion = []
        weighted = weights = 0.0
        scorers: set = set()
        for criterion in criteria:
            total, count, who = sums.get((measure.pk, criterion.pk), (0, 0, set()))
            mean = total / count if count else None
            per_criterion.append(CriterionResult(criterion, mean, len(who)))
            scorers |= who
            if mean is not None and criterion.weight > 0:
                weighted += mean * criterion.weight
                weights += criterion.weight
        total = round(weighted / weights, 2) if weights else None
        results.append((measure, total, len(scorers), per_criterion))
    results.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[0].title))
    ranked = []
    rank = 0
    previous = object()
    for position, (measure, total, scorers, per_criterion) in enumerate(results, start=1):
        if total is not None and total != previous:
            rank = position
        previous = total
        ranked.append(
            RankedMeasure(
                rank=rank if total is not None else None,
                measure=measure,
                total=total,
                scorers=scorers,
                criteria=per_criterion,
            )
        )
    return ranked


def status_change(
    *, measure: Measure, status: str, on: dt.date, note: str = "", acting_user=None
) -> StatusChange:
    """Move a measure one step (see NEXT_STATUSES), keeping the step with its date and note."""
    if status not in NEXT_STATUSES.get(measure.status, ()):
        raise ValidationError(
            {
                "status": _("A measure that is %(now)s cannot become %(next)s.")
                % {
                    "now": measure.get_status_display(),
                    "next": MeasureStatus(status).label if status in MeasureStatus else status,
                }
            }
        )
    last = measure.status_changes.order_by("-on").first()
    if last is not None and on < last.on:
        raise ValidationError(
            {"on": _("The date lies before the last step (%(date)s).") % {"date": last.on}}
        )
    with transaction.atomic():
        measure.status = status
        measure.version += 1
        measure.save(update_fields=["status", "version"])
        return StatusChange.objects.create(
            measure=measure, status=status, on=on, note=note, changed_by=acting_user
        )


def measures_for_gap(
    kommune: Kommune, *, area: Area | None = None, term: TaxonomyTerm | None = None
) -> list[Measure]:
    """The measures (not set aside) that address a gap: those naming the area, an area
    around or inside it, or no area (the whole Kommune); and the life phase or field, or
    none."""
    measures = Measure.objects.for_kommune(kommune).exclude(status=MeasureStatus.SET_ASIDE)
    if area is not None:
        around = _ancestor_paths(area.path)
        measures = measures.filter(
            Q(areas__isnull=True) | Q(areas__path__in=around) | Q(areas__path__startswith=area.path)
        )
    if term is not None:
        measures = measures.filter(
            Q(terms=term)
            | ~Q(
                pk__in=Measure.terms.through.objects.filter(
                    taxonomyterm__taxonomy=term.taxonomy
                ).values("measure_id")
            )
        )
    return list(measures.distinct().order_by("title"))


def _ancestor_paths(path: str) -> list[str]:
    """ "A/B/C/" → ["A/", "A/B/", "A/B/C/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
