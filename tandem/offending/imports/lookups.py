"""Small reference frames read from the database once per import, joined to the file in polars.

Areas and offence types are tens of rows; people and PNC numbers are at most a few hundred
thousand, fetched in one query each. Joining them to a million rows in polars takes well
under a second, and the file's rows never travel to the database to be checked.
"""

# ruff: noqa: S608  (SQL is built from model table and column names, never from a file's
# contents; every value from a file travels as a parameter or through COPY.)
from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from tandem.core.bulk import fetch_frame, quote, table_name
from tandem.core.models import Area
from tandem.people.models import Identifier, IdentifierKind, Person

from ..models import OffenceType


def areas() -> pl.DataFrame:
    """area code in lower case -> area id."""
    frame = fetch_frame(
        f"SELECT code, id FROM {quote(table_name(Area))}",
        [],
        {"code": pl.String, "area_id": pl.Int64},
    )
    return frame.with_columns(pl.col("code").str.strip_chars().str.to_lowercase()).unique(
        "code", keep="first", maintain_order=True
    )


def offence_types() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(Tandem code -> id, Home Office code -> id or null where several types share it).

    Both keyed in lower case. A Home Office code shared by two offence types cannot say
    which is meant, so it maps to null and the row is told to use the Tandem code.
    """
    frame = fetch_frame(
        f"SELECT code, home_office_code, id FROM {quote(table_name(OffenceType))}",
        [],
        {"code": pl.String, "home_office_code": pl.String, "offence_type_id": pl.Int64},
    ).with_columns(
        pl.col("code", "home_office_code").str.strip_chars().str.to_lowercase(),
    )
    codes = frame.select("code", "offence_type_id").unique("code", keep="first")
    home_office = (
        frame.filter(pl.col("home_office_code") != "")
        .group_by("home_office_code")
        .agg(pl.col("offence_type_id").first(), pl.len().alias("types"))
        .select(
            pl.col("home_office_code").alias("code"),
            pl.when(pl.col("types") == 1).then(pl.col("offence_type_id")).alias("ho_type_id"),
        )
    )
    return codes, home_office


def people(source_systems: Sequence[str]) -> pl.DataFrame:
    """(source_system, source_ref) -> person id, for people imported from these systems."""
    schema = {"source_system": pl.String, "source_ref": pl.String, "person_id": pl.Int64}
    # A value no person can have (PostgreSQL text cannot even hold NUL) is not asked about.
    source_systems = [s for s in source_systems if "\x00" not in s and len(s) <= 50]
    if not source_systems:
        return pl.DataFrame(schema=schema)
    placeholders = ", ".join(["%s"] * len(source_systems))
    return fetch_frame(
        f"SELECT source_system, source_ref, id FROM {quote(table_name(Person))} "
        f"WHERE source_ref <> '' AND source_system IN ({placeholders})",
        list(source_systems),
        schema,
    )


PNC_SCHEMA = {
    "pnc_key": pl.String,
    "pnc_person_id": pl.Int64,
    "pnc_source_system": pl.String,
    "pnc_source_ref": pl.String,
}


def pnc_numbers_empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PNC_SCHEMA)


def pnc_numbers() -> pl.DataFrame:
    """PNC key -> the person holding it, with that person's source system and reference."""
    return fetch_frame(
        f"SELECT i.value_key, i.person_id, p.source_system, p.source_ref "
        f"FROM {quote(table_name(Identifier))} i "
        f"JOIN {quote(table_name(Person))} p ON p.id = i.person_id WHERE i.kind = %s",
        [IdentifierKind.PNC.value],
        PNC_SCHEMA,
    ).unique("pnc_key", keep="first")
