"""`lueckenlos export_offers --kommune SLUG --format xlsx|csv|geojson --out FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Service
from lueckenlos.interop.exports import FORMATS, export_offers, offers_to_export


class Command(BaseCommand):
    help = (
        "Export a Kommune's offers (and those of the Kommunen it contains) for people: "
        "XLSX with a sheet per kind of record, CSV for German Excel, or GeoJSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kommune", required=True, help="slug of the Kommune")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="file_format")
        parser.add_argument("--out", required=True, type=Path, help="file to write")
        parser.add_argument(
            "--status",
            action="append",
            choices=Service.Status.values,
            help="only offers of this status (repeatable); default: all",
        )

    def handle(self, *args, kommune: str, file_format: str, out: Path, status, **options):
        found = Kommune.objects.defer("boundary").filter(slug=kommune).first()
        if found is None:
            raise CommandError(_("There is no Kommune “%(slug)s”.") % {"slug": kommune})
        offers = offers_to_export(found, statuses=status)
        data = export_offers(offers, file_format)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": out, "reason": exc.strerror}
            ) from exc
        count = offers.count()
        self.stdout.write(
            ngettext(
                "%(count)d offer of %(kommune)s written to %(file)s.",
                "%(count)d offers of %(kommune)s written to %(file)s.",
                count,
            )
            % {"count": count, "kommune": found.name, "file": out}
        )
