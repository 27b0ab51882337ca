"""Loading the Berlin demo from its packaged open data: one transaction, all or nothing.

`load_demo` reads only the files below `data_dir` (by default the copy in
lueckenlos/demo/data/berlin, see its ATTRIBUTION.md), so tests can point it at a small or
broken copy. Any bad value stops the load with a DemoDataError naming file, row and field,
and the transaction leaves the database as it was. Nothing here runs in production.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount
from lueckenlos.catalogue.models import Location, Organization, Service, ServiceAtLocation
from lueckenlos.demo.classification import all_rules, resolve_terms
from lueckenlos.demo.errors import (
    DemoAlreadyLoaded,
    DemoDataError,
    DemoInProduction,
    UnknownBezirk,
)
from lueckenlos.demo.examples import EXAMPLES_FILE, create_examples, example_rules
from lueckenlos.demo.indicators import load_indicators
from lueckenlos.demo.kommunen import (
    LEVELS,
    bezirk_slug,
    create_kommunen,
    load_population,
    read_hierarchy,
)
from lueckenlos.demo.offers import OffersReport, create_offers
from lueckenlos.monitoring.models import Indicator, IndicatorValue
from lueckenlos.search.indexing import reindex_kommune

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data" / "berlin"
DEMO_SLUG = "berlin"


@dataclass
class LoadReport:
    """What a load created, for the command's summary and the benchmark."""

    bezirke: list[str] = field(default_factory=list)
    areas_by_level: dict[str, int] = field(default_factory=dict)
    population_counts: int = 0
    indicator_values: int = 0
    offers: OffersReport = field(default_factory=OffersReport)
    examples: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        offers = self.offers
        by_rule = ", ".join(f"{key} {n}" for key, n in sorted(offers.services_by_rule.items()))
        lines = [
            f"Kommunen: Berlin and {len(self.bezirke)} Bezirke ({', '.join(self.bezirke)})",
            "Areas: " + ", ".join(f"{n} {name}" for name, n in self.areas_by_level.items()),
            f"Population counts: {self.population_counts} (30.06.2022)",
            f"MSS 2021 indicator values: {self.indicator_values}",
            "Offers from open data: "
            + ", ".join(f"{n} from {file}" for file, n in offers.services_by_file.items()),
            f"  by classification rule: {by_rule}",
            f"Providers: {offers.organizations}; locations: {offers.locations}; "
            f"phone numbers: {offers.phones}",
            f"Example offers (invented, marked „(Beispiel)“): {self.examples}",
        ]
        if offers.outside_areas:
            lines.append(
                f"{len(offers.outside_areas)} locations lie in no Planungsraum of their Bezirk "
                "(kept, flagged for the coordinator):"
            )
            lines.extend(f"  {entry}" for entry in offers.outside_areas)
        if offers.dropped_values:
            lines.append(f"{len(offers.dropped_values)} unusable contact values left out:")
            lines.extend(f"  {entry}" for entry in offers.dropped_values)
        lines.append(f"Time: {self.seconds:.1f} s")
        return lines


def refuse_in_production() -> None:
    """Stop before touching anything when the installation runs in production.

    A reload deletes the Kommune "berlin" with all it owns; in production that may be a
    real tenant's data, and demo data has no place there either.
    """
    if settings.PRODUCTION:
        raise DemoInProduction(
            "LUECKENLOS_ENV=production: demo data is never loaded into or deleted from a "
            "production installation."
        )


def demo_is_loaded() -> bool:
    return Kommune.objects.filter(slug=DEMO_SLUG).exists()


def _select_bezirke(hierarchy, only: Iterable[str] | None) -> list[str]:
    """The codes of the Bezirke to load: all, or those named by code ("1", "01") or slug."""
    names = {row.bezirk: row.bezirk_name for row in hierarchy}
    if only is None:
        return sorted(names)
    by_key = {code: code for code in names}
    by_key.update({code.lstrip("0"): code for code in names})
    by_key.update({bezirk_slug(name): code for code, name in names.items()})
    selected = set()
    for value in only:
        key = value.strip().lower()
        if key not in by_key:
            choices = [(code, bezirk_slug(names[code])) for code in sorted(names)]
            raise UnknownBezirk(value.strip(), choices)
        selected.add(by_key[key])
    return sorted(selected)


@transaction.atomic
def load_demo(
    *,
    data_dir: Path | str = DEFAULT_DATA_DIR,
    only_bezirke: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Load Berlin (all Bezirke, or only some) from `data_dir`; refuse if it is loaded."""
    started = time.perf_counter()
    refuse_in_production()
    if demo_is_loaded():
        raise DemoAlreadyLoaded("The Kommune “berlin” exists already.")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DemoDataError(
            file=str(data_dir), where="whole directory", field="-", reason="does not exist"
        )
    today = today or timezone.localdate()

    # Rules first: a typo in a table stops the load before a single row is read.
    terms = resolve_terms(all_rules())
    terms.update(resolve_terms(example_rules(), file=EXAMPLES_FILE))

    hierarchy = read_hierarchy(data_dir)
    codes = _select_bezirke(hierarchy, only_bezirke)
    names = {row.bezirk: row.bezirk_name for row in hierarchy}
    taken = Kommune.objects.filter(slug__in=[bezirk_slug(names[code]) for code in codes])
    if taken.exists():
        raise DemoAlreadyLoaded(
            "Kommunen outside the demo use the slugs of Bezirke: "
            + ", ".join(taken.values_list("slug", flat=True))
        )
    _berlin, bezirke = create_kommunen(data_dir, hierarchy, codes)
    report = LoadReport(bezirke=[bezirk.name for bezirk in bezirke])
    kommune_ids = [bezirk.kommune.pk for bezirk in bezirke]
    for depth, (_name, plural) in enumerate(LEVELS):
        report.areas_by_level[plural] = Area.objects.filter(
            kommune_id__in=kommune_ids, level__depth=depth
        ).count()
    report.population_counts = load_population(data_dir, hierarchy, bezirke)
    report.indicator_values = load_indicators(data_dir, hierarchy, bezirke)
    report.offers = create_offers(data_dir, bezirke, terms, all_bezirke=names)
    report.examples = create_examples(bezirke, terms, today=today)
    # The offers were written in bulk, past the signals that keep the search index.
    for bezirk in bezirke:
        reindex_kommune(bezirk.kommune)
    # Fresh statistics for the planner: PostgreSQL would otherwise plan the next queries as
    # if the tables were still empty (nested loops over thousands of rows, for minutes).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report.seconds = time.perf_counter() - started
    return report


@transaction.atomic
def delete_demo() -> int:
    """Delete Berlin, every Kommune in it and all they own; the number of Kommunen deleted.

    Offers, providers and locations protect their Kommune from deletion (nothing of a
    tenant's inventory may vanish by accident), and areas protect their parents, so the
    records go in order: offers, locations, providers, statistics, areas bottom-up.
    """
    refuse_in_production()
    berlin = Kommune.objects.filter(slug=DEMO_SLUG).first()
    if berlin is None:
        return 0
    ids = berlin.descendant_ids()
    ServiceAtLocation.objects.filter(service__kommune_id__in=ids).delete()
    Service.terms.through.objects.filter(service__kommune_id__in=ids).delete()
    # Those in the trash too (the default managers leave them out).
    Service.all_objects.filter(kommune_id__in=ids).delete()
    Location.all_objects.filter(kommune_id__in=ids).delete()
    Organization.all_objects.filter(kommune_id__in=ids).delete()
    IndicatorValue.objects.filter(indicator__kommune_id__in=ids).delete()
    Indicator.objects.filter(kommune_id__in=ids).delete()
    PopulationCount.objects.filter(area__kommune_id__in=ids).delete()
    AgeBand.objects.filter(kommune_id__in=ids).delete()
    depths = AreaLevel.objects.filter(kommune_id__in=ids).values_list("depth", flat=True)
    for depth in sorted(set(depths), reverse=True):
        Area.objects.filter(kommune_id__in=ids, level__depth=depth).delete()
    AreaLevel.objects.filter(kommune_id__in=ids).delete()
    # Contained Kommunen before their container (ids run from Berlin downwards).
    for kommune_id in reversed(ids):
        Kommune.objects.filter(pk=kommune_id).delete()
    return len(ids)


@transaction.atomic
def reload_demo(**options) -> LoadReport:
    """Delete the demo and load it again, in one transaction: a failed load keeps the old."""
    delete_demo()
    return load_demo(**options)
