"""`lueckenlos freshness`: the daily run (cron) that reminds providers of stale offers and
takes offers that have become hidden out of the portal's index."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lueckenlos.areas.models import Kommune
from lueckenlos.freshness.services import reminders_send


class Command(BaseCommand):
    help = "Remind providers of offers not confirmed for a long time; hide and show offers."

    def add_arguments(self, parser):
        parser.add_argument("--kommune", metavar="SLUG", help="Only this Kommune's offers.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be done; send and change nothing.",
        )

    def handle(self, *args, kommune=None, dry_run=False, **options):
        if kommune is not None:
            try:
                kommune = Kommune.objects.get(slug=kommune)
            except Kommune.DoesNotExist:
                raise CommandError(_("No Kommune “%(slug)s”.") % {"slug": kommune}) from None
        report = reminders_send(kommune=kommune, dry_run=dry_run)
        values = {
            "emails": report.emails,
            "offers": report.offers,
            "reindexed": report.reindexed,
        }
        if dry_run:
            summary = ngettext(
                "Dry run: would send %(emails)d e-mail about %(offers)d stale offers and "
                "re-index %(reindexed)d offers.",
                "Dry run: would send %(emails)d e-mails about %(offers)d stale offers and "
                "re-index %(reindexed)d offers.",
                report.emails,
            )
        else:
            summary = ngettext(
                "Sent %(emails)d e-mail about %(offers)d stale offers; re-indexed "
                "%(reindexed)d offers that were hidden or shown again.",
                "Sent %(emails)d e-mails about %(offers)d stale offers; re-indexed "
                "%(reindexed)d offers that were hidden or shown again.",
                report.emails,
            )
        self.stdout.write(summary % values)
        for offer in report.without_address:
            self.stdout.write(
                _("No e-mail address for “%(offer)s” (%(provider)s, %(kommune)s): %(id)s")
                % {
                    "offer": offer.name,
                    "provider": offer.organization.name,
                    "kommune": offer.kommune.name,
                    "id": offer.pk,
                }
            )
        for address in report.failed:
            self.stderr.write(
                _("Could not send to %(address)s; it is tried again on the next run.")
                % {"address": address}
            )
        if report.failed:
            raise CommandError(
                _("%(count)d e-mails could not be sent.") % {"count": len(report.failed)}
            )
