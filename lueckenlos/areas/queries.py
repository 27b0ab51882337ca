"""Reads of Kommunen, their area hierarchies and population, each in a fixed number of queries.

Boundaries are GeoJSON and can be large (a Berlin Planungsraum weighs more than a page of
offers), so lists never load them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from lueckenlos.areas.models import AgeBand, Area, AreaLevel, Kommune, PopulationCount


def kommunen_for_pages() -> QuerySet[Kommune]:
    """Kommunen with their parent, as a page about one of them needs them, without boundaries."""
    return Kommune.objects.select_related("parent").defer("boundary", "parent__boundary")


@dataclass
class KommuneNode:
    kommune: Kommune
    children: list[KommuneNode] = field(default_factory=list)


def kommune_tree() -> list[KommuneNode]:
    """All Kommunen as a forest: top-level ones with the Kommunen they contain, at any depth."""
    kommunen = Kommune.objects.only("pk", "name", "slug", "kind", "parent_id").order_by("name")
    nodes = {k.pk: KommuneNode(k) for k in kommunen}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.kommune.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


@dataclass(frozen=True)
class PopulationCell:
    """One published figure; `count` is None where the statistics office withheld it."""

    count: int | None
    missing_reason: str = ""

    @property
    def is_suppressed(self) -> bool:
        return self.count is None


@dataclass
class AreaRow:
    area: Area
    parent_name: str
    # One entry per age band of the overview, None where no figure exists at all.
    cells: list[PopulationCell | None]


@dataclass
class LevelTable:
    level: AreaLevel
    reference_date: dt.date | None
    rows: list[AreaRow]

    @property
    def has_figures(self) -> bool:
        """Whether any figure was published for this level (Berlin: Planungsräume only)."""
        return self.reference_date is not None

    @property
    def has_suppressed(self) -> bool:
        return any(cell and cell.is_suppressed for row in self.rows for cell in row.cells)

    @property
    def missing_reasons(self) -> list[str]:
        reasons = {
            cell.missing_reason
            for row in self.rows
            for cell in row.cells
            if cell and cell.is_suppressed and cell.missing_reason
        }
        return sorted(reasons)


@dataclass
class PopulationOverview:
    age_bands: list[AgeBand]
    levels: list[LevelTable]

    @property
    def area_count(self) -> int:
        return sum(len(level.rows) for level in self.levels)


def area_population(kommune: Kommune, *, on: dt.date | None = None) -> PopulationOverview:
    """The Kommune's areas valid on `on` (default today), one table per level of its hierarchy,
    with the latest population figures of each level per age band.

    Each level shows its own latest reference date, because statistics offices publish the
    levels at different times; a table never mixes dates. Five queries, whatever the size.
    """
    day = on or timezone.localdate()
    levels = list(AreaLevel.objects.for_kommune(kommune).order_by("depth"))
    areas = list(
        Area.objects.for_kommune(kommune)
        .valid_on(day)
        .only("pk", "name", "code", "path", "level_id", "parent_id", "kommune_id")
        .order_by("path")
    )
    age_bands = list(AgeBand.objects.for_kommune(kommune))
    latest_by_level = dict(
        PopulationCount.objects.filter(area__kommune=kommune, reference_date__lte=day)
        .values_list("area__level_id")
        .annotate(latest=Max("reference_date"))
        .order_by()
    )

    counts: dict[tuple[int, int], PopulationCell] = {}
    if latest_by_level:
        at_latest = Q()
        for level_id, latest in latest_by_level.items():
            at_latest |= Q(area__level_id=level_id, reference_date=latest)
        for area_id, band_id, count, reason in (
            PopulationCount.objects.filter(at_latest, area__kommune=kommune)
            .values_list("area_id", "age_band_id", "count", "missing_reason")
            .order_by()
        ):
            counts[(area_id, band_id)] = PopulationCell(count=count, missing_reason=reason)

    names = {area.pk: area.name for area in areas}
    rows_by_level: dict[int, list[AreaRow]] = defaultdict(list)
    for area in areas:
        rows_by_level[area.level_id].append(
            AreaRow(
                area=area,
                parent_name=names.get(area.parent_id, ""),
                cells=[counts.get((area.pk, band.pk)) for band in age_bands],
            )
        )
    tables = [
        LevelTable(
            level=level,
            reference_date=latest_by_level.get(level.pk),
            rows=rows_by_level[level.pk],
        )
        for level in levels
        if rows_by_level[level.pk]
    ]
    return PopulationOverview(age_bands=age_bands, levels=tables)
