"""`lueckenlos check --deploy` with production settings reports nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "LUECKENLOS_ENV": "production",
        "LUECKENLOS_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "a-test-only-key-that-is-long-and-random-enough-4f9c2a7e1b3d5f7091",
        "ALLOWED_HOSTS": "x",
        "DJANGO_SETTINGS_MODULE": "lueckenlos.settings",
    }
    env.pop("DEBUG", None)
    # Set by the browser tests' plugin for the test process only; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "lueckenlos.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_require_the_second_factor_and_secure_cookies(tmp_path):
    env = {
        **os.environ,
        "LUECKENLOS_ENV": "production",
        "LUECKENLOS_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "a-test-only-key-that-is-long-and-random-enough-4f9c2a7e1b3d5f7091",
        "ALLOWED_HOSTS": "x",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.REQUIRE_SECOND_FACTOR, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_AGE)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env | {"DJANGO_SETTINGS_MODULE": "lueckenlos.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "3600"]


def test_the_demo_waives_the_second_factor():
    # The test run uses the demo settings (LUECKENLOS_ENV unset).
    assert settings.REQUIRE_SECOND_FACTOR is False
