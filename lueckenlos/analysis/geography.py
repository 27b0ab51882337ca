"""A Kommune's areas as the analysis reads them: by level, with the smallest ones as units.

The analysis counts everything in *units*, the smallest areas (valid on the day, with no
smaller area inside them; in Berlin the Planungsräume), and adds units up to whatever
level is asked for, following the materialised paths of the area hierarchy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from lueckenlos.areas.models import Area, AreaLevel, Kommune


@dataclass(frozen=True)
class AreaInfo:
    """An area without its boundary (boundaries are large; the analysis rarely needs them)."""

    pk: int
    code: str
    name: str
    path: str
    level_id: int
    depth: int
    parent_id: int | None
    area_m2: float | None
    has_boundary: bool


@dataclass
class AreaFrame:
    kommune: Kommune
    day: dt.date
    levels: list[AreaLevel]
    areas: dict[int, AreaInfo]
    by_path: dict[str, AreaInfo] = field(default_factory=dict)
    units: list[AreaInfo] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_path = {area.path: area for area in self.areas.values()}
        parents = {area.parent_id for area in self.areas.values() if area.parent_id}
        self.units = sorted(
            (area for area in self.areas.values() if area.pk not in parents),
            key=lambda area: area.path,
        )

    def at_level(self, level: AreaLevel | None) -> list[AreaInfo]:
        if level is None:
            return []
        return sorted(
            (area for area in self.areas.values() if area.level_id == level.pk),
            key=lambda area: area.path,
        )

    def containing(self, path: str, level: AreaLevel) -> AreaInfo | None:
        """The area of `level` whose path is a prefix of `path` (the area itself included)."""
        codes = path.strip("/").split("/")
        for depth in range(len(codes), 0, -1):
            found = self.by_path.get("/".join(codes[:depth]) + "/")
            if found is not None and found.level_id == level.pk:
                return found
        return None

    def ancestors(self, path: str) -> list[AreaInfo]:
        """The areas whose path is a prefix of `path`, largest first (the area included)."""
        codes = path.strip("/").split("/")
        found = []
        for depth in range(1, len(codes) + 1):
            area = self.by_path.get("/".join(codes[:depth]) + "/")
            if area is not None:
                found.append(area)
        return found


def area_frame(kommune: Kommune, *, on: dt.date | None = None) -> AreaFrame:
    """The Kommune's areas valid on `on` (default today), in two queries."""
    day = on or timezone.localdate()
    levels = list(AreaLevel.objects.for_kommune(kommune).order_by("depth"))
    depth = {level.pk: level.depth for level in levels}
    rows = (
        Area.objects.for_kommune(kommune)
        .valid_on(day)
        .order_by()
        .values_list(
            "pk",
            "code",
            "name",
            "path",
            "level_id",
            "parent_id",
            "area_m2",
            "min_lon",
        )
    )
    areas = {
        pk: AreaInfo(
            pk=pk,
            code=code,
            name=name,
            path=path,
            level_id=level_id,
            depth=depth.get(level_id, 0),
            parent_id=parent_id,
            area_m2=area_m2,
            has_boundary=min_lon is not None,
        )
        for pk, code, name, path, level_id, parent_id, area_m2, min_lon in rows
    }
    return AreaFrame(kommune=kommune, day=day, levels=levels, areas=areas)
