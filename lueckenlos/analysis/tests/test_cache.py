"""Results are kept until what they are computed from changes, however it changes."""

from __future__ import annotations

import pytest

from lueckenlos.analysis import coverage as coverage_module
from lueckenlos.analysis import priority as priority_module
from lueckenlos.analysis.coverage import coverage
from lueckenlos.analysis.grid import grid_import
from lueckenlos.analysis.priority import priority
from lueckenlos.analysis.reach import reach
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.areas.models import PopulationCount
from lueckenlos.catalogue.models import Service
from lueckenlos.interop.tabular import read_table
from lueckenlos.monitoring.models import IndicatorValue

from .conftest import KM, X0, Y0, centre

KITA = TermSelection.cell("preschool", "education")


@pytest.fixture
def counting(monkeypatch):
    """Counts the computations behind coverage() and priority()."""
    calls = {"coverage": 0, "priority": 0}
    real_coverage = coverage_module.compute_coverage
    real_priority = priority_module.compute_priority

    def count_coverage(*args, **kwargs):
        calls["coverage"] += 1
        return real_coverage(*args, **kwargs)

    def count_priority(*args, **kwargs):
        calls["priority"] += 1
        return real_priority(*args, **kwargs)

    monkeypatch.setattr(coverage_module, "compute_coverage", count_coverage)
    monkeypatch.setattr(priority_module, "compute_priority", count_priority)
    return calls


def education_offers(kommune, code="A") -> int:
    report = coverage(kommune, level="Planungsraum")
    return (
        next(m for m in report.areas if m.area.code == code).cell("preschool", "education").offers
    )


def test_a_result_is_computed_once_per_parameters(teststadt, counting):
    coverage(teststadt.kommune, level="Planungsraum")
    coverage(teststadt.kommune, level="Planungsraum")
    assert counting["coverage"] == 1
    coverage(teststadt.kommune, level="Bezirksregion")
    coverage(teststadt.kommune, level="Planungsraum", weak_ratio=0.8)
    assert counting["coverage"] == 3


def test_a_new_offer_is_counted_at_once(teststadt, counting):
    assert education_offers(teststadt.kommune) == 1
    teststadt.place(
        "Kita Wiese",
        *centre(0),
        teststadt.a,
        terms=["life_phase:preschool", "field_of_action:education"],
    )
    assert education_offers(teststadt.kommune) == 2
    assert counting["coverage"] == 2


def test_an_offer_set_inactive_in_bulk_drops_out(teststadt):
    from lueckenlos.search.indexing import index_offers

    assert education_offers(teststadt.kommune, "B") == 1
    kita = teststadt.offers["kita_b"]
    # Bulk writers update without signals and re-index afterwards, as the workspace does.
    Service.objects.filter(pk=kita.pk).update(status=Service.Status.INACTIVE)
    index_offers([kita.pk])
    assert education_offers(teststadt.kommune, "B") == 0


def test_population_written_in_bulk_is_seen(teststadt):
    report = coverage(teststadt.kommune, level="Planungsraum")
    assert report.kommune.row("infant").children.numerator == 450
    # An import updates counts with bulk_update: no signal is sent.
    PopulationCount.objects.filter(area=teststadt.a, age_band__code="unter6").update(count=800)
    report = coverage(teststadt.kommune, level="Planungsraum")
    assert report.kommune.row("infant").children.numerator == 550


def test_a_moved_location_is_seen(teststadt):
    assert education_offers(teststadt.kommune, "C") == 0
    location = teststadt.offers["kita_b"].locations.get()
    location.area = teststadt.c
    location.save()
    assert education_offers(teststadt.kommune, "C") == 1


def test_indicator_values_changed_in_bulk_are_seen(teststadt, counting):
    first = priority(teststadt.kommune, level="Planungsraum", selections=[KITA])
    assert {e.area.code: e.need_value for e in first.areas}["B"] == 20.0
    IndicatorValue.objects.filter(area=teststadt.b).update(value=60.0)
    second = priority(teststadt.kommune, level="Planungsraum", selections=[KITA])
    assert {e.area.code: e.need_value for e in second.areas}["B"] == 60.0
    assert counting["priority"] == 2


def test_a_grid_import_changes_reach(teststadt):
    before = reach(teststadt.kommune, [KITA], distances=(500,)).result(KITA, 500)
    x, y = X0 + KM + 550, Y0 + 550
    csv = (
        "GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\n"
        f"CRS3035RES100mN{y - 50}E{x - 50};{x};{y};5000\n"
    )
    grid_import(kommune=teststadt.kommune, table=read_table(csv.encode(), filename="grid.csv"))
    after = reach(teststadt.kommune, [KITA], distances=(500,)).result(KITA, 500)
    assert before.kommune.denominator == pytest.approx(450)
    assert after.kommune.denominator == pytest.approx(5000 * 120 / 2000)  # B's 6 %
