"""The errors of the demo loader: bad input named by file, row and field, and refusals."""

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


class DemoInProduction(Exception):
    """The installation runs with LUECKENLOS_ENV=production, where demo data has no place."""


class UnknownBezirk(ValueError):
    """A Bezirk asked for by number or name that the LOR hierarchy does not have."""

    def __init__(self, value: str, choices: list[tuple[str, str]]):
        self.value = value
        # (code, slug) of every Bezirk that can be chosen.
        self.choices = choices
        super().__init__(
            f"no Bezirk {value!r}; choose from "
            + ", ".join(f"{code} {slug}" for code, slug in choices)
        )
