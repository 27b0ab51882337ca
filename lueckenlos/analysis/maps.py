"""The choropleth of the gap analysis: areas coloured by a figure, with the offers on top.

A Vega-Lite geoshape chart rendered to SVG on the server (charts.py), so that the web page
and the printed report show the same map and neither needs a tile server. Boundaries are
simplified to what the map's size can show (about 20 m) and kept per data state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import mapping
from shapely.geometry.polygon import orient

from lueckenlos.analysis.basis import Basis
from lueckenlos.analysis.cache import kept_basis
from lueckenlos.analysis.charts import NO_VALUE_COLOUR, SCHEME, Chart, base_spec, chart
from lueckenlos.analysis.models import GRID_EPSG
from lueckenlos.areas.models import Area, AreaLevel
from lueckenlos.lib.geo import WGS84, GeometryError, geometry_from_geojson, transformer

# Degrees; about 20 m in Germany: finer than a pixel of the map.
SIMPLIFY_DEGREES = 0.0002
MAP_WIDTH = 560
MAP_HEIGHT = 480


@dataclass(frozen=True)
class MapArea:
    pk: int
    name: str
    geometry: dict  # GeoJSON, WGS84, rings wound for d3-geo (outer rings clockwise)


def map_areas(basis: Basis, level: AreaLevel | None) -> list[MapArea]:
    """The simplified boundaries of the areas of `level`, kept while the data stay the same."""

    def build() -> list[MapArea]:
        areas = basis.level_areas(level)
        boundaries = dict(
            Area.objects.filter(pk__in=[a.pk for a in areas]).values_list("pk", "boundary")
        )
        found = []
        for area in areas:
            boundary = boundaries.get(area.pk)
            if not boundary:
                continue
            try:
                geometry = geometry_from_geojson(boundary)
            except GeometryError:
                continue
            simple = geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
            simple = shapely.set_precision(simple, 1e-5)
            found.append(MapArea(area.pk, area.name, mapping(_wound_for_d3(simple))))
        return found

    key = f"map-areas:{level.pk if level is not None else None}"
    return kept_basis(key, basis.kommune, basis.state, build)


def _wound_for_d3(geometry):
    """d3-geo reads a counter-clockwise outer ring as the whole globe outside it."""
    if geometry.geom_type == "Polygon":
        return orient(geometry, sign=-1.0)
    if geometry.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(part, sign=-1.0) for part in geometry.geoms])
    return geometry


def offer_points(basis: Basis, offer_mask: np.ndarray | None = None) -> list[dict]:
    """The locations of the offers (those of `offer_mask`), as lon/lat."""
    offers = basis.offers
    chosen = (
        np.ones(len(offers.point_offer), bool)
        if offer_mask is None
        else offer_mask[offers.point_offer]
    )
    xy = offers.point_xy[chosen]
    if not len(xy):
        return []
    lon, lat = transformer(GRID_EPSG, WGS84).transform(xy[:, 0], xy[:, 1])
    return [
        {"lon": round(float(x), 5), "lat": round(float(y), 5)}
        for x, y in zip(lon, lat, strict=True)
    ]


def choropleth(
    basis: Basis,
    level: AreaLevel | None,
    values: dict[int, float | None],
    *,
    measure_label: str,
    offer_mask: np.ndarray | None = None,
    offers_label: str = "",
) -> Chart:
    """A map of the areas of `level` coloured by `values` (by area pk; None: no value),
    with the locations of the offers of `offer_mask` (all offers when None) as points."""
    features = [
        {
            "type": "Feature",
            "geometry": area.geometry,
            "properties": {"name": area.name, "value": values.get(area.pk)},
        }
        for area in map_areas(basis, level)
    ]
    points = offer_points(basis, offer_mask)
    layers = [
        {
            "data": {"values": features},
            "mark": {"type": "geoshape", "fill": NO_VALUE_COLOUR, "stroke": "white"},
        },
        {
            "data": {"values": features},
            "transform": [{"filter": "isValid(datum.properties.value)"}],
            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.7},
            "encoding": {
                "color": {
                    "field": "properties.value",
                    "type": "quantitative",
                    "title": measure_label,
                    "scale": {"scheme": SCHEME, "reverse": True},
                    "legend": {"orient": "bottom", "gradientLength": 240},
                }
            },
        },
    ]
    if points:
        layers.append(
            {
                "data": {"values": points},
                "mark": {
                    "type": "circle",
                    "size": 14,
                    "fill": "#e8590c",
                    "stroke": "#1a1a1a",
                    "strokeWidth": 0.5,
                    "opacity": 0.9,
                },
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                },
            }
        )
    spec = base_spec(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        projection={"type": "mercator"},
        layer=layers,
    )
    missing = sum(1 for f in features if f["properties"]["value"] is None)
    description = _(
        "Map of the %(count)s areas, coloured by %(measure)s: the darker, the higher. "
        "Grey areas have no value. Orange dots: %(offers)s. The table “Areas by priority” "
        "gives the figures of every area."
    ) % {
        "count": len(features),
        "measure": measure_label,
        "offers": offers_label or _("locations of offers"),
    }
    if missing:
        description += " " + ngettext(
            "%(count)s area without a value.", "%(count)s areas without a value.", missing
        ) % {"count": missing}
    return chart(
        spec,
        key="chart-map",
        title=_("Map: %(measure)s by area") % {"measure": measure_label},
        description=description,
    )
