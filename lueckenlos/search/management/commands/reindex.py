"""lueckenlos reindex [--kommune SLUG] [--missing]: rebuild the portal's search index."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from lueckenlos.areas.models import Kommune
from lueckenlos.search.indexing import analyze_search_tables, index_missing, reindex_kommune


class Command(BaseCommand):
    help = "Rebuild the search index of the public portal from the catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--kommune", help="slug of one Kommune (default: all)")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only index active offers that are not in the index yet",
        )

    def handle(self, *args, kommune=None, missing=False, **options):
        started = time.perf_counter()
        if missing:
            count = index_missing()
            # Also after an upgrade or a copy of the database: statistics cost under a second.
            analyze_search_tables()
        else:
            kommunen = Kommune.objects.all()
            if kommune:
                kommunen = kommunen.filter(slug=kommune)
                if not kommunen.exists():
                    raise CommandError(f"No Kommune with the slug “{kommune}”.")
            count = sum(reindex_kommune(one) for one in kommunen)
        self.stdout.write(f"{count} offers indexed in {time.perf_counter() - started:.1f} s.")
