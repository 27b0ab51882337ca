"""benchmarks/demo_load.py loads into a throwaway database unless told otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "demo_load.py"
# A database that must never be touched: nothing listens on port 1.
SOMEONES_DATABASE = "postgres://lueckenlos:secret@127.0.0.1:1/lueckenlos"


def bench(*args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--only-bezirke", "02", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_ignores_database_url_from_the_environment():
    # A DATABASE_URL left in the shell used to be benchmarked, deleting its "berlin".
    output = bench(DATABASE_URL=SOMEONES_DATABASE, LUECKENLOS_ENV="production")
    assert output.startswith("database: sqlite ")
    assert "bench.sqlite3, temporary" in output
    assert "load: " in output
    assert "peak resident memory of the process: " in output
    assert "Kommunen: Berlin and 1 Bezirke (Friedrichshain-Kreuzberg)" in output


def test_it_uses_a_database_given_as_argument_and_says_so(tmp_path):
    database = tmp_path / "given.sqlite3"
    output = bench("--database-url", f"sqlite:///{database}", DATABASE_URL=SOMEONES_DATABASE)
    assert output.startswith(f"database: sqlite {database}, given by --database-url")
    with sqlite3.connect(database) as connection:
        slugs = {slug for (slug,) in connection.execute("SELECT slug FROM areas_kommune")}
    assert slugs == {"berlin", "friedrichshain-kreuzberg"}
