"""The one error the demo loader raises for bad input: it names file, row and field."""

from __future__ import annotations


class DemoDataError(Exception):
    """Input the demo cannot load, located precisely enough to fix it by hand.

    `file` is the path relative to the data directory (or the Python module holding a
    rule table), `where` a CSV line ("line 17") or GeoJSON feature ("features[3]"), `field`
    the column or property, `reason` what is wrong with it.
    """

    def __init__(self, *, file: str, where: str, field: str, reason: str):
        self.file = file
        self.where = where
        self.field = field
        self.reason = reason
        super().__init__(f"{file}, {where}, field {field!r}: {reason}")


class DemoAlreadyLoaded(Exception):
    """Berlin, or a Kommune with a Bezirk's slug, exists already: a load would collide."""
