"""Problems with an imported file, each naming file, row, column, value and reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One rejected row (or GeoJSON feature) of an import file."""

    file: str
    row: int
    column: str
    value: str
    reason: str
    # GeoJSON: the row is a feature's number and the column one of its properties.
    feature: bool = False

    def __str__(self) -> str:
        where = {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value[:80],
            "reason": self.reason,
        }
        if self.feature:
            return (
                _("%(file)s, feature %(row)s, property “%(column)s”, value “%(value)s”: %(reason)s")
                % where
            )
        return (
            _("%(file)s, row %(row)s, column “%(column)s”, value “%(value)s”: %(reason)s") % where
        )


class ImportRejected(Exception):
    """The file was not imported, nothing was changed; `problems` says why, row by row."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class OptionError(ValueError):
    """An option of the import (a column name, a level) does not fit the file."""
