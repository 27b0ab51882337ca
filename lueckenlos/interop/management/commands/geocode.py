"""`lueckenlos geocode --kommune SLUG`: coordinates for locations that only have an address."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lueckenlos.areas.geocoding import GeocodingServiceError
from lueckenlos.interop.geodata.commands import kommune_by_slug, maybe_rolled_back
from lueckenlos.interop.geodata.locations import Unplaced, locations_geocode


class Command(BaseCommand):
    help = (
        "Place the Kommune's locations that have an address but no coordinates, from its "
        "address register (see import-addresses) and, if configured, its own Nominatim "
        "server; list the addresses found nowhere or more than once. Never guesses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kommune", required=True, help="Short name (slug) of the Kommune.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be placed, change nothing."
        )

    def handle(self, *args, **options) -> None:
        kommune = kommune_by_slug(options["kommune"])
        try:
            with maybe_rolled_back(options["dry_run"]):
                report = locations_geocode(kommune=kommune)
        except GeocodingServiceError as exc:
            raise CommandError(_("%(reason)s Nothing was changed.") % {"reason": exc}) from exc

        for title, entries in (
            (_("Not found (left without coordinates):"), report.unmatched),
            (_("Ambiguous (left without coordinates):"), report.ambiguous),
            (_("Found, but not accepted:"), report.rejected),
        ):
            if entries:
                self.stdout.write(title)
                for entry in entries:
                    self.stdout.write(f"  {self._describe(entry)}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        placed = sum(report.placed.values())
        summary = _(
            "%(placed)s locations placed (%(sources)s), %(unmatched)s not found, "
            "%(ambiguous)s ambiguous, %(rejected)s not accepted; the address register of "
            "%(kommune)s holds %(register)s addresses."
        ) % {
            "placed": placed,
            "sources": ", ".join(f"{source}: {n}" for source, n in report.placed.items()) or "–",
            "unmatched": len(report.unmatched),
            "ambiguous": len(report.ambiguous),
            "rejected": len(report.rejected),
            "kommune": kommune.name,
            "register": report.register_size,
        }
        if options["dry_run"]:
            summary = _("Dry run, nothing changed: %(message)s") % {"message": summary}
        self.stdout.write(self.style.SUCCESS(summary))

    def _describe(self, entry: Unplaced) -> str:
        text = _("“%(name)s”, %(address)s") % {
            "name": entry.location.name,
            "address": entry.address,
        }
        if entry.reason:
            return f"{text}: {entry.reason}"
        if entry.candidates:
            return _("%(location)s; candidates: %(candidates)s") % {
                "location": text,
                "candidates": " | ".join(entry.candidates),
            }
        return _("%(location)s; no candidates in the register") % {"location": text}
