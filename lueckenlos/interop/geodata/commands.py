"""What the geodata import commands share: reading the file, finding the Kommune, reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.interop.geodata.errors import ImportRejected, OptionError
from lueckenlos.interop.tabular import DEFAULT_MAX_IMPORT_BYTES, Table, TableError, read_table

# More problems than this are summed up: a wrong column mapping fails every row alike.
MAX_PROBLEMS_SHOWN = 200


def read_file(path: str) -> tuple[bytes, str]:
    try:
        return Path(path).read_bytes(), Path(path).name
    except OSError as exc:
        raise CommandError(
            _("The file %(path)s cannot be read: %(reason)s")
            % {"path": path, "reason": exc.strerror or exc}
        ) from exc


def table_from_file(path: str, *, sheet: str | None = None) -> Table:
    data, name = read_file(path)
    try:
        return read_table(data, filename=name, sheet=sheet)
    except TableError as exc:
        raise CommandError(str(exc)) from exc


def kommune_by_slug(slug: str) -> Kommune:
    kommune = Kommune.objects.filter(slug=slug).first()
    if kommune is None:
        known = ", ".join(Kommune.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(
            _("--kommune: there is no Kommune “%(slug)s”; known are: %(known)s.")
            % {"slug": slug, "known": known or "–"}
        )
    return kommune


@contextlib.contextmanager
def import_errors_as_command_errors(stderr) -> Iterator[None]:
    """Every problem of a rejected file on stderr, then a CommandError: nothing was changed."""
    try:
        yield
    except ImportRejected as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            stderr.write(str(problem))
        hidden = len(exc.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            stderr.write(_("… and %(count)s more problems.") % {"count": hidden})
        raise CommandError(
            _("%(count)s problems found; nothing was imported.") % {"count": len(exc.problems)}
        ) from exc
    except (OptionError, TableError) as exc:
        raise CommandError(str(exc)) from exc


@contextlib.contextmanager
def maybe_rolled_back(dry_run: bool) -> Iterator[None]:
    """One transaction; with --dry-run it is rolled back after the report is made."""
    with transaction.atomic():
        yield
        if dry_run:
            transaction.set_rollback(True)


def parse_pairs(text: str, *, option: str) -> dict[str, str]:
    """ "street=Straße,number=Nr" → {"street": "Straße", "number": "Nr"}."""
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CommandError(
                _("%(option)s: “%(part)s” is not of the form name=column.")
                % {"option": option, "part": part}
            )
        pairs[key.strip()] = value.strip()
    return pairs


def is_geojson(data: bytes, name: str) -> bool:
    return name.lower().endswith((".geojson", ".json")) or data.lstrip()[:1] == b"{"


def check_size(data: bytes, name: str) -> None:
    """The size limit read_table applies, for files read without it (area boundaries)."""
    limit = getattr(settings, "LUECKENLOS_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES)
    if len(data) > limit:
        raise CommandError(
            _("The file %(filename)s is too large (%(size)s MB); at most %(limit)s MB.")
            % {
                "filename": name,
                "size": len(data) // (1024 * 1024),
                "limit": limit // (1024 * 1024),
            }
        )
