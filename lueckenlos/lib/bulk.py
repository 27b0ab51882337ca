"""Inserting many rows at once without building a model instance for each.

An import of 100,000 offers writes close to a million rows (offers, locations, links,
terms, languages, costs, phones); Django's bulk_create spends most of its time building
and reading model instances (measured: 50 µs a row). Here each row is a dict of field
values; defaults come from the model, values are prepared for the database by the fields
themselves, and the rows go in with executemany. Like bulk_create it sends no signals:
callers index the offers afterwards.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import NOT_PROVIDED, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

CHUNK = 2000
# Allocations between two passes of the youngest generation while `fewer_gc_passes` holds.
GC_THRESHOLD = 50_000


_random_pool: list[bytes] = []


def new_id() -> uuid.UUID:
    """A random (version 4) UUID, as uuid.uuid4() makes it, with fewer calls to the OS."""
    if not _random_pool:
        block = os.urandom(16 * 1024)
        _random_pool.extend(block[i : i + 16] for i in range(0, len(block), 16))
    return uuid.UUID(bytes=_random_pool.pop(), version=4)


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_thresholds: tuple[int, ...] = ()


@contextlib.contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Let the garbage collector pass less often during a bulk load.

    A load keeps hundreds of thousands of objects alive (the rows read, the preview), and
    CPython's collector passes over all of them again and again as they accumulate: on an
    import of 10,000 offers that cost more time than the indexing. What existed before the
    load is frozen (left out of every pass), and the youngest generation is collected every
    GC_THRESHOLD allocations instead of 700. Safe for memory only where the load makes
    little cyclic garbage (lueckenlos.search.indexing reads plain values, not model
    instances that point at each other). Nested and concurrent holders share one setting,
    restored by the last.
    """
    global _gc_holders, _gc_thresholds
    with _gc_lock:
        if _gc_holders == 0:
            _gc_thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, 20, 100)
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                gc.set_threshold(*_gc_thresholds)
                gc.unfreeze()


def insert(model: type[Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as {field name or attname: value}; return how many."""
    rows = list(rows)
    if not rows:
        return 0
    fields = _insert_fields(model)
    # The connection itself, not the proxy: the proxy looks it up anew on every access.
    connection = connections[DEFAULT_DB_ALIAS]
    defaults = _defaults(fields)
    preparers = [_preparer(field, connection) for field in fields]
    prepared = []
    for row in rows:
        values = []
        for field, prepare in zip(fields, preparers, strict=True):
            if field.attname in row:
                value = row[field.attname]
            elif field.name in row:
                value = row[field.name]
            elif field.attname in defaults:
                value = defaults[field.attname]
            else:
                value = field.get_default()
            values.append(value if prepare is None else prepare(value))
        prepared.append(values)
    _execute(connection, model, fields, prepared)
    return len(prepared)


def insert_tuples(
    model: type[Model],
    columns: list[str],
    rows: Iterable[tuple],
    *,
    ignore_conflicts: bool = False,
) -> int:
    """Insert rows given as tuples of the named fields' values, in that order; return how
    many were given. The fastest way in: no dict per row, and values that the database takes
    as they are (text, numbers, keys to such) are passed on untouched. With
    `ignore_conflicts` a row that would break a unique constraint is left out."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [model._meta.get_field(name) for name in columns]
    preparers = [(i, _preparer(field, connection)) for i, field in enumerate(fields)]
    preparers = [(i, prepare) for i, prepare in preparers if prepare is not None]
    if preparers:
        prepared = []
        for row in rows:
            values = list(row)
            for i, prepare in preparers:
                values[i] = prepare(values[i])
            prepared.append(values)
    else:
        prepared = rows if isinstance(rows, list) else list(rows)
    if prepared:
        _execute(connection, model, fields, prepared, ignore_conflicts=ignore_conflicts)
    return len(prepared)


def _insert_fields(model: type[Model]) -> list:
    # The database numbers automatic keys, declared (BigAutoField) or implicit alike.
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]


def _defaults(fields: list) -> dict[str, Any]:
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            defaults[field.attname] = field.default
        elif field.null:
            defaults[field.attname] = None
    return defaults


def _execute(connection, model, fields, prepared, *, ignore_conflicts: bool = False) -> None:
    quote = connection.ops.quote_name
    # Table and column names come from the model, values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        # The same words on SQLite (3.24 and later) and PostgreSQL.
        " ON CONFLICT DO NOTHING" if ignore_conflicts else "",
    )
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start : start + CHUNK])


PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "FloatField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def _preparer(field, connection):
    """None for values that go as they are, else a function preparing a value."""
    target = field
    while target.is_relation:  # a key to a key (OfferWord → OfferDocument → Service)
        target = target.target_field
    kind = target.get_internal_type()
    if kind in PLAIN_TYPES:
        return None
    if kind == "UUIDField":
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value.hex if isinstance(value, uuid.UUID) else value
    return lambda value: field.get_db_prep_save(value, connection)
