"""`lueckenlos gaps --kommune SLUG --format xlsx|pdf|csv --out FILE`: the gap analysis as a file.

CSV holds one table, the area table unless --table names another; an --out ending in
.zip holds every table as CSV (and the method as text) instead.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.analysis import exports
from lueckenlos.areas.models import AreaLevel
from lueckenlos.interop.geodata.commands import kommune_by_slug


class Command(BaseCommand):
    help = (
        "Write the gap analysis of a Kommune as XLSX (a sheet per table and the method), "
        "PDF (the printable report) or CSV (semicolons, UTF-8 with BOM, for Excel: the area "
        "table, or the table named by --table; with an --out ending in .zip, every table)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--format", required=True, dest="fmt", help="xlsx, pdf or csv (see above)."
        )
        parser.add_argument("--out", required=True, help="The file to write.")
        parser.add_argument(
            "--level",
            default=None,
            help="Area level by name or depth (default: the finest, e.g. Planungsraum).",
        )
        parser.add_argument(
            "--distance",
            type=int,
            default=exports.DEFAULT_DISTANCE_M,
            help="Distance for reach in metres (default %(default)s).",
        )
        parser.add_argument(
            "--table",
            default=exports.AREAS,
            help="For CSV: " + ", ".join(exports.TABLES) + " (default: areas).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        kommune = kommune_by_slug(options["kommune"])
        fmt = options["fmt"].lower()
        out = Path(options["out"])
        if fmt not in (exports.CSV, exports.XLSX, exports.PDF):
            raise CommandError(
                _("--format: “%(format)s” is not one of xlsx, pdf, csv.") % {"format": fmt}
            )
        if fmt == exports.CSV and out.suffix.lower() == ".zip":
            fmt = exports.ZIP
        if options["table"] not in exports.TABLES:
            raise CommandError(
                _("--table: “%(table)s” is not one of %(known)s.")
                % {"table": options["table"], "known": ", ".join(exports.TABLES)}
            )
        if options["distance"] <= 0:
            raise CommandError(_("--distance must be a number of metres above 0."))
        if not out.parent.is_dir():
            raise CommandError(_("--out: there is no directory %(dir)s.") % {"dir": out.parent})
        try:
            analysis = exports.gap_analysis(
                kommune, level=options["level"], distance_m=options["distance"]
            )
        except AreaLevel.DoesNotExist as error:
            known = ", ".join(
                f"{level.name} ({level.depth})"
                for level in AreaLevel.objects.for_kommune(kommune).order_by("depth")
            )
            raise CommandError(
                _("--level: %(kommune)s has no area level “%(level)s”; known are: %(known)s.")
                % {"kommune": kommune.name, "level": options["level"], "known": known or "–"}
            ) from error
        data = exports.export_bytes(analysis, fmt, table=options["table"])
        out.write_bytes(data)
        self.stdout.write(
            _("%(file)s written (%(size)s bytes, %(seconds).1f s).")
            % {"file": out, "size": len(data), "seconds": time.monotonic() - started}
        )
