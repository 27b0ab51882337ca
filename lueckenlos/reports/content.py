"""What a "Präventionsbericht <Kommune> <Jahr>" says, assembled once as plain data.

The report is a cover, the coordinator's introduction and the sections the coordinator
chose. Each section is a `Section` of the registry below: a key, a title and a function
`build(kommune, year) -> list[Block]` whose blocks (headings, paragraphs, tables, figures)
say nothing about PDF or Word. pdf.py and docx.py render the same `ReportContent`, so a
section added to the registry appears in both without either renderer changing.

Other apps add their sections in their AppConfig.ready():

    from lueckenlos.reports.content import Section, register_section
    register_section(Section("networks", _("Networks"), networks_blocks, order=40))

The order numbers leave room: inventory 10, gap analysis 20, indicators 30.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune

log = logging.getLogger(__name__)

# A figure for Word: rendered at twice its size, so that it prints sharply.
PNG_SCALE = 2.0


# --- blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (the section's own title is level 1)."""

    text: str
    level: int = 2
    kind: Literal["heading"] = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # a remark in small print (method, source, withheld figures)
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A table of formatted text; the first cell of each row names the row."""

    columns: list[Column]
    rows: list[list[str]]
    caption: str = ""
    total_row: bool = False  # the last row sums up the others
    kind: Literal["table"] = "table"

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


@dataclass(frozen=True)
class Figure:
    """A chart or map as SVG (made by the one chart pipeline, analysis/charts.py), with its
    title and text alternative. Word gets it as PNG (`png()`)."""

    title: str
    description: str
    svg: str
    kind: Literal["figure"] = "figure"

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")

    def png(self) -> bytes:
        import vl_convert

        return vl_convert.svg_to_png(self.svg, scale=PNG_SCALE)


Block = Heading | Paragraph | Table | Figure


@dataclass(frozen=True)
class Placed:
    """A block and whether it stays on the page of the block after it."""

    block: Block
    keep_with_next: bool


def placed(blocks: list[Block]) -> list[Placed]:
    """A paragraph stays with what follows it unless a heading follows: the sentence that
    introduces a table or a map is never left alone at the foot of a page."""
    return [
        Placed(
            block,
            isinstance(block, Paragraph)
            and position + 1 < len(blocks)
            and not isinstance(blocks[position + 1], Heading),
        )
        for position, block in enumerate(blocks)
    ]


def figure_blocks(make: Callable[[], object | None]) -> list[Block]:
    """A figure from a function returning an analysis Chart (or None): a figure that fails
    to render is left out and logged rather than costing the whole report, as in the gap
    analysis's report; the tables beside it carry the same figures."""
    try:
        made = make()
    except Exception:  # a broken figure must not cost the whole report
        log.exception("a figure of the prevention report was left out")
        return []
    if made is None:
        return []
    return [Figure(made.title, made.description, made.svg)]


# --- the registry of sections ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str  # stable: kept in saved choices and named by `lueckenlos report --sections`
    title: str | Promise
    build: Callable[[Kommune, int], list[Block]]
    order: int = 100
    description: str | Promise = ""  # one line beside its checkbox


_REGISTRY: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add a section to every report (or replace the one with the same key)."""
    _REGISTRY[section.key] = section


def available_sections() -> list[Section]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def section_keys() -> list[str]:
    return [section.key for section in available_sections()]


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltSection:
    key: str
    title: str
    blocks: list[Block]

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"


@dataclass(frozen=True)
class ReportContent:
    kommune: Kommune
    year: int
    title: str
    created: dt.date
    introduction: list[str]  # paragraphs
    sections: list[BuiltSection] = field(default_factory=list)


class UnknownSection(ValueError):
    pass


def introduction_paragraphs(text: str) -> list[str]:
    """The introduction as paragraphs: separated by empty lines; single line breaks inside
    a paragraph are kept as spaces (a textarea wraps wherever the browser likes)."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for chunk in normalized.split("\n\n"):
        joined = " ".join(line.strip() for line in chunk.split("\n") if line.strip())
        if joined:
            paragraphs.append(joined)
    return paragraphs


def report_title(kommune: Kommune, year: int) -> str:
    return _("Prevention report %(kommune)s %(year)s") % {"kommune": kommune.name, "year": year}


def report_file_name(kommune: Kommune, year: int, fmt: str) -> str:
    return f"praeventionsbericht-{kommune.slug}-{year}.{fmt}"


def report_content(
    kommune: Kommune,
    year: int,
    *,
    sections: list[str] | None = None,
    introduction: str = "",
    today: dt.date | None = None,
) -> ReportContent:
    """The report with the chosen sections (all when None), in the registry's order.

    Raises UnknownSection for a key no section has."""
    registry = {section.key: section for section in available_sections()}
    chosen = list(registry) if sections is None else list(sections)
    unknown = [key for key in chosen if key not in registry]
    if unknown:
        raise UnknownSection(", ".join(unknown))
    built = [
        BuiltSection(key, str(section.title), section.build(kommune, year))
        for key, section in registry.items()
        if key in chosen
    ]
    return ReportContent(
        kommune=kommune,
        year=year,
        title=report_title(kommune, year),
        created=today or timezone.localdate(),
        introduction=introduction_paragraphs(introduction),
        sections=built,
    )
