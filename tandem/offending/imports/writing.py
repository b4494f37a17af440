"""Writing validated rows: a staging table, two set-based statements, then bulk history.

The rows go into a temporary staging table (COPY on PostgreSQL), the real table is locked
against other writers, and then one `UPDATE ... FROM` rewrites the rows whose values
differ (`IS DISTINCT FROM`, so that NULL equals NULL) and one `INSERT ... SELECT ... WHERE
NOT EXISTS` adds the new ones. Rows identical to what is stored are not touched at all:
re-importing a file changes nothing, not a timestamp and not an import batch id. The same
SQL runs on SQLite (the demo database), which gives identical results, only slower.
"""

# ruff: noqa: S608  (SQL is built from model table and column names, never from a file's
# contents; every value from a file travels as a parameter or through COPY.)
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import IntegrityError, connection
from django.db.models import Model

from tandem.core.bulk import quote, table_name, write_frame

STAGE = "tandem_import_stage"
KEY = ("source_system", "source_ref")


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def differs(left: str, right: str) -> str:
    """Null-safe inequality: NULL and NULL are equal, NULL and a value differ."""
    operator = "IS DISTINCT FROM" if is_postgresql() else "IS NOT"
    return f"{left} {operator} {right}"


def execute(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement; return its rows if it has any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def adapt_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def adapt_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def column_types(model: type[Model]) -> dict[str, str]:
    """Each column of the model's table and its SQL type, for staging tables shaped like it."""
    return {
        f.column: f.db_type(connection)  # type: ignore[misc]
        for f in model._meta.concrete_fields
        if f.db_type(connection)
    }


@contextmanager
def temp_table(name: str, columns: dict[str, str]) -> Iterator[str]:
    """A temporary table for the length of the block (rolled back with it on error)."""
    execute(f"DROP TABLE IF EXISTS {quote(name)}")
    definition = ", ".join(f"{quote(c)} {t}" for c, t in columns.items())
    execute(f"CREATE TEMPORARY TABLE {quote(name)} ({definition})")
    yield name
    execute(f"DROP TABLE {quote(name)}")


def analyze(name: str) -> None:
    """Statistics for a temporary table on PostgreSQL: without them the planner guesses a
    few hundred rows and picks nested loops over a hundred thousand."""
    if is_postgresql():
        execute(f"ANALYZE {quote(name)}")


def create_as(name: str, select: str, params: Sequence[Any] = ()) -> None:
    """A temporary table holding a query's rows, with statistics."""
    execute(f"DROP TABLE IF EXISTS {quote(name)}")
    execute(f"CREATE TEMPORARY TABLE {quote(name)} AS {select}", params)
    analyze(name)


@contextmanager
def staged(
    frame: pl.DataFrame,
    types: dict[str, str],
    on_chunk: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The frame in the staging table, typed column by column from `types`."""
    with temp_table(STAGE, {c: types[c] for c in frame.columns}) as name:
        write_frame(name, frame, on_chunk=on_chunk)
        analyze(name)
        yield name


def lock_referenced(ids: pl.Series, model: type[Model]) -> None:
    """Check that every id exists in the model's table, locking those rows.

    What a foreign-key constraint does row by row, in one statement: the referenced rows are
    locked FOR KEY SHARE (on PostgreSQL; SQLite locks the whole file) so that they cannot be
    deleted until this transaction ends. Raises IntegrityError if any is missing.
    """
    wanted = ids.drop_nulls().unique().sort().to_list()
    if not wanted:
        return
    table = quote(table_name(model))
    param: Any
    if is_postgresql():
        match, lock, param = "= ANY(%s)", " FOR KEY SHARE", wanted
    else:
        match, lock, param = "IN (SELECT value FROM json_each(%s))", "", json.dumps(wanted)
    found = execute(
        f"SELECT count(*) FROM (SELECT id FROM {table} WHERE id {match}{lock}) x", [param]
    )[0][0]
    if found != len(wanted):
        # No ids in the message: the caller reports a refusal without values.
        raise IntegrityError(f"{len(wanted) - found} referenced rows missing from {table}")


@dataclass
class Upsert:
    """How staged rows go into a table keyed by (source_system, source_ref)."""

    model: type[Model]
    columns: list[str]  # staged columns written to new rows
    compared: list[str]  # columns whose difference makes a row changed (and are updated)
    constants: dict[str, Any] = field(default_factory=dict)  # parameters for new rows
    also_update: list[str] = field(default_factory=list)  # constants also set on changed rows
    # New rows in this order get ids in this order on every database. Costs a sort: left
    # out for offences, whose ids nothing depends on.
    order_by: list[str] = field(default_factory=list)

    @property
    def table(self) -> str:
        return quote(table_name(self.model))

    def _key_join(self, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{quote(k)} = {right}.{quote(k)}" for k in KEY)

    def _changed(self, target: str, source: str) -> str:
        return " OR ".join(
            differs(f"{target}.{quote(c)}", f"{source}.{quote(c)}") for c in self.compared
        )

    def run(self, touched: str | None = None) -> tuple[int, int]:
        """Write the staged rows; return (inserted, updated). Unchanged rows are untouched.

        With `touched`, the id of every inserted or updated row goes into that table
        (columns id, inserted), for history rows and the steps that follow.
        """
        stage, table = quote(STAGE), self.table
        if is_postgresql():
            # No other transaction may write the table until this one ends (readers carry
            # on). That makes "exists" and "new" certain for the two statements below, so
            # no ON CONFLICT is needed: its speculative insertion costs about a quarter of
            # the time of a million-row import. On SQLite the write lock is the whole file.
            execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        changed = f"{self._key_join('t', 's')} AND ({self._changed('t', 's')})"
        if touched:
            execute(
                f"INSERT INTO {quote(touched)} (id, inserted) SELECT t.id, false "
                f"FROM {table} t JOIN {stage} s ON {changed}"
            )
        assignments = [f"{quote(c)} = s.{quote(c)}" for c in self.compared]
        assignments += [f"{quote(c)} = %s" for c in self.also_update]
        last_id = execute(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {', '.join(assignments)} FROM {stage} s WHERE {changed}",
                [self.constants[c] for c in self.also_update],
            )
            updated = cursor.rowcount
            names = [*self.columns, *self.constants]
            values = [f"s.{quote(c)}" for c in self.columns] + ["%s"] * len(self.constants)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(n) for n in names)}) "
                f"SELECT {', '.join(values)} FROM {stage} s WHERE NOT EXISTS "
                f"(SELECT 1 FROM {table} t WHERE {self._key_join('t', 's')})"
                + (
                    f" ORDER BY {', '.join(f's.{quote(c)}' for c in self.order_by)}"
                    if self.order_by
                    else ""
                ),
                list(self.constants.values()),
            )
            inserted = cursor.rowcount
        if touched:
            # Ids only grow, and nobody else can insert while the table is locked.
            execute(
                f"INSERT INTO {quote(touched)} (id, inserted) SELECT id, true FROM {table} "
                "WHERE id > %s",
                [last_id],
            )
        return inserted, updated


TOUCHED_COLUMNS = {"id": "bigint PRIMARY KEY", "inserted": "boolean"}
_HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def history_insert(
    model: type[Model], touched: str, *, when: dt.datetime, user_id: int | None, reason: str
) -> int:
    """One history row per touched record ('+' inserted, '~' changed), in one statement.

    The same rows django-simple-history would write on save(), copied from the table, so the
    person's change history shows the import like any other change.
    """
    historical = model.history.model  # type: ignore[attr-defined]
    copied = [f.column for f in historical._meta.concrete_fields if f.name not in _HISTORY_OWN]
    columns = ", ".join(quote(c) for c in copied)
    source = ", ".join(f"m.{quote(c)}" for c in copied)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table_name(historical))} ({columns}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {source}, %s, %s, CASE WHEN x.inserted THEN '+' ELSE '~' END, %s "
            f"FROM {quote(table_name(model))} m JOIN {quote(touched)} x ON x.id = m.id "
            # In record order, so that both databases number the history rows alike.
            "ORDER BY m.id",
            [adapt_datetime(when), reason, user_id],
        )
        return cursor.rowcount
