"""How long the Berlin demo takes to load into an empty database, and how much memory.

    .venv/bin/python benchmarks/demo_load.py [--tracemalloc] [--only-bezirke 01,02]
        [--database-url URL]

It loads into a fresh SQLite database in a temporary directory and removes it afterwards,
whatever DATABASE_URL says: a benchmark that picked up a developer's or a server's database
would delete the Kommune "berlin" there. Only --database-url URL makes it use another
database (it says which), where it deletes a loaded demo first so the load starts from
empty; the loader still refuses under LUECKENLOS_ENV=production.
--tracemalloc also reports Python's peak allocation; it slows the load by about half, so
its wall time is not comparable with a run without it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python memory")
    parser.add_argument("--only-bezirke", default="", help="e.g. 01,02 (default: all 12)")
    parser.add_argument(
        "--database-url",
        help="load into this database instead of a temporary SQLite one; a demo loaded "
        "there is deleted first",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lueckenlos-bench-") as data_dir:
        # Settings read the environment once, at django.setup(): set it before.
        os.environ["LUECKENLOS_DATA_DIR"] = data_dir
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
            # A throwaway database is a demo installation, whatever the shell says.
            os.environ["LUECKENLOS_ENV"] = "demo"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lueckenlos.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from lueckenlos.demo.loader import delete_demo, load_demo

        database = settings.DATABASES["default"]
        host = f" on {database['HOST']}" if database.get("HOST") else ""
        if args.database_url:
            print(
                f"database: {connection.vendor} {database['NAME']}{host}, given by --database-url"
            )
        else:
            print(f"database: {connection.vendor} {database['NAME']}, temporary")
        print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrate: {time.perf_counter() - started:.1f} s")
        if args.database_url and delete_demo():
            print("deleted the demo already in that database")

        only = [code for code in args.only_bezirke.split(",") if code.strip()] or None
        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        report = load_demo(only_bezirke=only)
        wall = time.perf_counter() - started
        peak_traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        tracemalloc.stop()

        print(f"load: {wall:.1f} s wall time")
        # ru_maxrss is in kilobytes on Linux (bytes on macOS).
        divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor
        print(f"peak resident memory of the process: {peak_rss:.0f} MiB")
        if peak_traced is not None:
            print(f"peak Python allocation during the load: {peak_traced / 2**20:.0f} MiB")
        for line in report.lines():
            print(f"  {line}")
        connection.close()


if __name__ == "__main__":
    main()
