"""`lueckenlos demo`: migrate, load Berlin once, and serve it at http://127.0.0.1:8000."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError

from lueckenlos.demo.accounts import KOMMUNE_SLUG, ensure_demo_logins
from lueckenlos.demo.errors import (
    DemoAlreadyLoaded,
    DemoDataError,
    DemoInProduction,
    UnknownBezirk,
)
from lueckenlos.demo.loader import (
    DEFAULT_DATA_DIR,
    demo_is_loaded,
    load_demo,
    refuse_in_production,
    reload_demo,
)


class Command(BaseCommand):
    help = (
        "Load the Berlin demo (12 Bezirke, their Kitas, youth centres, schools and social "
        "monitoring) into the database if it is not there yet, then serve it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="Where to serve (default %(default)s)."
        )
        parser.add_argument("--no-serve", action="store_true", help="Load only, do not serve.")
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Delete Berlin and its Bezirke with everything they own and load them again.",
        )
        parser.add_argument(
            "--data-dir",
            default=str(DEFAULT_DATA_DIR),
            help="The directory with raw/, areas/ and statistics/ (default: the packaged copy).",
        )
        parser.add_argument(
            "--only-bezirke",
            default="",
            help="Load only these Bezirke, by number or name: e.g. 01,02 or mitte,pankow.",
        )

    def handle(self, *args, **options) -> None:
        # Before migrate: in production not even the schema is this command's business.
        try:
            refuse_in_production()
        except DemoInProduction as exc:
            raise CommandError(f"The demo command does not run here: {exc}") from exc
        call_command("migrate", verbosity=0, interactive=False)
        only = [value for value in options["only_bezirke"].split(",") if value.strip()] or None
        load_options = {"data_dir": options["data_dir"], "only_bezirke": only}
        try:
            if options["reload"]:
                self.stdout.write(f"Reloading the Berlin demo from {options['data_dir']} …")
                report = reload_demo(**load_options)
            elif demo_is_loaded():
                report = None
                self.stdout.write("Demo data already loaded; reusing it.")
            else:
                self.stdout.write(f"Loading the Berlin demo from {options['data_dir']} …")
                report = load_demo(**load_options)
        except UnknownBezirk as exc:
            raise CommandError(
                f"--only-bezirke: no Bezirk {exc.value!r}. Give numbers or names, "
                "separated by commas, from: "
                + ", ".join(f"{code} ({slug})" for code, slug in exc.choices)
            ) from exc
        except DemoDataError as exc:
            raise CommandError(
                f"The demo data cannot be loaded, nothing was changed: {exc}"
            ) from exc
        except DemoAlreadyLoaded as exc:
            raise CommandError(f"The demo cannot be loaded: {exc}") from exc
        except ProtectedError as exc:
            raise CommandError(
                "The demo cannot be deleted: other records still refer to it "
                f"({len(exc.protected_objects)} protected)."
            ) from exc
        if report is not None:
            self.stdout.write(self.style.SUCCESS("Loaded:"))
            for line in report.lines():
                self.stdout.write(f"  {line}")
        logins = ensure_demo_logins()
        if not options["no_serve"]:
            address = f"http://{options['addrport']}"
            self.stdout.write(f"Serving at {address}/ (Ctrl+C to stop)")
            if logins:
                waived = "" if settings.REQUIRE_SECOND_FACTOR else " (no second factor)"
                self.stdout.write(f"Sign in at {address}/konto/anmelden/{waived}:")
                for login in logins:
                    self.stdout.write(
                        f"  {login.role} ({login.detail}): {login.email} / {login.password}"
                    )
                self.stdout.write(f"Workspace: {address}/{KOMMUNE_SLUG}/arbeitsbereich/")
            self.stdout.write(
                f"Back office: {address}/admin/ (first create an account "
                "with: .venv/bin/lueckenlos createsuperuser)"
            )
            call_command("runserver", options["addrport"], use_reloader=False)
