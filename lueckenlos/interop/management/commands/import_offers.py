"""`lueckenlos import-offers FILE --kommune SLUG`: offers from CSV, XLSX or GeoJSON points.

Prints the preview's summary and every error and warning (file, row, column, value,
reason). Rows with errors stop the import (exit status 1, nothing written) unless
--skip-rejected is given; --dry-run shows what would happen and writes nothing. Without
--mapping the columns are mapped from their titles; --mapping FILE reads a JSON mapping
(format: lueckenlos/interop/offers/fields.py, example: examples/kitas-mapping.json),
--use-mapping NAME one saved for the Kommune, --save-mapping NAME saves the one used.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.interop.models import ImportMapping
from lueckenlos.interop.offers.fields import FIELDS_BY_KEY, Mapping, MappingError, propose_mapping
from lueckenlos.interop.offers.services import ImportRefused, import_mapping_save, offers_import
from lueckenlos.interop.tabular import TableError, read_table


class Command(BaseCommand):
    help = "Import offers from a CSV, XLSX or GeoJSON file into a Kommune, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV, XLSX or GeoJSON (points) file")
        parser.add_argument("--kommune", required=True, help="slug of the Kommune")
        parser.add_argument("--mapping", help="JSON file with the column and value mapping")
        parser.add_argument("--use-mapping", help="name of a mapping saved for the Kommune")
        parser.add_argument("--save-mapping", help="save the mapping used under this name")
        parser.add_argument("--sheet", help="sheet of an XLSX file (default: the first with data)")
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="import the good rows and leave out rejected ones (default: refuse)",
        )

    def handle(self, *args, **options):
        kommune = Kommune.objects.filter(slug=options["kommune"]).first()
        if kommune is None:
            raise CommandError(_("No Kommune “%(slug)s”.") % {"slug": options["kommune"]})
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from exc
        try:
            table = read_table(data, filename=path.name, sheet=options["sheet"])
            mapping = self._mapping(options, kommune, table.columns)
            self._show_mapping(mapping)
            result = offers_import(
                kommune=kommune,
                table=table,
                mapping=mapping,
                skip_rejected=options["skip_rejected"],
                dry_run=options["dry_run"],
            )
        except (TableError, MappingError) as exc:
            raise CommandError(str(exc)) from exc
        except ImportRefused as exc:
            for line in exc.preview.lines():
                self.stdout.write(line)
            raise CommandError(
                _("Nothing was imported: correct the rejected rows, or use --skip-rejected.")
            ) from exc
        for line in result.preview.lines():
            self.stdout.write(line)
        if options["save_mapping"] and not options["dry_run"]:
            import_mapping_save(kommune=kommune, name=options["save_mapping"], mapping=mapping)
            self.stdout.write(_("Mapping saved as “%(name)s”.") % {"name": options["save_mapping"]})
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import committed.")))

    def _mapping(self, options, kommune: Kommune, columns: list[str]) -> Mapping:
        if options["mapping"]:
            try:
                text = Path(options["mapping"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("%(file)s cannot be read: %(reason)s")
                    % {"file": options["mapping"], "reason": exc.strerror}
                ) from exc
            return Mapping.from_text(text)
        if options["use_mapping"]:
            saved = ImportMapping.objects.filter(
                kommune=kommune, name=options["use_mapping"]
            ).first()
            if saved is None:
                raise CommandError(
                    _("%(kommune)s has no saved mapping “%(name)s”.")
                    % {"kommune": kommune.name, "name": options["use_mapping"]}
                )
            return Mapping.from_json(
                {"columns": saved.columns, "defaults": saved.defaults, "values": saved.values}
            )
        return Mapping(columns=propose_mapping(columns))

    def _show_mapping(self, mapping: Mapping) -> None:
        for field_key, column in mapping.columns.items():
            self.stdout.write(
                _("Column “%(column)s” → %(field)s")
                % {"column": column, "field": FIELDS_BY_KEY[field_key].label}
            )
