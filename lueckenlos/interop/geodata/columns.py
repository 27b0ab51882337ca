"""Finding the column (or GeoJSON property) that holds a value, by its usual names."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.errors import OptionError
from lueckenlos.search.text import fold


def title_key(title: str) -> str:
    """ "Straße", "STRASSE" and "strasse " alike; "PLR-ID" = "plr_id" = "PLR ID"."""
    return re.sub(r"[^a-z0-9]", "", fold(title))


def guess_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The first column whose title is one of `names` (in the order of `names`), or None."""
    by_key = {title_key(column): column for column in reversed(columns)}
    for name in names:
        if title_key(name) in by_key:
            return by_key[title_key(name)]
    return None


def chosen_column(columns: list[str], wanted: str, *, option: str) -> str:
    """The column an option names; matched loosely, refused with the file's columns."""
    if wanted in columns:
        return wanted
    found = guess_column(columns, (wanted,))
    if found is None:
        raise OptionError(
            _("%(option)s: the file has no column “%(column)s”; its columns are: %(columns)s.")
            % {"option": option, "column": wanted, "columns": ", ".join(columns)}
        )
    return found


def parse_decimal(text: str) -> float:
    """ "390387,4" (German) and "390387.4" alike; ValueError otherwise."""
    text = text.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)
