"""Inserting many rows at once without building a model instance for each.

An import of 100,000 offers writes close to a million rows (offers, locations, links,
terms, languages, costs, phones); Django's bulk_create spends most of its time building
and reading model instances (measured: 50 µs a row). Here each row is a dict of field
values; defaults come from the model, values are prepared for the database by the fields
themselves, and the rows go in with executemany. Like bulk_create it sends no signals:
callers index the offers afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import NOT_PROVIDED, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

CHUNK = 2000


_random_pool: list[bytes] = []


def new_id() -> uuid.UUID:
    """A random (version 4) UUID, as uuid.uuid4() makes it, with fewer calls to the OS."""
    if not _random_pool:
        block = os.urandom(16 * 1024)
        _random_pool.extend(block[i : i + 16] for i in range(0, len(block), 16))
    return uuid.UUID(bytes=_random_pool.pop(), version=4)


def insert(model: type[Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as {field name or attname: value}; return how many."""
    rows = list(rows)
    if not rows:
        return 0
    # The database numbers automatic keys, declared (BigAutoField) or implicit alike.
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            defaults[field.attname] = field.default
        elif field.null:
            defaults[field.attname] = None
    # The connection itself, not the proxy: the proxy looks it up anew on every access.
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    # Table and column names come from the model, values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # Text, numbers and booleans go as they are; the rest through the field's own preparation.
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
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), CHUNK):
            cursor.executemany(sql, prepared[start : start + CHUNK])
    return len(prepared)


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
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in PLAIN_TYPES:
        return None
    if kind == "UUIDField":
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value.hex if isinstance(value, uuid.UUID) else value
    return lambda value: field.get_db_prep_save(value, connection)
