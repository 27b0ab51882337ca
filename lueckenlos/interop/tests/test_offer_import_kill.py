"""A process killed in the middle of an offer import leaves nothing behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from lueckenlos.interop.offers.services import PAUSE_VARIABLE

ROOT = Path(__file__).resolve().parents[3]


def run(args: list[str], env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "lueckenlos", *args], env=env, cwd=ROOT, check=True, timeout=120
    )


def test_an_import_killed_inside_its_transaction_leaves_no_offer(tmp_path):
    database = tmp_path / "lueckenlos.sqlite3"
    env = {
        **os.environ,
        "LUECKENLOS_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "LUECKENLOS_ENV": "demo",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(["migrate", "-v0"], env)
    run(
        [
            "shell",
            "-c",
            "from lueckenlos.areas.models import Kommune; "
            "Kommune.objects.create(name='Testhausen', slug='testhausen', kind='city')",
        ],
        env,
    )
    offers = tmp_path / "angebote.csv"
    offers.write_text(
        "Name;Träger;Adresse;PLZ\n"
        + "".join(f"Angebot {n};Träger {n % 7};Hauptstraße {n};12345\n" for n in range(300)),
        encoding="utf-8",
    )

    # The hook pauses after the offers are written, inside the still open transaction.
    importer = subprocess.Popen(
        [sys.executable, "-m", "lueckenlos", "import_offers", str(offers), "--kommune=testhausen"],
        env={**env, PAUSE_VARIABLE: "60"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in importer.stderr:
            if "import paused inside its transaction" in line:
                break
        else:
            raise AssertionError(f"the import never reached its pause (exit {importer.wait()})")
        importer.send_signal(signal.SIGKILL)
    finally:
        importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as connection:
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("catalogue_service", "catalogue_organization", "interop_importrun")
        ]
    # Offers and providers had been written when the process died: none of them is left.
    assert counts == [0, 0, 0]
