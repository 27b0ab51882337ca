"""Scoring and ranking measures, moving their status, and finding those a gap has."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.measures import services
from lueckenlos.measures.models import Criterion, ImpactLevel, Measure, MeasureStatus
from tests.factories import AreaFactory, KommuneFactory

pytestmark = pytest.mark.django_db


def term(ref: str) -> TaxonomyTerm:
    taxonomy, code = ref.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)


@pytest.fixture
def kommune():
    return KommuneFactory(slug="massstadt")


@pytest.fixture
def criteria(kommune):
    return [
        Criterion.objects.create(kommune=kommune, name="Bedarf", weight=2),
        Criterion.objects.create(kommune=kommune, name="Machbarkeit", weight=1),
    ]


@pytest.fixture
def members(django_user_model):
    return [django_user_model.objects.create(username=f"m{i}") for i in range(3)]


def measure(kommune, title, **kwargs):
    return Measure.objects.create(
        kommune=kommune, title=title, impact_level=ImpactLevel.OUTPUT, **kwargs
    )


def score(m, who, need, feasibility, criteria):
    services.scores_set(
        measure=m,
        scorer=who,
        scores={criteria[0].pk: need, criteria[1].pk: feasibility},
        may_score=True,
    )


def test_the_ranking_weights_the_criteria_means(kommune, criteria, members):
    lotsen = measure(kommune, "Kita-Lotsen")
    sprache = measure(kommune, "Sprachcafé")
    measure(kommune, "Nicht bewertet")
    score(lotsen, members[0], 5, 1, criteria)  # need mean 4, feasibility mean 2
    score(lotsen, members[1], 3, 3, criteria)
    score(sprache, members[0], 2, 5, criteria)  # need 2, feasibility 5
    ranked = services.ranking(kommune)
    assert [(r.rank, r.measure.title, r.total, r.scorers) for r in ranked] == [
        (1, "Kita-Lotsen", round((4 * 2 + 2 * 1) / 3, 2), 2),
        (2, "Sprachcafé", 3.0, 1),
        (None, "Nicht bewertet", None, 0),
    ]
    need = ranked[0].criteria[0]
    assert (need.criterion.name, need.mean, need.scorers) == ("Bedarf", 4.0, 2)


def test_equal_totals_share_a_rank(kommune, criteria, members):
    a, b, c = (measure(kommune, t) for t in "ABC")
    score(a, members[0], 3, 3, criteria)
    score(b, members[0], 3, 3, criteria)
    score(c, members[0], 1, 1, criteria)
    assert [r.rank for r in services.ranking(kommune)] == [1, 1, 3]


def test_a_second_scoring_replaces_the_members_first(kommune, criteria, members):
    m = measure(kommune, "A")
    score(m, members[0], 1, 1, criteria)
    score(m, members[0], 5, 5, criteria)
    assert services.ranking(kommune)[0].total == 5.0


def test_scores_out_of_range_or_of_another_kommune_are_refused(kommune, criteria, members):
    m = measure(kommune, "A")
    other = Criterion.objects.create(kommune=KommuneFactory(), name="Fremd")
    with pytest.raises(ValidationError) as refused:
        services.scores_set(
            measure=m,
            scorer=members[0],
            scores={criteria[0].pk: 9, other.pk: 1},
            may_score=True,
        )
    assert set(refused.value.message_dict) == {str(criteria[0].pk), str(other.pk)}
    assert not m.scores.exists()
    with pytest.raises(PermissionDenied):
        services.scores_set(measure=m, scorer=members[0], scores={}, may_score=False)


def test_a_decided_measure_is_no_longer_scored(kommune, criteria, members):
    m = measure(kommune, "A", status=MeasureStatus.DECIDED)
    with pytest.raises(ValidationError):
        score(m, members[0], 1, 1, criteria)


def test_status_moves_step_by_step_and_keeps_each_step(kommune):
    m = measure(kommune, "A")
    services.status_change(measure=m, status=MeasureStatus.PRIORITISED, on=dt.date(2026, 3, 1))
    services.status_change(
        measure=m, status=MeasureStatus.DECIDED, on=dt.date(2026, 4, 1), note="StG 2/2026"
    )
    with pytest.raises(ValidationError) as refused:
        services.status_change(measure=m, status=MeasureStatus.EVALUATED, on=dt.date(2026, 5, 1))
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.status_change(measure=m, status=MeasureStatus.IN_PROGRESS, on=dt.date(2026, 1, 1))
    assert "on" in refused.value.message_dict
    m.refresh_from_db()
    assert m.status == MeasureStatus.DECIDED
    assert [(c.status, c.note) for c in m.status_changes.all()] == [
        ("prioritised", ""),
        ("decided", "StG 2/2026"),
    ]


def test_a_gap_lists_the_measures_naming_its_area_and_life_phase(kommune):
    district = AreaFactory(kommune=kommune, code="D")
    quarter = AreaFactory(kommune=kommune, code="Q", parent=district)
    elsewhere = AreaFactory(kommune=kommune, code="E")
    everywhere = measure(kommune, "Überall, jede Phase")
    in_district = measure(kommune, "Im Bezirk, Krippe")
    in_district.areas.set([district])
    in_district.terms.set([term("life_phase:infant")])
    other_area = measure(kommune, "Anderswo")
    other_area.areas.set([elsewhere])
    other_phase = measure(kommune, "Schulkinder")
    other_phase.terms.set([term("life_phase:primary")])
    measure(kommune, "Verworfen", status=MeasureStatus.SET_ASIDE)
    found = services.measures_for_gap(kommune, area=quarter, term=term("life_phase:infant"))
    assert [m.title for m in found] == ["Im Bezirk, Krippe", everywhere.title]
