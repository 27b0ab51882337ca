"""`lueckenlos import-population FILE --kommune SLUG --date YYYY-MM-DD`: inhabitants by age."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.commands import (
    import_errors_as_command_errors,
    kommune_by_slug,
    maybe_rolled_back,
    table_from_file,
)
from lueckenlos.interop.geodata.population import LONG, WIDE, population_import


class Command(BaseCommand):
    help = (
        "Import population by age band per area (CSV/XLSX): wide, one column per age band, or "
        "long, one row per area and age band. Withheld values (– . x -9999 * /) are kept as "
        "missing, never as 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file.")
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--date",
            required=True,
            type=dt.date.fromisoformat,
            help="Reference date of the figures (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--area-column", help="Column with the area codes (default: the one that fits)."
        )
        parser.add_argument(
            "--layout", choices=[WIDE, LONG], help="Default: wide if column titles are age bands."
        )
        parser.add_argument("--band-column", help="Long layout: the column naming the age band.")
        parser.add_argument("--count-column", help="Long layout: the column with the count.")
        parser.add_argument(
            "--skip-unknown-areas",
            action="store_true",
            help="Leave out (and count) rows of areas the Kommune does not have, e.g. when "
            "importing a city-wide file for one district; without it they are errors.",
        )
        parser.add_argument("--source", default="", help="Source to record (default: file name).")
        parser.add_argument("--sheet", help="XLSX: the sheet to read (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check only, change nothing.")

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        table = table_from_file(options["file"], sheet=options["sheet"])
        with import_errors_as_command_errors(self.stderr), maybe_rolled_back(options["dry_run"]):
            report = population_import(
                kommune=kommune,
                table=table,
                reference_date=options["date"],
                source=options["source"],
                area_column=options["area_column"],
                layout=options["layout"],
                band_column=options["band_column"],
                count_column=options["count_column"],
                skip_unknown_areas=options["skip_unknown_areas"],
            )
        self.stdout.write(
            _("Layout: %(layout)s; areas from column “%(column)s”; age bands: %(bands)s")
            % {
                "layout": report.layout,
                "column": report.area_column,
                "bands": ", ".join(report.bands),
            }
        )
        if report.ignored_columns:
            self.stdout.write(
                _("Columns left out (no age band): %(columns)s")
                % {"columns": ", ".join(report.ignored_columns)}
            )
        if report.bands_created:
            self.stdout.write(
                _("New age bands: %(bands)s") % {"bands": ", ".join(report.bands_created)}
            )
        if report.skipped_rows:
            self.stdout.write(
                _("%(count)s rows of areas %(kommune)s does not have were left out.")
                % {"count": report.skipped_rows, "kommune": kommune.name}
            )
        missing = sum(report.missing.values())
        message = _(
            "%(kommune)s, %(date)s: %(created)s figures created, %(updated)s updated, "
            "%(unchanged)s unchanged; %(missing)s of them withheld or empty, kept as missing."
        ) % {
            "kommune": kommune.name,
            "date": options["date"].isoformat(),
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "missing": missing,
        }
        if options["dry_run"]:
            message = _("Dry run, nothing changed: %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))
