"""Run a command against a throwaway PostgreSQL server.

    python -m lueckenlos.lib.testing.pgserver -- python -m pytest

The server lives in a temporary directory, listens on 127.0.0.1 on a free port with trust
authentication, and is stopped and deleted when the command ends, however it ends. The command
gets DATABASE_URL pointing at a superuser role, so pytest-django can create its test database.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "lueckenlos"
DATABASE = "lueckenlos"
DEBIAN_VERSIONS = Path("/usr/lib/postgresql")
# initdb refuses to run as root; Debian's package creates `postgres`, every system has `nobody`.
UNPRIVILEGED_USERS = ("postgres", "nobody")
# Durability is worthless for a server that lives as long as one test run; speed is not.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
START_ATTEMPTS = 3

USAGE = """usage: python -m lueckenlos.lib.testing.pgserver -- COMMAND [ARG ...]

Start a throwaway PostgreSQL server, run COMMAND with DATABASE_URL set to it, stop the server
and exit with COMMAND's exit code."""


class ServerError(Exception):
    """The throwaway server could not be set up; the message says why."""


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    bindir: Path


def find_bindir() -> Path:
    """The directory of initdb and pg_ctl: the newest Debian version, else pg_config, else PATH."""
    candidates = [path / "bin" for path in DEBIAN_VERSIONS.glob("*") if _version(path.name)]
    candidates = [path for path in candidates if (path / "initdb").is_file()]
    if candidates:
        return max(candidates, key=lambda path: _version(path.parent.name))
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise ServerError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the `postgresql` package."
    )


def _version(name: str) -> tuple[int, ...]:
    parts = name.split(".")
    return tuple(int(part) for part in parts) if all(p.isdigit() for p in parts) else ()


def _unprivileged_user() -> pwd.struct_passwd:
    for name in UNPRIVILEGED_USERS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ServerError(f"running as root, but none of the users {UNPRIVILEGED_USERS} exists.")


def _free_port() -> int:
    # The port may be taken again before the server binds it; starting is retried if so.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Runner:
    """Runs the server's programs as the owner of its data directory."""

    def __init__(self, owner: pwd.struct_passwd | None, workdir: Path) -> None:
        self.owner = owner
        self.workdir = workdir

    def __call__(self, args: Sequence[str | Path]) -> subprocess.CompletedProcess[str]:
        kwargs: dict = {}
        if self.owner is not None:
            kwargs = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(arg) for arg in args],
            cwd=self.workdir,  # the caller's directory may be closed to the unprivileged user
            capture_output=True,
            text=True,
            # A new session keeps the terminal's Ctrl-C away from the postmaster: the command
            # under test must be able to finish its clean-up before the server stops.
            start_new_session=True,
            **kwargs,
        )


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """Start a server in a temporary directory; stop it and delete the directory on exit."""
    bindir = find_bindir()
    owner = _unprivileged_user() if os.geteuid() == 0 else None
    workdir = Path(tempfile.mkdtemp(prefix="lueckenlos-pg-"))
    data = workdir / "data"
    log = workdir / "server.log"
    run = _Runner(owner, workdir)
    try:
        if owner is not None:
            os.chown(workdir, owner.pw_uid, owner.pw_gid)
        initdb = run(
            [
                bindir / "initdb",
                "--pgdata",
                data,
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                # C.UTF-8 is in every glibc and makes upper()/lower() work beyond ASCII.
                "--locale",
                "C.UTF-8",
                "--no-sync",
            ]
        )
        if initdb.returncode != 0:
            raise ServerError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        port = _start(run, bindir, data, log, workdir)
        createdb = subprocess.run(
            [bindir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE],
            capture_output=True,
            text=True,
        )
        if createdb.returncode != 0:
            raise ServerError(f"createdb failed:\n{createdb.stdout}{createdb.stderr}")
        yield Server(
            url=f"postgres://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}", port=port, bindir=bindir
        )
    finally:
        if (data / "postmaster.pid").exists():
            run([bindir / "pg_ctl", "--pgdata", data, "--mode", "fast", "--wait", "stop"])
        shutil.rmtree(workdir, ignore_errors=True)


def _start(run: _Runner, bindir: Path, data: Path, log: Path, socket_dir: Path) -> int:
    for _attempt in range(START_ATTEMPTS):
        port = _free_port()
        settings = {
            **SERVER_SETTINGS,
            "port": str(port),
            "unix_socket_directories": str(socket_dir),
        }
        options = " ".join(f"-c {shlex.quote(f'{key}={value}')}" for key, value in settings.items())
        started = run(
            [
                bindir / "pg_ctl",
                "--pgdata",
                data,
                "--log",
                log,
                "--wait",
                "--options",
                options,
                "start",
            ]
        )
        if started.returncode == 0:
            return port
    server_log = log.read_text(errors="replace") if log.exists() else ""
    raise ServerError(f"pg_ctl start failed:\n{started.stdout}{started.stderr}{server_log}")


def run_with_server(command: Sequence[str]) -> int:
    """Run command with DATABASE_URL set to a throwaway server; return its exit code."""
    with running_server() as server:
        print(f"pgserver: {server.url} ({server.bindir})", file=sys.stderr, flush=True)
        env = {**os.environ, "DATABASE_URL": server.url}
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as exc:
            print(f"pgserver: cannot run {command[0]}: {exc}", file=sys.stderr)
            return 127
        previous = signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))
        try:
            while True:
                try:
                    code = child.wait()
                    break
                except KeyboardInterrupt:
                    # The child got the same Ctrl-C; let it finish before the server goes.
                    continue
        finally:
            signal.signal(signal.SIGTERM, previous)
    # A child killed by a signal exits like a shell reports it: 128 + the signal number.
    return code if code >= 0 else 128 - code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE, file=sys.stderr)
        return 0 if args else 2
    try:
        return run_with_server(args)
    except ServerError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
