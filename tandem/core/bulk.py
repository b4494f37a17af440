"""Bulk writes of whole tables of rows: PostgreSQL COPY, or batched inserts on SQLite.

Used by imports and by the synthetic city, never for single records (services do those).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Model

# Rows per COPY chunk or executemany batch: big enough to keep the per-call overhead small,
# small enough that a progress bar moves and memory stays flat.
CHUNK_ROWS = 100_000


def table_name(model: type[Model]) -> str:
    return model._meta.db_table


def quote(name: str) -> str:
    """A table or column name quoted for the current database."""
    return connection.ops.quote_name(name)


def _csv_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N", quote_style="always")
    # Quoted "\N" would be text; nulls are written unquoted by replacing the quoted
    # marker, which no real value can contain in quoted form.
    return buffer.getvalue().replace(b'"\\N"', b"\\N")


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and booleans as 0/1, the way Django stores them in SQLite."""
    return frame.with_columns(
        [pl.col(name).dt.to_string("%Y-%m-%d") for name, t in frame.schema.items() if t == pl.Date]
        + [pl.col(name).cast(pl.Int8) for name, t in frame.schema.items() if t == pl.Boolean]
    )


def write_frame(
    table: str,
    frame: pl.DataFrame,
    *,
    chunk_rows: int = CHUNK_ROWS,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Append every row of the frame to a table by name; frame column names are db columns.

    On PostgreSQL this streams CSV into COPY, tens of times faster than INSERTs. Empty
    strings stay empty strings and nulls stay NULL. `on_chunk` hears how many rows each
    chunk wrote, for progress bars.
    """
    if frame.height == 0:
        return 0
    columns = ", ".join(quote(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                for start in range(0, frame.height, chunk_rows):
                    chunk = frame.slice(start, chunk_rows)
                    copy.write(_csv_bytes(chunk))
                    if on_chunk is not None:
                        on_chunk(chunk.height)
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})"
            rows = _for_sqlite(frame)
            for start in range(0, rows.height, chunk_rows):
                chunk = rows.slice(start, chunk_rows)
                cursor.executemany(sql, chunk.rows())
                if on_chunk is not None:
                    on_chunk(chunk.height)
    return frame.height


def insert_frame(model: type[Model], frame: pl.DataFrame, *, batch_size: int = 5000) -> int:
    """Insert every row of the frame into the model's table; column names are db columns."""
    return write_frame(table_name(model), frame, chunk_rows=max(batch_size, CHUNK_ROWS))


def fetch_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a query as a polars frame with the given column names and types."""
    if not params:
        return read_frame(sql, schema)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def read_frame(sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    """Run a query (no parameters) and return its rows as a typed polars frame.

    On PostgreSQL the rows stream out through COPY as CSV, far faster than fetching tuples.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            if buffer.tell() == 0:
                return pl.DataFrame(schema=schema)
            # PostgreSQL writes booleans as t and f: read them as text, then convert.
            booleans = [name for name, kind in schema.items() if kind == pl.Boolean]
            as_text = {n: (pl.String if n in booleans else k) for n, k in schema.items()}
            frame = pl.read_csv(
                buffer.getvalue(), has_header=False, new_columns=list(schema),
                schema_overrides=as_text, try_parse_dates=False,
            )  # fmt: skip
            return frame.with_columns(pl.col(n) == "t" for n in booleans)
        cursor.execute(sql)
        return pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")
