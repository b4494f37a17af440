"""Vectorised validation: each rule is a polars expression giving a reason where a row fails.

A rule never loops over rows in Python, so a million rows are checked in a second or two.
Each rule yields a reason (text) on the rows it rejects and null elsewhere; `find_errors`
gathers every reason of every rule, so a bad row never hides another and a row can have
several errors. Reasons name columns and rules, never a cell's value: error files and
pages then carry no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from .progress import Progress
from .reading import ROW

EARLIEST_DATE = dt.date(1900, 1, 1)
ERROR_SCHEMA = {"row": pl.UInt32, "column": pl.String, "reason": pl.String}


@dataclass(frozen=True)
class Check:
    """One rule: the column an error is reported against, and the reason expression."""

    column: str
    reason: pl.Expr


def typed(column: str, kind: str) -> str:
    """The name of a derived column, such as the parsed date of `offence_date`.

    A colon cannot collide with a file's columns: specs keep only the columns they know.
    """
    return f"{column}:{kind}"


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def find_errors(frame: pl.DataFrame, checks: Sequence[Check], progress: Progress) -> pl.DataFrame:
    """Every error of every check, ordered by row and then by the order of the checks."""
    parts = []
    for order, check in enumerate(checks):
        parts.append(
            frame.select(
                pl.col(ROW).cast(pl.UInt32).alias("row"),
                pl.lit(check.column, dtype=pl.String).alias("column"),
                check.reason.cast(pl.String).alias("reason"),
                pl.lit(order, dtype=pl.UInt32).alias("order"),
            ).filter(pl.col("reason").is_not_null())
        )
        progress.advance()
    if not parts:
        return empty_errors()
    return pl.concat(parts).sort("row", "order").drop("order")


def when_all(conditions: Iterable[tuple[pl.Expr, str]]) -> pl.Expr:
    """The reason of the first condition that holds, or null: one error per cell at most."""
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    # Built from the last rule back, so the first rule that holds wins.
    for condition, text in reversed(list(conditions)):
        reason = pl.when(condition).then(pl.lit(text)).otherwise(reason)
    return reason


def text_check(column: str, *, required: bool, max_length: int) -> Check:
    """Free text: present if required, not too long, and free of NUL characters."""
    value = pl.col(column)
    rules = []
    if required:
        rules.append((value.is_null(), f"{column} is blank, but it is required"))
    rules += [
        (value.str.len_chars() > max_length, f"{column} must be {max_length} characters or fewer"),
        # PostgreSQL text cannot hold NUL; files exported from binary tools sometimes do.
        (value.str.contains("\x00", literal=True), f"{column} contains a NUL character"),
    ]
    return Check(column, when_all(rules))


def parse_date(column: str) -> pl.Expr:
    """The cell as a date, from YYYY-MM-DD or DD/MM/YYYY; null if blank or not a real date.

    The parser rejects impossible days (31/02/2025) and anything after the date; a two-digit
    year parses as the first century and is then refused by date_check's 1900 floor.
    """
    value = pl.col(column)
    return pl.coalesce(
        value.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        value.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
    ).alias(typed(column, "date"))


def date_check(
    column: str,
    *,
    required: bool,
    today: dt.date,
    extra: Sequence[tuple[pl.Expr, str]] = (),
) -> Check:
    """A real date (31/02/2025 is not), not in the future and not before 1900, then `extra`."""
    raw, parsed = pl.col(column), pl.col(typed(column, "date"))
    rules = []
    if required:
        rules.append((raw.is_null(), f"{column} is blank, but it is required"))
    rules += [
        (
            raw.is_not_null() & parsed.is_null(),
            f"{column} must be a real date written as YYYY-MM-DD or DD/MM/YYYY",
        ),
        (parsed > pl.lit(today), f"{column} must be today or in the past"),
        (
            parsed < pl.lit(EARLIEST_DATE),
            f"{column} must be on or after 1 January 1900, with the year in full",
        ),
        *extra,
    ]
    return Check(column, when_all(rules))


def choice_value(column: str, accepted: Mapping[str, str]) -> pl.Expr:
    """The stored value for the cell (matched without regard to case), or null if unknown."""
    return (
        pl.col(column)
        .str.to_lowercase()
        .replace_strict(dict(accepted), default=None, return_dtype=pl.String)
        .alias(typed(column, "value"))
    )


def choice_check(column: str, accepted: Mapping[str, str], *, required: bool) -> Check:
    """One of the listed values; the reason lists them, since they are not personal data."""
    raw, value = pl.col(column), pl.col(typed(column, "value"))
    listing = ", ".join(dict.fromkeys(accepted))
    rules = []
    if required:
        rules.append((raw.is_null(), f"{column} is blank, but it is required"))
    rules.append((raw.is_not_null() & value.is_null(), f"{column} must be one of: {listing}"))
    return Check(column, when_all(rules))


def repeat_check(column: str, key: Sequence[str], scope: str) -> Check:
    """Every row whose key (such as source system and reference) is on another row too.

    All copies are rejected, not just the later ones: which copy is right cannot be known.
    """
    present = pl.all_horizontal([pl.col(k).is_not_null() for k in key])
    repeated = present & (pl.len().over(key) > 1)
    first = pl.col(ROW).min().over(key)
    reason = pl.format(f"{column} appears on more than one row {scope} (first on row {{}})", first)
    return Check(column, pl.when(repeated).then(reason))


def name_key(column: str) -> pl.Expr:
    """tandem.people.names.name_key, vectorised: NFKD, ASCII only, lower case, a-z and 0-9."""
    return (
        pl.col(column)
        .fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", "")
    )


def identifier_key(column: str) -> pl.Expr:
    """tandem.people.names.identifier_key, vectorised: name_key in upper case."""
    return name_key(column).str.to_uppercase()
