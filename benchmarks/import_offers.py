"""How long an offer import of 100,000 rows takes on SQLite, and how much memory, then again.

    .venv/bin/python benchmarks/import_offers.py [--rows 100000] [--database-url URL]

Generates a coordinator's sheet as CSV (Windows-1252, ";", a title line above the header,
German column titles, ages, languages, costs and fields of action as people write them,
coordinates on half of the rows, addresses only on the other half), creates a Kommune with a
boundary and 16 areas in a fresh SQLite database in a temporary directory (whatever
DATABASE_URL says; --database-url picks another, empty one), imports the file through
`offers_import` (read, preview, one transaction, search index) and prints wall time (and
the search index's share of it) and peak resident memory. Then imports the same file again:
every row must be unchanged, and nothing but the record of the run is written. The issue
asks ≤ 60 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WEST, SOUTH, SIZE = 13.50, 52.45, 0.16
HEADER = [
    "Lfd. Nr.", "Angebot", "Träger", "Beschreibung", "Adresse", "PLZ", "Ort", "Alter",
    "Handlungsfeld", "Zielgruppe", "Sprachen", "Kosten", "Barrierefrei", "Telefon", "E-Mail",
    "Internet", "Breitengrad", "Längengrad",
]  # fmt: skip
KINDS = ["Elterncafé", "Krabbelgruppe", "Hausaufgabenhilfe", "Sprachkurs", "Beratung", "Jugendclub",
         "Schwimmkurs", "Lesepaten", "Familienfrühstück", "Hebammensprechstunde"]  # fmt: skip
STREETS = ["Marzahner Promenade", "Allee der Kosmonauten", "Hellersdorfer Straße",
           "Cecilienstraße", "Alt-Biesdorf", "Hönower Straße", "Landsberger Allee",
           "Stollberger Straße", "Riesaer Straße", "Mehrower Allee"]  # fmt: skip
AGES = ["0-3 Jahre", "3–6 Jahre", "ab 6", "bis 12", "U3", "Ü3", "6 Monate bis 3 Jahre",
        "Schwangere", "10-16 Jahre", "alle", "6 bis 10"]  # fmt: skip
FIELDS = ["Bildung", "Gesundheit", "Erziehung und Familie", "Beratung",
          "Kultur, Sport und Freizeit", "Bildung; Beratung", "Kinderschutz"]  # fmt: skip
GROUPS = ["Kinder", "Eltern und Familien", "Jugendliche und junge Erwachsene", "Alleinerziehende"]
LANGUAGES = ["Deutsch", "Deutsch, Türkisch", "Deutsch und Englisch", "TR/AR", "arabisch",
             "Deutsch, Russisch, Polnisch", ""]  # fmt: skip
COSTS = ["kostenlos", "frei", "0 €", "BuT", "5,50 €", "10 € pro Monat", "gratis", ""]
WHEELCHAIR = ["ja", "nein", "teilweise", ""]


def generate(path: Path, rows: int, seed: int = 4) -> None:
    """A sheet of `rows` offers by 2,000 providers at 20,000 addresses."""
    rng = random.Random(seed)
    lines = ["Angebotsübersicht (generiert für den Benchmark)", "", ";".join(HEADER)]
    for n in range(rows):
        kind = KINDS[n % len(KINDS)]
        site = n % 20_000
        street = f"{STREETS[site % len(STREETS)]} {site // len(STREETS) + 1}"
        lon = WEST + SIZE * ((site * 7919) % 1000) / 1000
        lat = SOUTH + SIZE * ((site * 104729) % 1000) / 1000
        placed = n % 2 == 0
        provider = f"Träger {n % 2000} e.V."
        lines.append(
            ";".join(
                [
                    f"A-{n:06d}",
                    f"{kind} {n}",
                    provider,
                    f"{kind} für Familien im Stadtteil, Angebot Nummer {n}.",
                    street,
                    f"126{site % 100:02d}",
                    "Berlin",
                    rng.choice(AGES),
                    f'"{rng.choice(FIELDS)}"',
                    rng.choice(GROUPS),
                    rng.choice(LANGUAGES),
                    rng.choice(COSTS),
                    rng.choice(WHEELCHAIR),
                    f"030 {5_000_000 + n}",
                    f"angebot{n}@traeger{n % 2000}.example",
                    f"www.traeger{n % 2000}.example",
                    f"{lat:.6f}".replace(".", ",") if placed else "",
                    f"{lon:.6f}".replace(".", ",") if placed else "",
                ]
            )
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def make_kommune():
    from lueckenlos.areas.models import AreaLevel, Kommune
    from lueckenlos.areas.services import area_create, kommune_set_boundary

    def square(lon, lat, size):
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
        return {"type": "Polygon", "coordinates": [[*ring, [lon, lat]]]}

    kommune = Kommune.objects.create(name="Benchhausen", slug="benchhausen", kind="city")
    kommune_set_boundary(kommune=kommune, boundary=square(WEST, SOUTH, SIZE))
    level = AreaLevel.objects.create(kommune=kommune, name="Planungsraum", depth=0)
    step = SIZE / 4
    for i in range(4):
        for j in range(4):
            area_create(
                kommune=kommune,
                level=level,
                code=f"{i}{j}",
                name=f"Planungsraum {i}{j}",
                boundary=square(WEST + i * step, SOUTH + j * step, step),
            )
    return kommune


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="an empty database instead of temporary SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lueckenlos-bench-") as data_dir:
        os.environ["LUECKENLOS_DATA_DIR"] = data_dir
        os.environ["LUECKENLOS_ENV"] = "demo"
        os.environ["DATABASE_URL"] = args.database_url or (
            f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}"
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lueckenlos.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from lueckenlos.catalogue.models import Service
        from lueckenlos.interop.offers.fields import Mapping, propose_mapping
        from lueckenlos.interop.offers.preview import UNCHANGED
        from lueckenlos.interop.offers.services import offers_import
        from lueckenlos.interop.tabular import read_table

        database = settings.DATABASES["default"]
        print(f"database: {connection.vendor} {database['NAME']}")
        print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
        call_command("migrate", verbosity=0, interactive=False)
        kommune = make_kommune()
        sheet = Path(data_dir) / "angebote.csv"
        started = time.perf_counter()
        generate(sheet, args.rows)
        size = sheet.stat().st_size / 2**20
        print(f"generated {args.rows} rows, {size:.0f} MiB: {time.perf_counter() - started:.1f} s")

        # The search index is the search app's: its share of the time is shown apart.
        from lueckenlos.search import indexing

        index_seconds = [0.0]
        index_offers = indexing.index_offers

        def timed_index_offers(service_ids):
            started = time.perf_counter()
            try:
                return index_offers(service_ids)
            finally:
                index_seconds[0] += time.perf_counter() - started

        indexing.index_offers = timed_index_offers

        def run(label: str):
            index_seconds[0] = 0.0
            started = time.perf_counter()
            table = read_table(sheet.read_bytes(), filename=sheet.name)
            read = time.perf_counter() - started
            mapping = Mapping(columns=propose_mapping(table.columns))
            result = offers_import(kommune=kommune, table=table, mapping=mapping)
            wall = time.perf_counter() - started
            # ru_maxrss is in kilobytes on Linux (bytes on macOS).
            divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / divisor
            index = index_seconds[0]
            print(f"{label}: {wall:.1f} s wall time (reading the file {read:.1f} s, "
                  f"search index {index:.1f} s), peak resident memory {rss:.0f} MiB")  # fmt: skip
            print(f"  {result.preview.summary()}")
            # Only the counts are kept: the second run must not carry the first one's rows.
            return result.preview.totals

        first = run("import")
        assert Service.objects.filter(kommune=kommune).count() == first["create"]
        gc.collect()
        unchanged = run("re-import of the same file")[UNCHANGED]
        print(f"  all unchanged: {unchanged == args.rows} ({unchanged} of {args.rows})")
        connection.close()


if __name__ == "__main__":
    main()
