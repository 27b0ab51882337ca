"""Settings come from the environment; production refuses what would be unsafe.

Each case starts a fresh interpreter, since settings are read once at import.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

GOOD_KEY = "k" * 60


def load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "LUECKENLOS_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    environment.update({"LUECKENLOS_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import lueckenlos.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_demo_runs_on_sqlite_with_a_generated_private_key(tmp_path):
    result = load_settings(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False"]
    key_file = tmp_path / "data" / "secret_key"
    assert len(key_file.read_text()) >= 50
    # Only the owner may read the demo's key.
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_demo_keeps_its_key_across_starts(tmp_path):
    load_settings(tmp_path)
    first = (tmp_path / "data" / "secret_key").read_text()
    load_settings(tmp_path)
    assert (tmp_path / "data" / "secret_key").read_text() == first


def test_database_url_selects_postgresql(tmp_path):
    result = load_settings(tmp_path, DATABASE_URL="postgres://u:p@127.0.0.1:5432/x")
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY (or SECRET_KEY_FILE) must be set"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"}, "at least 50 characters"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must be set"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "example.org", "DEBUG": "true"}, "DEBUG"),
    ],
)
def test_production_refuses_unsafe_configuration(tmp_path, env, message):
    result = load_settings(tmp_path, LUECKENLOS_ENV="production", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_when_configured(tmp_path):
    result = load_settings(
        tmp_path, LUECKENLOS_ENV="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="example.org"
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_the_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text(GOOD_KEY + "\n")
    result = load_settings(
        tmp_path,
        LUECKENLOS_ENV="production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a yes/no value"),
        ({"LUECKENLOS_PAGE_SIZE": "0"}, "LUECKENLOS_PAGE_SIZE='0' must be at least 1"),
        ({"LUECKENLOS_PAGE_SIZE": "many"}, "is not a whole number"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL='verbose': use one of"),
        ({"LUECKENLOS_ENV": "staging"}, "LUECKENLOS_ENV='staging'"),
    ],
)
def test_a_value_that_cannot_be_read_stops_the_start(tmp_path, env, message):
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr
