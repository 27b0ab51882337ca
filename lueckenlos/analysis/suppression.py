"""Small numbers: the one function every table, chart and export of statistics goes through.

DOMAIN.md's rule: a figure about people is withheld when its count (numerator) is below 3
or the population it is a share of (denominator) is below 100; and so that a withheld
figure cannot be worked out by subtracting the others from a published total, the next
smallest figure of the same row or column is withheld too (secondary suppression). The
thresholds are settings:

- ``LUECKENLOS_SUPPRESS_MIN_NUMERATOR`` (default 3),
- ``LUECKENLOS_SUPPRESS_MIN_DENOMINATOR`` (default 100),
- ``LUECKENLOS_SUPPRESS_ZERO`` (default False): whether a count of 0 is withheld like 1 and 2.
  By default it is shown, as the Federal Employment Agency's statistics do (they withhold
  1 and 2, never 0): a 0 tells nothing about any person, and in the gap analysis the zeros
  are the gaps the page exists to show;
- ``LUECKENLOS_SUPPRESS_ROUND_TO`` (default 0, off): round the counts shown to multiples
  of this number (5 is usual); shares stay computed from the exact counts.

Plain offer counts are facts about the catalogue, not about people: they never come here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

K = TypeVar("K", bound=Hashable)
G = TypeVar("G", bound=Hashable)

DEFAULT_MIN_NUMERATOR = 3
DEFAULT_MIN_DENOMINATOR = 100

SHOWN = ""
SMALL_NUMERATOR = "small_numerator"
SMALL_DENOMINATOR = "small_denominator"
SECONDARY = "secondary"
MISSING = "missing"

REASONS = {
    SHOWN: "",
    SMALL_NUMERATOR: _("withheld: fewer than %(min)s people"),
    SMALL_DENOMINATOR: _("withheld: based on fewer than %(min)s people"),
    SECONDARY: _("withheld so that another withheld figure cannot be worked out from the total"),
    MISSING: _("no figure available"),
}


@dataclass(frozen=True)
class SuppressionPolicy:
    """The thresholds of the small-number rule (see the module docstring)."""

    min_numerator: int = DEFAULT_MIN_NUMERATOR
    min_denominator: int = DEFAULT_MIN_DENOMINATOR
    suppress_zero: bool = False
    round_to: int = 0

    @classmethod
    def from_settings(cls) -> SuppressionPolicy:
        return cls(
            min_numerator=getattr(
                settings, "LUECKENLOS_SUPPRESS_MIN_NUMERATOR", DEFAULT_MIN_NUMERATOR
            ),
            min_denominator=getattr(
                settings, "LUECKENLOS_SUPPRESS_MIN_DENOMINATOR", DEFAULT_MIN_DENOMINATOR
            ),
            suppress_zero=getattr(settings, "LUECKENLOS_SUPPRESS_ZERO", False),
            round_to=getattr(settings, "LUECKENLOS_SUPPRESS_ROUND_TO", 0),
        )

    def primary_reason(self, numerator: float | None, denominator: float | None) -> str:
        if denominator is not None and denominator < self.min_denominator:
            return SMALL_DENOMINATOR
        small = numerator is not None and numerator < self.min_numerator
        if small and (numerator > 0 or self.suppress_zero):
            return SMALL_NUMERATOR
        return SHOWN

    def rounded(self, value: float | None) -> float | None:
        if value is None or self.round_to <= 1:
            return value
        return float(self.round_to * round(value / self.round_to))

    def as_dict(self) -> dict:
        """For cache keys."""
        return {
            "min_numerator": self.min_numerator,
            "min_denominator": self.min_denominator,
            "suppress_zero": self.suppress_zero,
            "round_to": self.round_to,
        }


@dataclass(frozen=True)
class Counts:
    """A figure before suppression: a count of people, and the population it is part of.

    Either may be None: a count on its own (children in an area) has no denominator; a
    rate whose numerator is not about people (places per 100 children) passes only its
    denominator.
    """

    numerator: float | None = None
    denominator: float | None = None

    @property
    def size(self) -> float:
        """What "smallest" means when choosing a figure to withhold in addition."""
        value = self.numerator if self.numerator is not None else self.denominator
        return value if value is not None else 0.0


@dataclass(frozen=True)
class Figure:
    """A figure as it may be shown: the values are None where withheld, with the reason."""

    numerator: float | None
    denominator: float | None
    share: float | None  # numerator / denominator, 0..1
    reason: str = SHOWN
    policy: SuppressionPolicy = field(default_factory=SuppressionPolicy, compare=False)

    @property
    def suppressed(self) -> bool:
        return self.reason in (SMALL_NUMERATOR, SMALL_DENOMINATOR, SECONDARY)

    @property
    def reason_text(self) -> str:
        """The reason in words, for a footnote or a cell's title."""
        if not self.reason:
            return ""
        if self.reason == SMALL_NUMERATOR:
            return str(REASONS[self.reason]) % {"min": self.policy.min_numerator}
        if self.reason == SMALL_DENOMINATOR:
            return str(REASONS[self.reason]) % {"min": self.policy.min_denominator}
        return str(REASONS[self.reason])

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100.0 * self.share


def _shown(counts: Counts, reason: str, policy: SuppressionPolicy) -> Figure:
    if reason in (SMALL_NUMERATOR, SMALL_DENOMINATOR, SECONDARY):
        return Figure(None, None, None, reason, policy)
    numerator = None if counts.numerator is None else float(counts.numerator)
    denominator = None if counts.denominator is None else float(counts.denominator)
    share = None
    if numerator is not None and denominator:
        share = numerator / denominator
    if numerator is None and counts.denominator is None:
        reason = MISSING
    return Figure(policy.rounded(numerator), policy.rounded(denominator), share, reason, policy)


@dataclass
class SuppressedTable(Generic[K, G]):
    cells: dict[K, Figure]
    totals: dict[G, Figure]

    def suppressed_count(self) -> int:
        return sum(1 for figure in self.cells.values() if figure.suppressed)


def suppress_small_numbers(
    cells: Mapping[K, Counts],
    *,
    groups: Mapping[G, Iterable[K]] | None = None,
    totals: Mapping[G, Counts] | None = None,
    policy: SuppressionPolicy | None = None,
) -> SuppressedTable[K, G]:
    """Withhold the figures of `cells` that the small-number rule forbids showing.

    `groups` names the sets of cells whose sum is published as a total: a column of areas
    with the Kommune's figure below it, a row of a cross table with its row total. Without
    `groups` all cells form one group (a list of areas with the Kommune's total). `totals`
    are those published sums, checked by the same rule.

    Primary: a figure with a numerator below the minimum (zeros aside, by default) or a
    denominator below the minimum. Secondary: in any group with a published total where
    exactly one figure is withheld, the smallest shown figure of the group is withheld too
    (the smallest non-zero one: a zero is often known anyway, e.g. where there is no
    offer at all), repeated until no group has a single withheld figure: each addition may
    leave a lone withheld figure in a crossing group. A group of one cell whose figure is
    withheld withholds its total as well, which equals it.
    """
    policy = policy or SuppressionPolicy.from_settings()
    keys = list(cells)
    group_members: dict = (
        {None: keys} if groups is None else {g: list(members) for g, members in groups.items()}
    )
    totals = dict(totals or {})
    reasons: dict[K, str] = {
        key: policy.primary_reason(c.numerator, c.denominator) for key, c in cells.items()
    }
    total_reasons = {
        g: policy.primary_reason(c.numerator, c.denominator) for g, c in totals.items()
    }

    order = {key: position for position, key in enumerate(keys)}
    changed = True
    while changed:
        changed = False
        for group, members in group_members.items():
            if total_reasons.get(group):
                continue  # the total is not shown: nothing can be subtracted from it
            hidden = [key for key in members if reasons[key]]
            if len(hidden) != 1:
                continue
            shown = [key for key in members if not reasons[key]]
            if not shown:
                if group in totals:
                    total_reasons[group] = SECONDARY
                continue
            pick = min(shown, key=lambda k: (cells[k].size <= 0, cells[k].size, order.get(k, 0)))
            reasons[pick] = SECONDARY
            changed = True

    return SuppressedTable(
        cells={key: _shown(cells[key], reasons[key], policy) for key in keys},
        totals={g: _shown(c, total_reasons.get(g, SHOWN), policy) for g, c in totals.items()},
    )


def suppress_figure(counts: Counts, policy: SuppressionPolicy | None = None) -> Figure:
    """One figure on its own (no total it is part of): the primary rule only."""
    policy = policy or SuppressionPolicy.from_settings()
    return _shown(counts, policy.primary_reason(counts.numerator, counts.denominator), policy)


def row_and_column_groups(keys: Iterable[tuple]) -> dict[tuple, list[tuple]]:
    """For a cross table keyed (row, column): each row and each column as a group."""
    groups: dict[tuple, list[tuple]] = {}
    for key in keys:
        row, column = key
        groups.setdefault(("row", row), []).append(key)
        groups.setdefault(("column", column), []).append(key)
    return groups
