"""The city as import files in the documented format (docs/data-import.md).

`tandem demo --write-files DIR` writes people.csv, offences.csv and drug-tests.csv, so the
import path can be exercised end to end with realistic volumes. Offences and drug tests
name their person by `person_ref` from the same source system, as the format allows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tandem.people.models import IdentifierKind

from .build import CityData
from .careers import AREA_CODES
from .offencemix import CODES
from .tables import SOURCE_SYSTEM

PEOPLE_COLUMNS = [
    "source_system", "person_ref", "first_name", "middle_names", "last_name", "date_of_birth",
    "sex", "ethnicity", "pnc", "address_line1", "address_line2", "town", "postcode",
    "area_code", "address_from",
]  # fmt: skip
OFFENCE_COLUMNS = [
    "source_system", "offence_ref", "person_ref", "offence_code", "offence_date", "area_code",
    "outcome", "sanction_date", "disposal",
]  # fmt: skip
DRUG_TEST_COLUMNS = [
    "source_system", "test_ref", "person_ref", "test_date", "setting", "opiates", "cocaine",
    "other", "other_substance", "assessment_required", "assessment_followed",
]  # fmt: skip
FILE_NAMES = ("people.csv", "offences.csv", "drug-tests.csv")


def _yes_no(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(""))
        .when(pl.col(column))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("no"))
        .alias(column)
    )


def _named(column: str, names: list[str]) -> pl.Expr:
    return pl.col(column).replace_strict(dict(enumerate(names)), return_dtype=pl.String)


def people_file(city: CityData) -> pl.DataFrame:
    pnc = city.identifiers.filter(pl.col("kind") == IdentifierKind.PNC).select(
        "person", pnc="value"
    )
    current = city.addresses.filter(pl.col("end_date").is_null()).select(
        "person",
        address_line1="line1",
        address_line2="line2",
        town="town",
        postcode="postcode",
        area_code="area",
        address_from="start_date",
    )
    return (
        city.people.join(pnc, on="person", how="left")
        .join(current, on="person", how="left")
        .with_columns(source_system=pl.lit(SOURCE_SYSTEM))
        .sort("person")
        .select(PEOPLE_COLUMNS)
    )


def offences_file(city: CityData) -> pl.DataFrame:
    refs = city.people.select("person", "person_ref")
    return (
        city.offences.join(refs, on="person", how="left")
        .sort("offence")
        .with_columns(
            source_system=pl.lit(SOURCE_SYSTEM),
            offence_code=_named("type", CODES),
            area_code=_named("area", AREA_CODES),
        )
        .select(OFFENCE_COLUMNS)
    )  # fmt: skip


def drug_tests_file(city: CityData) -> pl.DataFrame:
    refs = city.people.select("person", "person_ref")
    return (
        city.drug_tests.join(refs, on="person", how="left")
        .with_columns(
            _yes_no("assessment_required"),
            _yes_no("assessment_followed"),
            source_system=pl.lit(SOURCE_SYSTEM),
        )
        .select(DRUG_TEST_COLUMNS)
    )


def files_write(city: CityData, directory: Path) -> list[Path]:
    """Write the three import files into the directory (made if missing); return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in zip(
        FILE_NAMES, (people_file(city), offences_file(city), drug_tests_file(city)), strict=True
    ):
        path = directory / name
        # Blank cells are empty values in the format: write them bare, not as "".
        blank = [pl.col(c).replace("", None) for c, t in frame.schema.items() if t == pl.String]
        frame.with_columns(blank).write_csv(path, date_format="%Y-%m-%d", null_value="")
        written.append(path)
    return written
