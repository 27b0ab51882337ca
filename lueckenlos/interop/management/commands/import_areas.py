"""`lueckenlos import-areas FILE --kommune SLUG`: areas with boundaries and hierarchy."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.interop.geodata.areas import (
    areas_import,
    level_columns,
    records_from_features,
    records_from_table,
)
from lueckenlos.interop.geodata.commands import (
    check_size,
    import_errors_as_command_errors,
    is_geojson,
    kommune_by_slug,
    maybe_rolled_back,
    parse_pairs,
    read_file,
    table_from_file,
)
from lueckenlos.interop.geodata.geojson import read_features
from lueckenlos.interop.tabular import TableError


class Command(BaseCommand):
    help = (
        "Import areas: the boundaries of one level from GeoJSON (any CRS common in Germany), "
        "or a hierarchy table (CSV/XLSX, one row per smallest area with the codes and names "
        "of every level). Areas are matched by code: a re-import updates what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="GeoJSON, CSV or XLSX file.")
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--level",
            action="append",
            required=True,
            help="The level of the areas (GeoJSON: once). Hierarchy table: once per level, "
            "largest first, as NAME (columns found as “NAME (Nummer)”, “NAME (Name)”) or "
            "NAME=CODE COLUMN:NAME COLUMN.",
        )
        parser.add_argument("--code-field", help="GeoJSON: the property with the area's code.")
        parser.add_argument("--name-field", help="GeoJSON: the property with the area's name.")
        parser.add_argument(
            "--parent-field", help="GeoJSON: the property with the parent area's code."
        )
        parser.add_argument(
            "--only",
            default="",
            help="Import only rows/features with these values, e.g. Bezirk=Marzahn-Hellersdorf.",
        )
        parser.add_argument(
            "--valid-from",
            type=dt.date.fromisoformat,
            help="The vintage: the date from which these boundaries apply (YYYY-MM-DD).",
        )
        parser.add_argument("--sheet", help="XLSX: the sheet to read (default: the first).")
        parser.add_argument("--dry-run", action="store_true", help="Check only, change nothing.")

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        levels = [spec.partition("=")[0].strip() for spec in options["level"]]
        only = parse_pairs(options["only"], option="--only")
        data, name = read_file(options["file"])
        with import_errors_as_command_errors(self.stderr), maybe_rolled_back(options["dry_run"]):
            if is_geojson(data, name):
                check_size(data, name)
                if len(levels) != 1:
                    raise CommandError(_("A GeoJSON file holds the areas of one --level."))
                try:
                    epsg, features = read_features(data, filename=name)
                except TableError as exc:
                    raise CommandError(str(exc)) from exc
                records = records_from_features(
                    name,
                    epsg,
                    features,
                    level=levels[0],
                    code_field=options["code_field"],
                    name_field=options["name_field"],
                    parent_field=options["parent_field"],
                    only=only,
                )
            else:
                table = table_from_file(options["file"], sheet=options["sheet"])
                records = records_from_table(
                    table, level_columns(table, options["level"]), only=only
                )
            if not records:
                raise CommandError(_("%(file)s holds no areas to import.") % {"file": name})
            report = areas_import(
                kommune=kommune,
                filename=name,
                records=records,
                levels=levels,
                valid_from=options["valid_from"],
            )
        if report.levels_created:
            self.stdout.write(
                _("New levels: %(levels)s") % {"levels": ", ".join(report.levels_created)}
            )
        message = _(
            "%(kommune)s: %(created)s areas created (%(created_levels)s), %(updated)s updated "
            "(%(updated_levels)s), %(unchanged)s unchanged."
        ) % {
            "kommune": kommune.name,
            "created": sum(report.created.values()),
            "created_levels": _by_level(report.created),
            "updated": sum(report.updated.values()),
            "updated_levels": _by_level(report.updated),
            "unchanged": report.unchanged,
        }
        if options["dry_run"]:
            message = _("Dry run, nothing changed: %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))


def _by_level(counts) -> str:
    return ", ".join(f"{level} {n}" for level, n in counts.items()) or "–"
