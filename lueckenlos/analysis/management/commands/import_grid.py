"""`lueckenlos import-grid FILE --kommune SLUG`: the census population grid (100 m cells)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.analysis.grid import grid_import
from lueckenlos.interop.geodata.commands import (
    import_errors_as_command_errors,
    kommune_by_slug,
    maybe_rolled_back,
    parse_pairs,
    table_from_file,
)


class Command(BaseCommand):
    help = (
        "Import the census 2022 population grid (CSV GITTER_ID_100m;x_mp_100m;y_mp_100m;"
        "Einwohner, EPSG:3035) for a Kommune: the cells inside it replace its grid, each "
        "placed in its smallest area. Withheld counts (– -1 .) are kept as missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file of the grid.")
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--columns",
            default="",
            help="Columns with other titles, e.g. cell=ID,x=X,y=Y,inhabitants=EW.",
        )
        parser.add_argument("--source", default="", help="Source to record (default: file name).")
        parser.add_argument("--dry-run", action="store_true", help="Check only, change nothing.")

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        columns = parse_pairs(options["columns"], option="--columns")
        table = table_from_file(options["file"])
        with import_errors_as_command_errors(self.stderr), maybe_rolled_back(options["dry_run"]):
            report = grid_import(
                kommune=kommune, table=table, source=options["source"], columns=columns
            )
        message = _(
            "%(kommune)s: %(cells)s grid cells with %(inhabitants)s inhabitants imported "
            "(%(withheld)s withheld counts kept as missing); %(outside)s cells outside the "
            "Kommune left out; %(replaced)s cells of the previous grid replaced."
        ) % {
            "kommune": kommune.name,
            "cells": report.cells,
            "inhabitants": report.inhabitants,
            "withheld": report.withheld,
            "outside": report.outside,
            "replaced": report.replaced,
        }
        if report.outside_areas:
            self.stdout.write(
                _("%(count)s cells lie inside the Kommune but in none of its areas.")
                % {"count": report.outside_areas}
            )
        if options["dry_run"]:
            message = _("Dry run, nothing changed: %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))
