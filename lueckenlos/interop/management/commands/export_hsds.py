"""`lueckenlos export_hsds --kommune SLUG --out DIR`: the Kommune's offers as HSDS 3.0."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.interop.hsds.export import export_package


class Command(BaseCommand):
    help = "Write the Kommune's public offers as an Open Referral HSDS 3.0 data package."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kommune", required=True, help="slug of the Kommune")
        parser.add_argument("--out", required=True, help="directory to write the package to")

    def handle(self, *args, kommune: str, out: str, **options) -> None:
        found = Kommune.objects.filter(slug=kommune).first()
        if found is None:
            raise CommandError(_("There is no Kommune “%(slug)s”.") % {"slug": kommune})
        report = export_package(kommune=found, out=out)
        self.stdout.write(
            _("HSDS package of %(kommune)s written to %(out)s in %(seconds).1f s:")
            % {"kommune": found.name, "out": out, "seconds": report.seconds}
        )
        for table, count in report.counts.items():
            if count:
                self.stdout.write(f"  {table}: {count}")
