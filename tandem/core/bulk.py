"""Bulk writes of whole tables of rows: PostgreSQL COPY, or batched inserts on SQLite.

Used by imports and by the synthetic city, never for single records (services do those).
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection
from django.db.models import Model


def table_name(model: type[Model]) -> str:
    return model._meta.db_table


def insert_frame(model: type[Model], frame: pl.DataFrame, *, batch_size: int = 5000) -> int:
    """Insert every row of the frame into the model's table; column names are db columns.

    On PostgreSQL this streams CSV into COPY, tens of times faster than INSERTs. Empty
    strings stay empty strings and nulls stay NULL.
    """
    if frame.height == 0:
        return 0
    table = connection.ops.quote_name(table_name(model))
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="\\N", quote_style="always")
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            # Quoted "\N" would be text; nulls are written unquoted by replacing the quoted
            # marker, which no real value can contain in quoted form.
            data = buffer.getvalue().replace(b'"\\N"', b"\\N")
            with cursor.cursor.copy(sql) as copy:  # type: ignore[attr-defined]
                copy.write(data)
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
            for start in range(0, frame.height, batch_size):
                cursor.executemany(sql, frame.slice(start, batch_size).rows())
    return frame.height
