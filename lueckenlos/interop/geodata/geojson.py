"""Reading a GeoJSON FeatureCollection and the coordinate reference system it names."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lueckenlos.interop.tabular import TableError
from lueckenlos.lib.geo import KNOWN_CRS, WGS84, GeometryError, crs_from_geojson


@dataclass(frozen=True)
class Feature:
    number: int  # 1-based, as a person counts the features of the file
    properties: dict[str, str]  # each value as text ("" for null)
    geometry: dict | None
    identifier: str  # the feature's `id`, else its first property: to name it in messages

    def label(self) -> str:
        if self.identifier:
            return _("feature %(number)s (“%(id)s”)") % {
                "number": self.number,
                "id": self.identifier,
            }
        return _("feature %(number)s") % {"number": self.number}


def property_text(value: object) -> str:
    """A property value as the text a table cell holds: 3 not 3.0, "" for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def read_features(data: bytes, *, filename: str) -> tuple[int, list[Feature]]:
    """The EPSG code the file names (WGS84 without a `crs` member) and its features."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise TableError(
            _("The file %(filename)s is not GeoJSON: it is not text in UTF-8.")
            % {"filename": filename}
        ) from exc
    except json.JSONDecodeError as exc:
        raise TableError(
            _(
                "The file %(filename)s is not GeoJSON: it is not valid JSON "
                "(line %(line)d, column %(column)d)."
            )
            % {"filename": filename, "line": exc.lineno, "column": exc.colno}
        ) from exc
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "crs": document.get("crs"), "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise TableError(
            _("The file %(filename)s is not a GeoJSON FeatureCollection.") % {"filename": filename}
        )
    raw_features = document.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise TableError(
            _("The GeoJSON file %(filename)s contains no features.") % {"filename": filename}
        )
    epsg = _epsg(document, filename)
    features = []
    for number, raw in enumerate(raw_features, start=1):
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            raise TableError(
                _("%(filename)s, feature %(number)s: not a GeoJSON Feature.")
                % {"filename": filename, "number": number}
            )
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            raise TableError(
                _("%(filename)s, feature %(number)s: its “properties” are not an object.")
                % {"filename": filename, "number": number}
            )
        texts = {str(key): property_text(value) for key, value in properties.items()}
        identifier = property_text(raw.get("id")) or next((v for v in texts.values() if v), "")
        geometry = raw.get("geometry")
        features.append(
            Feature(
                number=number,
                properties=texts,
                geometry=geometry if isinstance(geometry, dict) else None,
                identifier=identifier[:60],
            )
        )
    return epsg, features


def _epsg(document: dict, filename: str) -> int:
    if not document.get("crs"):
        return WGS84
    try:
        epsg = crs_from_geojson(document)
    except (AttributeError, GeometryError) as exc:  # AttributeError: a `crs` that is no object
        raise TableError(
            _("The “crs” member of %(filename)s cannot be read: %(reason)s")
            % {"filename": filename, "reason": exc}
        ) from exc
    if epsg not in KNOWN_CRS:
        raise TableError(
            _(
                "%(filename)s uses the coordinate reference system EPSG:%(code)d; use WGS84 "
                "or one of EPSG %(known)s."
            )
            % {
                "filename": filename,
                "code": epsg,
                "known": ", ".join(str(c) for c in sorted(KNOWN_CRS - {WGS84})),
            }
        )
    return epsg
