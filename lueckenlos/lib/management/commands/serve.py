"""`lueckenlos serve`: run the production server (gunicorn) on an up-to-date database.

Migrations and collectstatic run first, so an upgrade is "install the new version, restart".
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from lueckenlos.lib.env import envint, envstr

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WORKERS = 2


class WSGIServer(BaseApplication):
    """gunicorn configured from a dict instead of its own command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from lueckenlos.wsgi import application

        return application


class Command(BaseCommand):
    help = "Migrate, collect static files and serve lueckenlos with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            help=f"address:port to listen on (default: $LUECKENLOS_BIND or {DEFAULT_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=f"worker processes (default: $LUECKENLOS_WORKERS or {DEFAULT_WORKERS})",
        )
        parser.add_argument(
            "--no-migrate", dest="migrate", action="store_false", help="skip `migrate`"
        )
        parser.add_argument(
            "--no-collectstatic",
            dest="collectstatic",
            action="store_false",
            help="skip `collectstatic`",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or envstr("LUECKENLOS_BIND", DEFAULT_BIND)
        workers = options["workers"]
        if workers is None:
            workers = envint("LUECKENLOS_WORKERS", DEFAULT_WORKERS)
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.")
        verbosity = options["verbosity"]
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=verbosity)
            # Offers from before the search index existed, or loaded around it.
            call_command("reindex", missing=True, verbosity=verbosity)
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=verbosity)
        # gunicorn forks its workers from this process: none of them may inherit the
        # connection that migrate opened.
        connections.close_all()
        WSGIServer(
            {
                "bind": [bind],
                "workers": workers,
                "accesslog": "-",
                "proc_name": "lueckenlos",
            }
        ).run()
