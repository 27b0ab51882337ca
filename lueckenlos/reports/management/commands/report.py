"""`lueckenlos report --kommune SLUG --year YYYY --format pdf|docx --out FILE`: the
"Präventionsbericht <Kommune> <Jahr>" as a file, with the sections and introduction given
(default: every section, no introduction)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.commands import kommune_by_slug
from lueckenlos.reports import docx, pdf
from lueckenlos.reports.content import report_content, section_keys
from lueckenlos.reports.forms import FIRST_YEAR

RENDERERS = {"pdf": pdf.report_pdf, "docx": docx.report_docx}


class Command(BaseCommand):
    help = (
        "Write the prevention report (Präventionsbericht) of a Kommune for a year as PDF "
        "or DOCX: inventory, gap analysis, indicators and any further registered sections."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument("--year", required=True, help="The reporting year, e.g. 2025.")
        parser.add_argument("--format", required=True, dest="fmt", help="pdf or docx.")
        parser.add_argument("--out", required=True, help="The file to write.")
        parser.add_argument(
            "--sections",
            default="",
            help="Sections separated by commas (default: all): " + ", ".join(section_keys()),
        )
        parser.add_argument(
            "--introduction-file",
            default=None,
            help="A UTF-8 text file with the introduction; an empty line starts a paragraph.",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        kommune = kommune_by_slug(options["kommune"])
        year = self._year(options["year"])
        fmt = options["fmt"].lower()
        if fmt not in RENDERERS:
            raise CommandError(
                _("--format: “%(format)s” is not one of pdf, docx.") % {"format": fmt}
            )
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(_("--out: there is no directory %(dir)s.") % {"dir": out.parent})
        sections = self._sections(options["sections"])
        introduction = ""
        if options["introduction_file"]:
            path = Path(options["introduction_file"])
            try:
                introduction = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(
                    _("--introduction-file: %(file)s cannot be read as UTF-8 text (%(error)s).")
                    % {"file": path, "error": error}
                ) from error
        content = report_content(kommune, year, sections=sections, introduction=introduction)
        data = RENDERERS[fmt](content)
        out.write_bytes(data)
        self.stdout.write(
            _("%(file)s written (%(size)s bytes, %(seconds).1f s).")
            % {"file": out, "size": len(data), "seconds": time.monotonic() - started}
        )

    def _year(self, text: str) -> int:
        this_year = timezone.localdate().year
        try:
            year = int(text)
        except ValueError:
            year = None
        if year is None or not FIRST_YEAR <= year <= this_year:
            raise CommandError(
                _("--year: “%(year)s” is not a year from %(first)s to %(last)s.")
                % {"year": text, "first": FIRST_YEAR, "last": this_year}
            )
        return year

    def _sections(self, text: str) -> list[str] | None:
        if not text.strip():
            return None
        chosen = [key.strip() for key in text.split(",") if key.strip()]
        known = section_keys()
        unknown = [key for key in chosen if key not in known]
        if unknown:
            raise CommandError(
                _("--sections: unknown %(unknown)s; known are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
            )
        return chosen
