"""Every interface language's catalogue must cover every string (German first).

These tests need GNU gettext (msgfmt, msgmerge, msgattrib), which `make test` installs.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale"
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]


def run(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout + result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    statistics = run("msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po))
    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language, tmp_path):
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    run("msgfmt", "-o", str(fresh), str(folder / "django.po"))
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        # Compare the catalogues, not the bytes: gettext versions lay out files differently.
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "django.mo is stale: run `make messages`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_translated(language, tmp_path, settings):
    """Extract the strings afresh from a copy of the code and merge the committed catalogue."""
    copy = tmp_path / "lueckenlos"
    shutil.copytree(
        PACKAGE,
        copy,
        ignore=shutil.ignore_patterns("data", "__pycache__", "vendor", "*.mo", "tests"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = Path.cwd()
    try:
        os.chdir(copy)
        call_command("makemessages", locale=[language], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    extracted = copy / "locale" / language / "LC_MESSAGES" / "django.po"
    merged = tmp_path / "merged.po"
    run(
        "msgmerge",
        "--quiet",
        "--no-fuzzy-matching",
        "-o",
        str(merged),
        str(LOCALE / language / "LC_MESSAGES" / "django.po"),
        str(extracted),
    )
    missing = run("msgattrib", "--untranslated", "--no-obsolete", str(merged))
    msgids = [
        line for line in missing.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
    ]
    assert not msgids, "untranslated strings (run `make messages` and translate):\n" + "\n".join(
        msgids
    )
