"""GeoJSON point files (Kitas, schools, offers) as a Table, reprojected to WGS84.

`read_points` is what `lueckenlos.interop.tabular.read_table` hands GeoJSON files to: each
feature becomes a row whose columns are its properties plus `longitude` and `latitude`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.geojson import Feature, read_features
from lueckenlos.interop.tabular import Row, Table, TableError
from lueckenlos.lib.geo import WGS84, GeometryError, check_wgs84_point, transformer

LONGITUDE = "longitude"
LATITUDE = "latitude"
# Seven decimals are about 1 cm: more than any address needs, less than the noise of pyproj.
DECIMALS = 7


def read_points(data: bytes, *, filename: str) -> Table:
    """The features of a GeoJSON FeatureCollection of points, in any CRS common in Germany.

    Features without geometry keep empty coordinates; any other geometry than a point, or a
    point that lies outside Germany once reprojected, is refused naming the feature.
    """
    epsg, features = read_features(data, filename=filename)
    columns = list(dict.fromkeys(key for f in features for key in f.properties))
    columns += [name for name in (LONGITUDE, LATITUDE) if name not in columns]

    placed = [(f, _point_of(f, filename)) for f in features]
    located = [(f, xy) for f, xy in placed if xy is not None]
    coordinates: dict[int, tuple[float, float]] = {}
    if located:
        xs = [xy[0] for _f, xy in located]
        ys = [xy[1] for _f, xy in located]
        if epsg != WGS84:
            xs, ys = transformer(epsg, WGS84).transform(xs, ys)
        for (feature, _xy), lon, lat in zip(located, xs, ys, strict=True):
            try:
                check_wgs84_point(float(lon), float(lat))
            except GeometryError as exc:
                raise TableError(
                    _(
                        "%(filename)s, %(feature)s: %(reason)s The file is read as EPSG:%(code)d; "
                        "if it uses another coordinate reference system, name it in a “crs” "
                        "member."
                    )
                    % {
                        "filename": filename,
                        "feature": feature.label(),
                        "reason": exc,
                        "code": epsg,
                    }
                ) from exc
            coordinates[feature.number] = (round(float(lon), DECIMALS), round(float(lat), DECIMALS))

    rows = []
    for feature in features:
        values = {column: feature.properties.get(column, "") for column in columns}
        if feature.number in coordinates:
            lon, lat = coordinates[feature.number]
            values[LONGITUDE], values[LATITUDE] = repr(lon), repr(lat)
        rows.append(Row(number=feature.number, values=values))
    return Table(
        filename=filename,
        columns=columns,
        rows=rows,
        encoding="utf-8",
        delimiter=None,
        sheet=None,
        header_row=1,
    )


def _point_of(feature: Feature, filename: str) -> tuple[float, float] | None:
    geometry = feature.geometry
    if geometry is None:
        return None
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    # A MultiPoint of one point is how some GIS exports write a point.
    if kind == "MultiPoint" and isinstance(coordinates, list) and len(coordinates) == 1:
        kind, coordinates = "Point", coordinates[0]
    if kind != "Point":
        raise TableError(
            _("%(filename)s, %(feature)s: the geometry is a %(type)s, not a point.")
            % {"filename": filename, "feature": feature.label(), "type": kind or "?"}
        )
    try:
        x, y = float(coordinates[0]), float(coordinates[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise TableError(
            _("%(filename)s, %(feature)s: the point has no usable coordinates (%(value)s).")
            % {"filename": filename, "feature": feature.label(), "value": coordinates}
        ) from exc
    return x, y
