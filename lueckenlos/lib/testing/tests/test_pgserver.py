"""The throwaway PostgreSQL server that `make test` runs the whole suite against."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lueckenlos.lib.testing import pgserver

# Runs under the harness: reports what the test needs to know, then fails on purpose.
CHILD = """
import os, sys, psycopg
with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
    row = connection.execute(
        "select rolsuper, current_setting('port'), current_setting('data_directory')"
        " from pg_roles where rolname = current_user"
    ).fetchone()
print(*row)
sys.exit(3)
"""


@pytest.fixture
def bindir() -> Path:
    try:
        return pgserver.find_bindir()
    except pgserver.ServerError as exc:
        pytest.skip(str(exc))


def test_it_runs_the_command_against_a_server_it_removes_afterwards(bindir):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lueckenlos.lib.testing.pgserver",
            "--",
            sys.executable,
            "-c",
            CHILD,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    superuser, port, data_directory = result.stdout.split()
    # pytest-django creates its own test database, which takes a superuser (or CREATEDB).
    assert superuser == "True"
    # The command's exit code is the harness's, so a failing suite fails `make test`.
    assert result.returncode == 3, result.stderr
    # The server is stopped and its files are gone, even though the command failed.
    assert not Path(data_directory).exists()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", int(port))):
        pass
