"""`lueckenlos import_hsds PATH --kommune SLUG [--dry-run]`: an HSDS 3.0 package from elsewhere."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.interop.hsds.importing import ImportFailed, ImportReport, import_package


class Command(BaseCommand):
    help = "Import an Open Referral HSDS 3.0 package (folder or .zip, JSON or CSV form)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="folder or .zip of the package")
        parser.add_argument("--kommune", required=True, help="slug of the Kommune")
        parser.add_argument(
            "--form",
            choices=["auto", "json", "csv"],
            default="auto",
            help="which form of the package to read (auto: JSON if present, else CSV)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only; write nothing"
        )

    def handle(self, *args, path: str, kommune: str, form: str, dry_run: bool, **options) -> None:
        found = Kommune.objects.filter(slug=kommune).first()
        if found is None:
            raise CommandError(_("There is no Kommune “%(slug)s”.") % {"slug": kommune})
        try:
            report = import_package(kommune=found, path=path, form=form, dry_run=dry_run)
        except ImportFailed as exc:
            self._warnings(exc.report)
            for error in exc.report.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(count)s error(s): nothing was imported.") % {"count": len(exc.report.errors)}
            ) from exc
        self._warnings(report)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        for label, counts in [
            (_("records created"), report.created),
            (_("records updated"), report.updated),
            (_("records deleted"), report.deleted),
            (_("records skipped"), report.skipped),
        ]:
            figures = ", ".join(f"{table} {n}" for table, n in sorted(counts.items()) if n)
            self.stdout.write(f"{label}: {figures or '0'}")
        self.stdout.write(
            _("%(form)s form read in %(seconds).1f s.")
            % {"form": report.form.upper(), "seconds": report.seconds}
        )

    def _warnings(self, report: ImportReport) -> None:
        for warning in report.warnings:
            self.stderr.write(_("Warning: %(message)s") % {"message": warning})
