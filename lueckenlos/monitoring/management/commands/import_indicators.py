"""`lueckenlos import-indicators FILE --kommune SLUG [--indicator CODE] [--date YYYY-MM-DD]`."""

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
from lueckenlos.monitoring.imports import LONG, WIDE, indicator_values_import


class Command(BaseCommand):
    help = (
        "Import indicator values per area (CSV/XLSX): long, one row per area, indicator and "
        "date (value, optionally numerator and denominator), or wide, one column per indicator "
        "code with the date from --date. Withheld values (– . x -9999 * /) are kept as "
        "missing, never as 0. All rows or none, as one change that can be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file.")
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument("--indicator", help="Import only this indicator (its code).")
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="Reference date (YYYY-MM-DD): needed for wide files and long files without "
            "a date column.",
        )
        parser.add_argument(
            "--area-column", help="Column with the area codes (default: the one that fits)."
        )
        parser.add_argument(
            "--layout",
            choices=[WIDE, LONG],
            help="Default: long if a column names the indicator, else wide.",
        )
        parser.add_argument(
            "--skip-unknown-areas",
            action="store_true",
            help="Leave out (and count) rows of areas the Kommune does not have; without it "
            "they are errors.",
        )
        parser.add_argument("--sheet", help="XLSX: the sheet to read (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check only, change nothing.")

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        table = table_from_file(options["file"], sheet=options["sheet"])
        with import_errors_as_command_errors(self.stderr), maybe_rolled_back(options["dry_run"]):
            report = indicator_values_import(
                kommune=kommune,
                table=table,
                reference_date=options["date"],
                indicator_code=options["indicator"],
                area_column=options["area_column"],
                layout=options["layout"],
                skip_unknown_areas=options["skip_unknown_areas"],
            )
        self.stdout.write(
            _("Layout: %(layout)s; areas from column “%(column)s”; indicators: %(indicators)s")
            % {
                "layout": report.layout,
                "column": report.area_column,
                "indicators": ", ".join(report.indicators) or "–",
            }
        )
        if report.ignored_columns:
            self.stdout.write(
                _("Columns left out: %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
            )
        if report.skipped_rows:
            self.stdout.write(
                _("%(count)s rows left out (other indicators or unknown areas).")
                % {"count": report.skipped_rows}
            )
        for reason, count in sorted(report.missing.items()):
            self.stdout.write(
                _("Missing, %(reason)s: %(count)s") % {"reason": reason, "count": count}
            )
        message = _(
            "%(kommune)s: %(created)s values created, %(updated)s updated, %(unchanged)s "
            "unchanged; %(missing)s of them missing with their reason."
        ) % {
            "kommune": kommune.name,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "missing": report.missing_total,
        }
        if options["dry_run"]:
            message = _("Dry run, nothing changed: %(message)s") % {"message": message}
        else:
            message += " " + _(
                "Stored as change %(number)s (the workspace's indicator data can undo it)."
            ) % {"number": report.batch.pk}
        self.stdout.write(self.style.SUCCESS(message))
