"""Reach: how many children live within a distance of at least one matching offer.

Where people live is a set of weighted points in EPSG:3035 (metres):

- with a population grid (census 2022, 100 m cells; grid.py): each populated cell's
  centre, weighted by its inhabitants times the share of the age band among the
  inhabitants of the area the cell lies in (the grid counts no ages);
- without one: each unit (smallest area) spread evenly over its surface, as the points
  of a regular 100 m lattice inside its boundary (aligned with the census grid), each
  carrying an equal part of the unit's children. Large units get a coarser lattice (at
  most 2,500 points each); a unit too small or narrow for any lattice point is one point
  at its inside. The share of points within the distance estimates the share of the
  unit's surface within it, with an error of about one point's part.

For each selection of terms, a KD-tree (scipy's cKDTree) over the locations of the
matching offers gives every point the distance to its nearest one in one vectorised
query; a point counts as reached when that straight-line distance is at most the chosen
distance. Points are first asked for in blocks (see reached_masks): most blocks lie
wholly within or wholly beyond the distance, which spares most of the queries without
changing any answer. Sums per area are weighted bincounts. One query at the largest
distance answers every smaller one. benchmarks/reach.py measures all this on a state.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from lueckenlos.analysis.basis import Basis, analysis_basis, level_of
from lueckenlos.analysis.cache import cached_result, data_state
from lueckenlos.analysis.geography import AreaInfo
from lueckenlos.analysis.models import GRID_EPSG, GridCell, PopulationGrid
from lueckenlos.analysis.population import AgeRange
from lueckenlos.analysis.selection import TermSelection
from lueckenlos.analysis.suppression import (
    Counts,
    Figure,
    SuppressionPolicy,
    suppress_small_numbers,
)
from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.lib.geo import WGS84, geometry_from_geojson, reproject

DISTANCES_M = (500, 1000, 2000)
DEFAULT_DISTANCE_M = 1000
LATTICE_M = 100
MAX_POINTS_PER_UNIT = 2500
# Blocks of points are about this fraction of the smallest distance asked for (see Blocks).
BLOCK_FRACTION = 0.3
GRID = "grid"
SPREAD = "spread"
# Distances are compared with this slack (metres), so that "exactly 500 m" is within 500 m
# whatever the rounding of the projection.
SLACK_M = 1e-6


@dataclass
class PopulationPoints:
    """Where people live, as points with weights; see the module docstring."""

    mode: str  # GRID or SPREAD
    xy: np.ndarray  # (n, 2) EPSG:3035
    base: np.ndarray  # GRID: inhabitants; SPREAD: the point's part of its unit (1/n)
    unit: np.ndarray  # index of the unit the point lies in; -1 in none
    cells: int = 0
    withheld_cells: int = 0
    source: str = ""
    _blocks: dict = field(default_factory=dict, repr=False)

    def blocks(self, side: float) -> Blocks:
        """The points in blocks of `side` metres, made once per size."""
        if side not in self._blocks:
            self._blocks[side] = Blocks.of(self.xy, side)
        return self._blocks[side]

    def weights(self, basis: Basis, ages: AgeRange) -> np.ndarray:
        """Children of `ages` at each point."""
        if self.mode == GRID:
            per_unit, outside = basis.population.age_shares(ages)
        else:
            per_unit = np.nan_to_num(basis.population.children(ages).values)
            outside = 0.0
        factor = np.append(per_unit, outside)  # index -1: the point lies in no unit
        return self.base * factor[self.unit]


def population_points(basis: Basis, *, use_grid: bool = True) -> PopulationPoints:
    """The grid's cells if the Kommune has imported one (and `use_grid`), else the units
    spread over their surfaces."""
    grid = PopulationGrid.objects.filter(kommune=basis.kommune).first()
    if use_grid and grid is not None and grid.cells:
        return _grid_points(basis, grid)
    return _spread_points(basis)


def _grid_points(basis: Basis, grid: PopulationGrid) -> PopulationPoints:
    rows = GridCell.objects.filter(kommune=basis.kommune).values_list(
        "x", "y", "inhabitants", "area_id"
    )
    data = np.array(
        [(x, y, -1 if n is None else n, -1 if a is None else a) for x, y, n, a in rows.order_by()],
        dtype=np.float64,
    ).reshape(-1, 4)
    unit = index_of(np.array([u.pk for u in basis.frame.units], dtype=np.int64), data[:, 3])
    withheld = data[:, 2] < 0
    return PopulationPoints(
        mode=GRID,
        xy=data[:, :2].copy(),
        base=np.where(withheld, 0.0, data[:, 2]),
        unit=unit,
        cells=len(data),
        withheld_cells=int(withheld.sum()),
        source=grid.source,
    )


def index_of(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per value, its position in `keys` (distinct); -1 where it is not among them."""
    values = values.astype(np.int64)
    if not len(keys):
        return np.full(len(values), -1, dtype=np.int64)
    order = np.argsort(keys)
    ranked = keys[order]
    position = np.clip(np.searchsorted(ranked, values), 0, len(keys) - 1)
    return np.where(ranked[position] == values, order[position], -1).astype(np.int64)


def lattice_points(geometry: BaseGeometry, spacing: float) -> np.ndarray:
    """The points of a square lattice (centres at k·spacing + spacing/2, like the census
    grid's) inside `geometry` (metres); its representative point if none falls inside."""
    west, south, east, north = geometry.bounds
    half = spacing / 2
    xs = np.arange(math.floor((west - half) / spacing) * spacing + half, east + spacing, spacing)
    ys = np.arange(math.floor((south - half) / spacing) * spacing + half, north + spacing, spacing)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid_x, grid_y = grid_x.ravel(), grid_y.ravel()
    inside = shapely.contains_xy(geometry, grid_x, grid_y)
    if not inside.any():
        point = geometry.representative_point()
        return np.array([[point.x, point.y]])
    return np.column_stack([grid_x[inside], grid_y[inside]])


def _spread_points(basis: Basis) -> PopulationPoints:
    units = basis.frame.units
    boundaries: dict[int, dict] = {}
    wanted = [u.pk for u in units]
    for start in range(0, len(wanted), 900):  # SQLite's limit of query parameters
        boundaries.update(
            Area.objects.filter(
                pk__in=wanted[start : start + 900], boundary__isnull=False
            ).values_list("pk", "boundary")
        )
    parts: list[np.ndarray] = []
    bases: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for i, unit in enumerate(units):  # one step per area, not per point
        boundary = boundaries.get(unit.pk)
        if boundary is None:
            continue
        geometry = reproject(geometry_from_geojson(boundary), WGS84, GRID_EPSG)
        spacing = LATTICE_M * max(
            1, math.ceil(math.sqrt(geometry.area / MAX_POINTS_PER_UNIT) / LATTICE_M)
        )
        points = lattice_points(geometry, spacing)
        parts.append(points)
        bases.append(np.full(len(points), 1.0 / len(points)))
        owners.append(np.full(len(points), i, dtype=np.int64))
    if not parts:
        return PopulationPoints(SPREAD, np.zeros((0, 2)), np.zeros(0), np.zeros(0, np.int64))
    return PopulationPoints(
        mode=SPREAD,
        xy=np.concatenate(parts),
        base=np.concatenate(bases),
        unit=np.concatenate(owners),
    )


# ------------------------------------------------------------------ the computation itself


@dataclass
class Blocks:
    """Points grouped in squares of `side` metres: each square's centre (the mean of its
    points) and radius (the farthest of its points from the centre)."""

    side: float
    of_point: np.ndarray  # per point, its block
    centres: np.ndarray  # (blocks, 2)
    radius: np.ndarray  # per block

    @classmethod
    def of(cls, xy: np.ndarray, side: float) -> Blocks:
        column = np.floor(xy[:, 0] / side).astype(np.int64)
        row = np.floor(xy[:, 1] / side).astype(np.int64)
        keys = (row - row.min()) * (int(column.max() - column.min()) + 1) + column - column.min()
        _keys, of_point = np.unique(keys, return_inverse=True)
        count = np.bincount(of_point).astype(float)
        centres = np.column_stack(
            [
                np.bincount(of_point, weights=xy[:, 0]) / count,
                np.bincount(of_point, weights=xy[:, 1]) / count,
            ]
        )
        offset = np.hypot(xy[:, 0] - centres[of_point, 0], xy[:, 1] - centres[of_point, 1])
        radius = np.zeros(len(count))
        np.maximum.at(radius, of_point, offset)
        return cls(side=side, of_point=of_point, centres=centres, radius=radius)


def block_side(thresholds: Sequence[float]) -> float:
    """The block size that pays best: about 0.3 of the smallest distance (measured on the
    benchmark's state: 300 m for 1 km), in whole lattice steps."""
    return float(LATTICE_M * max(1, round(BLOCK_FRACTION * min(thresholds) / LATTICE_M)))


def reached_masks(
    points_xy: np.ndarray,
    offers_xy: np.ndarray,
    thresholds: Sequence[float],
    *,
    blocks: Blocks | None = None,
    workers: int = -1,
) -> np.ndarray:
    """Per threshold and point: whether an offer point lies within the threshold.

    One KD-tree over the offer points. With `blocks`, the tree is asked first for each
    block's centre: by the triangle inequality, a block whose centre is within the
    threshold minus its radius is reached as a whole, one whose centre is farther than
    the threshold plus its radius not at all; only the points of the blocks in between
    are asked one by one. The answer is exact either way; the blocks spare most queries.
    """
    thresholds = [t + SLACK_M for t in thresholds]
    result = np.zeros((len(thresholds), len(points_xy)), dtype=bool)
    if not len(offers_xy) or not len(points_xy):
        return result
    tree = cKDTree(offers_xy)
    top = max(thresholds)
    if blocks is None:
        asked = np.arange(len(points_xy))
    else:
        nearest, _index = tree.query(
            blocks.centres,
            k=1,
            distance_upper_bound=top + float(blocks.radius.max()),
            workers=workers,
        )
        undecided = np.zeros(len(blocks.centres), dtype=bool)
        for t, threshold in enumerate(thresholds):
            surely_in = nearest + blocks.radius <= threshold
            surely_out = nearest - blocks.radius > threshold
            undecided |= ~(surely_in | surely_out)
            result[t] = surely_in[blocks.of_point]
        asked = np.flatnonzero(undecided[blocks.of_point])
    distances, _index = tree.query(points_xy[asked], k=1, distance_upper_bound=top, workers=workers)
    for t, threshold in enumerate(thresholds):
        result[t, asked] = distances <= threshold
    return result


def reached_sums(
    reached: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    group_count: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(reached per threshold and group, all per group, reached per threshold overall,
    all overall): weighted sums of `reached_masks`; points of group -1 count only overall."""
    bins = groups + 1  # bin 0: in no group
    total = np.bincount(bins, weights=weights, minlength=group_count + 1)
    per_group = np.zeros((len(reached), group_count))
    overall = np.zeros(len(reached))
    for t, hit in enumerate(reached):
        sums = np.bincount(bins, weights=weights * hit, minlength=group_count + 1)
        per_group[t] = sums[1:]
        overall[t] = sums.sum()
    return per_group, total[1:], overall, float(total.sum())


# ------------------------------------------------------------------------------ results


@dataclass
class ReachArea:
    area: AreaInfo
    # numerator: children within the distance; denominator: children; share; or withheld.
    figure: Figure


@dataclass
class ReachResult:
    selection: TermSelection
    ages: AgeRange
    distance_m: int
    offers: int  # matching offers
    offers_without_location: int
    points: int  # locations of the matching offers
    kommune: Figure
    areas: list[ReachArea]
    names: dict[str, str]

    @property
    def title(self) -> str:
        return self.selection.label(self.names)


@dataclass
class ReachReport:
    kommune_name: str
    level_name: str
    mode: str
    distances: tuple[int, ...]
    cells: int
    withheld_cells: int
    grid_source: str
    reference_date: dt.date | None
    results: list[ReachResult]
    policy: SuppressionPolicy

    def result(self, selection: TermSelection, distance_m: int) -> ReachResult:
        for result in self.results:
            if result.selection == selection and result.distance_m == distance_m:
                return result
        raise KeyError((selection.key, distance_m))

    def table_rows(self) -> list[dict]:
        """One row per selection, distance and area (the Kommune first), with plain values
        for a spreadsheet; withheld figures are None with the reason in `note`."""
        rows = []
        for result in self.results:
            entries = [(None, result.kommune)] + [(e.area, e.figure) for e in result.areas]
            for area, figure in entries:
                rows.append(
                    {
                        "selection": result.title,
                        "ages": result.ages.label(),
                        "distance_m": result.distance_m,
                        "area_code": area.code if area else "",
                        "area": area.name if area else self.kommune_name,
                        "offers": result.offers,
                        "children": figure.denominator,
                        "children_reached": figure.numerator,
                        "share_reached": figure.share,
                        "note": figure.reason_text,
                    }
                )
        return rows

    def method_text(self) -> str:
        """How the figures were computed, in plain words for the page and the report."""
        return reach_method_text(
            mode=self.mode,
            distances=self.distances,
            cells=self.cells,
            withheld_cells=self.withheld_cells,
            grid_source=self.grid_source,
            reference_date=self.reference_date,
            policy=self.policy,
        )


def _metres(distance: int) -> str:
    if distance % 1000 == 0:
        return _("%(km)s km") % {"km": distance // 1000}
    return _("%(m)s m") % {"m": distance}


def reach_method_text(
    *,
    mode: str,
    distances: Sequence[int],
    cells: int,
    withheld_cells: int,
    grid_source: str,
    reference_date: dt.date | None,
    policy: SuppressionPolicy,
) -> str:
    distance_text = ", ".join(_metres(d) for d in distances)
    parts = []
    if mode == GRID:
        parts.append(
            ngettext(
                "Where children live comes from the census population grid (%(cells)s "
                "populated cell of 100 m × 100 m, %(source)s).",
                "Where children live comes from the census population grid (%(cells)s "
                "populated cells of 100 m × 100 m, %(source)s).",
                cells,
            )
            % {"cells": f"{cells:,}".replace(",", "."), "source": grid_source}
        )
        parts.append(
            _(
                "The grid counts inhabitants, not ages: each cell's children are its "
                "inhabitants times the share of the age group among the inhabitants of the "
                "area the cell lies in, according to the population statistics of %(date)s."
            )
            % {"date": reference_date or "–"}
        )
        if withheld_cells:
            parts.append(
                ngettext(
                    "%(count)s cell whose count the census office withheld counts as empty.",
                    "%(count)s cells whose counts the census office withheld count as empty.",
                    withheld_cells,
                )
                % {"count": withheld_cells}
            )
    else:
        parts.append(
            _(
                "No population grid has been imported, so the children of each of the "
                "smallest areas are spread evenly over its surface: they are placed on a "
                "regular 100 m lattice of points inside the area's boundary (coarser in large "
                "areas), each point carrying an equal part. The children per area come from "
                "the population statistics of %(date)s."
            )
            % {"date": reference_date or "–"}
        )
    parts.append(
        _(
            "The children of a life phase are estimated from the age groups of the "
            "statistics, assuming ages are spread evenly within an age group; the phase "
            "around pregnancy and birth is measured by the children under one year."
        )
    )
    parts.append(
        _(
            "For every place where children live, the straight-line distance to the nearest "
            "location of a matching offer is measured (in metres, in the European "
            "equal-area projection ETRS89-LAEA); the children there count as reached when it "
            "is at most %(distances)s. Offers without a location are not counted here. "
            "Walking distances are longer than straight lines."
        )
        % {"distances": distance_text}
    )
    parts.append(
        _(
            "Figures about fewer than %(numerator)s children, and shares of fewer than "
            "%(denominator)s children, are not shown; so that they cannot be worked out from "
            "the total, the next smallest figure is withheld too."
        )
        % {"numerator": policy.min_numerator, "denominator": policy.min_denominator}
    )
    return " ".join(parts)


def compute_reach(
    basis: Basis,
    selections: Sequence[TermSelection],
    *,
    distances: Sequence[int] = (DEFAULT_DISTANCE_M,),
    level: AreaLevel | None = None,
    policy: SuppressionPolicy | None = None,
    use_grid: bool = True,
) -> ReachReport:
    """Reach of each selection at each distance, per area of `level` and for the Kommune."""
    policy = policy or SuppressionPolicy.from_settings()
    distances = tuple(sorted({int(d) for d in distances}))
    points = basis.points(use_grid=use_grid)
    areas = basis.level_areas(level)
    unit_area = basis.unit_to_area(level)
    groups = np.append(unit_area, -1)[points.unit] if len(points.unit) else points.unit
    offers = basis.offers
    blocks = points.blocks(block_side(distances)) if len(points.xy) else None
    results = []
    for selection in selections:
        ages = selection.age_range(basis.phase_ages)
        weights = points.weights(basis, ages)
        matching = offers.mask(selection)
        point_mask = matching[offers.point_offer] if len(offers.point_offer) else np.zeros(0, bool)
        hits = reached_masks(points.xy, offers.point_xy[point_mask], distances, blocks=blocks)
        reached, total, reached_all, total_all = reached_sums(hits, weights, groups, len(areas))
        for t, distance in enumerate(distances):
            table = suppress_small_numbers(
                {area.pk: Counts(reached[t][i], total[i]) for i, area in enumerate(areas)},
                totals={None: Counts(reached_all[t], total_all)},
                policy=policy,
            )
            results.append(
                ReachResult(
                    selection=selection,
                    ages=ages,
                    distance_m=distance,
                    offers=int(matching.sum()),
                    offers_without_location=int((matching & ~offers.located).sum()),
                    points=int(point_mask.sum()),
                    kommune=table.totals[None],
                    areas=[ReachArea(area, table.cells[area.pk]) for area in areas],
                    names=basis.names,
                )
            )
    return ReachReport(
        kommune_name=basis.kommune.name,
        level_name=level.name if level is not None else "",
        mode=points.mode,
        distances=distances,
        cells=points.cells,
        withheld_cells=points.withheld_cells,
        grid_source=points.source,
        reference_date=basis.population.reference_date,
        results=results,
        policy=policy,
    )


def reach(
    kommune: Kommune,
    selections: Iterable[TermSelection],
    *,
    distances: Sequence[int] = (DEFAULT_DISTANCE_M,),
    level: AreaLevel | int | str | None = None,
    policy: SuppressionPolicy | None = None,
    use_grid: bool = True,
    state: tuple | None = None,
) -> ReachReport:
    """The cached reach of `selections` in `kommune` (see compute_reach)."""
    selections = list(dict.fromkeys(selections))
    level = level_of(kommune, level)
    policy = policy or SuppressionPolicy.from_settings()
    # A caller showing several reports reads the data state once and passes it.
    state = state if state is not None else data_state(kommune)
    parameters = {
        "selections": [s.key for s in selections],
        "distances": sorted({int(d) for d in distances}),
        "level": level.pk if level is not None else None,
        "policy": policy.as_dict(),
        "grid": use_grid,
    }
    return cached_result(
        "reach",
        kommune,
        parameters,
        lambda: compute_reach(
            analysis_basis(kommune, state=state),
            selections,
            distances=distances,
            level=level,
            policy=policy,
            use_grid=use_grid,
        ),
        state=state,
    )
