"""PNC numbers, and finding the person an offence or drug test belongs to.

A row names its person by `person_ref` (a person imported from the same source system) or
by `pnc`, or both. The person must be in Tandem already or in a people file imported in
the same batch. Each is found by a polars join against lookup frames, never row by row.
"""

from __future__ import annotations

import polars as pl

from .validation import Check, identifier_key, typed, when_all

# The PNC check character: the two-digit year and the serial padded to seven digits, read as
# one number, modulo 23 indexes this alphabet (which leaves out I, O and S).
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_PATTERN = r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$"
# The PNC began in 1974, so a two-digit year from 74 is in the 1900s and below it the 2000s.
PNC_FIRST_YEAR = 74

PNC_KEY = typed("pnc", "key")
PNC_VALUE = typed("pnc", "value")
PNC_PROBLEM = typed("pnc", "problem")
PERSON_TOKEN = typed("person", "token")
PERSON_ID = "person_id"


def pnc_columns() -> list[pl.Expr]:
    """The PNC in its long form (2004/0123456B), its search key, and what is wrong with it."""
    value = pl.col("pnc").str.to_uppercase().str.replace_all(r"\s+", "")
    year = value.str.extract(PNC_PATTERN, 1)
    serial = value.str.extract(PNC_PATTERN, 2)
    letter = value.str.extract(PNC_PATTERN, 3)
    two_digit = year.str.slice(-2).cast(pl.Int64, strict=False)
    full_year = (
        pl.when(year.str.len_chars() == 4)
        .then(year.cast(pl.Int64, strict=False))
        .when(two_digit >= PNC_FIRST_YEAR)
        .then(two_digit + 1900)
        .otherwise(two_digit + 2000)
    )
    number = two_digit * 10_000_000 + serial.cast(pl.Int64, strict=False)
    expected = (number % len(PNC_CHECK_LETTERS)).replace_strict(
        dict(enumerate(PNC_CHECK_LETTERS)), default=None, return_dtype=pl.String
    )
    long_form = pl.format("{}/{}{}", full_year, serial.str.zfill(7), letter)
    problem = when_all(
        [
            (
                pl.col("pnc").is_not_null() & year.is_null(),
                "pnc must be a PNC number such as 2004/0123456B",
            ),
            (
                pl.col("pnc").is_not_null() & (expected != letter),
                "pnc has the wrong check letter for its number; check it for a typing error",
            ),
        ]
    )
    return [
        pl.when(problem.is_null()).then(long_form).alias(PNC_VALUE),
        problem.alias(PNC_PROBLEM),
    ]


def pnc_key_column() -> pl.Expr:
    """The identifier key of the long-form PNC, as Identifier.value_key holds it."""
    return identifier_key(PNC_VALUE).replace("", None).alias(PNC_KEY)


def pnc_check() -> Check:
    return Check("pnc", pl.col(PNC_PROBLEM))


def _db_token(column: str) -> pl.Expr:
    return pl.format("db:{}", pl.col(column))


def _new_token(index: str) -> pl.Expr:
    # A person in a people file of this batch but not yet in Tandem: their row in `pending`.
    return pl.format("new:{}", pl.col(index))


def person_lookups(
    db_people: pl.DataFrame, db_pncs: pl.DataFrame, pending: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(system, ref) -> person token and PNC key -> person token, batch files included.

    A token is "db:<id>" for a person in Tandem and "new:<n>" for the nth person that people
    files of this batch will create, so two ways of naming a person can be compared before
    they exist. A PNC number given in this batch's people files wins over the database's.
    """
    by_ref = db_people.select(
        "source_system", "source_ref", _db_token("person_id").alias("ref_token")
    )
    pending = (
        pending.with_row_index("pending_index")
        .join(by_ref, on=["source_system", "source_ref"], how="left", maintain_order="left")
        .with_columns(pl.coalesce("ref_token", _new_token("pending_index")).alias("ref_token"))
    )
    by_ref = pl.concat([by_ref, pending.select("source_system", "source_ref", "ref_token")]).unique(
        ["source_system", "source_ref"], keep="first"
    )
    by_pnc = pl.concat(
        [
            pending.filter(pl.col("pnc_key").is_not_null()).select(
                "pnc_key", pl.col("ref_token").alias("pnc_token")
            ),
            db_pncs.select("pnc_key", _db_token("pnc_person_id").alias("pnc_token")),
        ]
    ).unique("pnc_key", keep="first", maintain_order=True)
    return by_ref, by_pnc


def resolve_person(frame: pl.DataFrame, by_ref: pl.DataFrame, by_pnc: pl.DataFrame) -> pl.DataFrame:
    """Adds the person's token and, for people already in Tandem, their id."""
    frame = frame.join(
        by_ref,
        left_on=["source_system", "person_ref"],
        right_on=["source_system", "source_ref"],
        how="left",
        maintain_order="left",
    ).join(by_pnc, left_on=PNC_KEY, right_on="pnc_key", how="left", maintain_order="left")
    token = pl.coalesce("ref_token", "pnc_token")
    return frame.with_columns(
        token.alias(PERSON_TOKEN),
        pl.when(token.str.starts_with("db:"))
        .then(token.str.slice(3).cast(pl.Int64, strict=False))
        .alias(PERSON_ID),
    )


def person_checks() -> list[Check]:
    """Someone is named; whoever is named exists; two names for them agree."""
    ref, pnc = pl.col("person_ref"), pl.col("pnc")
    elsewhere = "in Tandem or in a people file imported with this one"
    return [
        Check(
            "person_ref",
            when_all(
                [
                    (
                        ref.is_null() & pnc.is_null(),
                        "person_ref and pnc are both blank; give one to say whose record this is",
                    ),
                    (
                        ref.is_not_null() & pl.col("ref_token").is_null(),
                        f"person_ref matches no person from this source_system {elsewhere}",
                    ),
                ]
            ),
        ),
        Check(
            "pnc",
            when_all(
                [
                    (
                        pl.col(PNC_KEY).is_not_null() & pl.col("pnc_token").is_null(),
                        f"pnc matches no person {elsewhere}",
                    ),
                    (
                        pl.col("ref_token").is_not_null()
                        & pl.col("pnc_token").is_not_null()
                        & (pl.col("ref_token") != pl.col("pnc_token")),
                        "pnc belongs to a different person from person_ref",
                    ),
                ]
            ),
        ),
    ]


def fill_new_person_ids(
    frame: pl.DataFrame, pending: pl.DataFrame, db_people: pl.DataFrame
) -> pl.DataFrame:
    """Person ids for rows naming people that a people file of this batch has just written."""
    if frame.filter(pl.col(PERSON_ID).is_null()).height == 0:
        return frame
    index = pl.col(PERSON_TOKEN).str.strip_prefix("new:").cast(pl.UInt32, strict=False)
    written = (
        pending.with_row_index("_index")
        .join(db_people, on=["source_system", "source_ref"], how="inner")
        .select("_index", pl.col("person_id").alias("_new_id"))
    )
    return (
        frame.with_columns(index.alias("_index"))
        .join(written, on="_index", how="left", maintain_order="left")
        .with_columns(pl.coalesce(PERSON_ID, "_new_id").alias(PERSON_ID))
        .drop("_index", "_new_id")
    )
