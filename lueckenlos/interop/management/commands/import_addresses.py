"""`lueckenlos import-addresses FILE --kommune SLUG`: replace the Kommune's address register."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.addresses import address_register_replace
from lueckenlos.interop.geodata.commands import (
    import_errors_as_command_errors,
    kommune_by_slug,
    maybe_rolled_back,
    parse_pairs,
    table_from_file,
)


class Command(BaseCommand):
    help = (
        "Import the official house coordinates (Hauskoordinaten, HK-DE CSV with STN, HNR, ADZ, "
        "PLZ, ONM, EAST, NORTH; or a table of street, house number, postcode, longitude, "
        "latitude) as the Kommune's address register, replacing the one it has."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file.")
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--utm-zone",
            type=int,
            choices=[32, 33],
            help="UTM zone of EAST/NORTH (ETRS89); not needed if a column or the easting says.",
        )
        parser.add_argument(
            "--columns",
            default="",
            help="Columns not found by their usual names, e.g. street=Straße,number=Nr "
            "(names: street, number, suffix, postal_code, locality, east, north, longitude, "
            "latitude, zone).",
        )
        parser.add_argument("--source", default="", help="Source to record (default: file name).")
        parser.add_argument("--sheet", help="XLSX: the sheet to read (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check only, change nothing.")

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        table = table_from_file(options["file"], sheet=options["sheet"])
        columns = parse_pairs(options["columns"], option="--columns")
        with import_errors_as_command_errors(self.stderr), maybe_rolled_back(options["dry_run"]):
            report = address_register_replace(
                kommune=kommune,
                table=table,
                columns=columns,
                utm_zone=options["utm_zone"],
                source=options["source"],
            )
        self.stdout.write(
            _("Columns: %(columns)s")
            % {"columns": ", ".join(f"{k}={v}" for k, v in report.columns.items())}
        )
        message = _(
            "%(count)s addresses imported into the register of %(kommune)s (replacing "
            "%(replaced)s); %(duplicates)s duplicate lines left out."
        ) % {
            "count": report.imported,
            "kommune": kommune.name,
            "replaced": report.replaced,
            "duplicates": report.duplicates,
        }
        if options["dry_run"]:
            message = _("Dry run, nothing changed: %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))
