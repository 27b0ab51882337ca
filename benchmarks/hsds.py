"""How fast the HSDS export and import are, on generated offers in SQLite.

    .venv/bin/python benchmarks/hsds.py [--offers 100000] [--form json|csv|both] [--keep DIR]

Creates a fresh SQLite database in a temporary directory, migrates, generates `--offers`
offers in one Kommune (benchmarks/generate.py, as search.py does), then measures, each in a
process of its own so that its peak memory is its own:

1. `export_hsds` of the Kommune (issue: ≤ 30 s);
2. the import of that package into an empty database: a copy of the first without any
   offer, provider, location or search index row, the Kommune and its areas kept (issue:
   ≤ 60 s and ≤ 1 GB peak memory), for the JSON and/or the CSV form.

Prints wall time and peak resident memory of each, and the counts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"export": 30.0, "import": 60.0}
MEMORY_TARGET_MB = 1024


def _setup_django(database: Path, data_dir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["LUECKENLOS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lueckenlos.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM: ru_maxrss keeps, across
    the exec, the high-water mark of the parent it was forked from (here the generator)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(args) -> None:
    """One measured step, in this process; prints one JSON line of figures."""
    _setup_django(Path(args.database), Path(args.data_dir))
    from lueckenlos.areas.models import Kommune

    kommune = Kommune.objects.get(slug=args.slug)
    started = time.perf_counter()
    if args.child == "export":
        from lueckenlos.interop.hsds.export import export_package

        counts = export_package(kommune=kommune, out=args.package).counts
    elif args.child == "empty":
        _empty_catalogue()
        counts = {}
    else:
        from lueckenlos.interop.hsds.importing import import_package

        report = import_package(kommune=kommune, path=args.package, form=args.import_form)
        counts = {k: v for k, v in report.created.items() if v}
        counts["warnings"] = len(report.warnings)
    print(
        json.dumps(
            {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), "counts": counts}
        )
    )


def _empty_catalogue() -> None:
    """Delete every offer, provider, location and index row: an empty catalogue."""
    from django.apps import apps
    from django.db import connection, transaction

    tables = [
        model._meta.db_table
        for app in ("search", "catalogue")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.db_table not in {"catalogue_taxonomy", "catalogue_taxonomyterm"}
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - table names from the models
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")


def _run(
    step: str, database: Path, data_dir: Path, slug: str, package: Path, form: str = ""
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        step,
        "--database",
        str(database),
        "--data-dir",
        str(data_dir),
        "--slug",
        slug,
        "--package",
        str(package),
        "--import-form",
        form or "auto",
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--form", choices=["json", "csv", "both"], default="both")
    parser.add_argument("--keep", type=Path, help="keep databases and package in this folder")
    parser.add_argument("--child", choices=["export", "import", "empty"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--package", help=argparse.SUPPRESS)
    parser.add_argument("--import-form", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep.resolve()
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lueckenlos-hsds-")))
        source = work / "source.sqlite3"
        _setup_django(source, work)
        from django.core.management import call_command
        from django.db import connections

        from benchmarks.generate import generate

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        report = generate(offers=args.offers, kommunen=1, seed=1, progress=None)
        slug = report.layouts[0].slug
        connections.close_all()
        print(f"generated {args.offers:,} offers in {time.perf_counter() - started:.0f} s")

        package = work / "package"
        figures = _run("export", source, work, slug, package)
        print(
            f"export-hsds: {figures['seconds']:.1f} s (target ≤ {TARGETS['export']:.0f} s), "
            f"peak {figures['peak_mb']:.0f} MB"
        )
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in figures["counts"].items() if v))
        size = sum(p.stat().st_size for p in package.rglob("*") if p.is_file())
        print(f"  package: {size / 1e6:.0f} MB")

        empty = work / "empty.sqlite3"
        shutil.copyfile(source, empty)
        _run("empty", empty, work, slug, package)
        forms = ["json", "csv"] if args.form == "both" else [args.form]
        for form in forms:
            target = work / f"import-{form}.sqlite3"
            shutil.copyfile(empty, target)
            figures = _run("import", target, work, slug, package, form)
            ok = figures["seconds"] <= TARGETS["import"] and figures["peak_mb"] <= MEMORY_TARGET_MB
            print(
                f"import-hsds ({form}) into an empty database: {figures['seconds']:.1f} s "
                f"(target ≤ {TARGETS['import']:.0f} s), peak {figures['peak_mb']:.0f} MB "
                f"(target ≤ {MEMORY_TARGET_MB} MB){'' if ok else '  ← over target'}"
            )
            print("  created: " + ", ".join(f"{k} {v:,}" for k, v in figures["counts"].items()))
            target.unlink()
        if args.keep:
            print(f"kept: {work}")


if __name__ == "__main__":
    main()
