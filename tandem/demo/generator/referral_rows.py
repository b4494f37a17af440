"""Plain rows into the database in one executemany: the demo's referrals write tens of
thousands of rows, and Django's bulk_create (999-parameter batches on SQLite) and bulk_update
(a CASE per row) take seconds over them.
"""

# ruff: noqa: S608  (SQL is built from model table and column names, never from input)

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models import Max, Model


def first_free_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1


def insert_models(model: type[Model], objs: list[Any]) -> None:
    """Insert unsaved instances as they are (ids and creation times included), prepared as
    the ORM prepares them, in one executemany rather than Django's 999-parameter batches."""
    fields = list(model._meta.concrete_fields)
    # Numbers, text and booleans go as they are; dates, times and JSON as the ORM sends them.
    prepared = {f.attname for f in fields
                if isinstance(f, (models.DateField, models.JSONField))}  # fmt: skip
    rows = [
        tuple(f.get_db_prep_save(getattr(o, f.attname), connection) if f.attname in prepared
              else getattr(o, f.attname) for f in fields)
        for o in objs
    ]  # fmt: skip
    insert_many(model, [str(f.column) for f in fields], rows)


def update_many(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Set columns row by row in one executemany: Django's bulk_update builds a CASE per
    row and takes seconds here."""
    if not rows:
        return
    table, q = model._meta.db_table, connection.ops.quote_name
    sets = ", ".join(f"{q(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {q(table)} SET {sets} WHERE {q('id')} = %s", rows)


def insert_many(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows in one executemany, skipping model instances (tens of thousands of
    events would otherwise take seconds to prepare)."""
    if not rows:
        return
    table, q = model._meta.db_table, connection.ops.quote_name
    names = ", ".join(q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {q(table)} ({names}) VALUES ({marks})", rows)
