"""The city's frames shaped as database tables: column names are the tables' columns.

Row ids are given explicitly (allocated by the writer past the tables' current highest id)
so that rows referring to each other can be written in bulk without reading ids back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db.models import Model

from tandem.demo.models import SyntheticOffence
from tandem.offending.models import DrugTest, Offence
from tandem.people.models import (
    Address,
    Alias,
    Consent,
    Engagement,
    Identifier,
    Person,
    StatusEpisode,
)

from .build import CityData
from .custody import DETAIL_COLUMNS

SOURCE_SYSTEM = "DEMO"


@dataclass(frozen=True)
class Keys:
    """Database ids for the city's codes, and where each table's new ids start."""

    areas: dict[str, int]  # area code -> id
    area_by_index: np.ndarray  # careers.AREA_CODES index -> id
    type_by_index: np.ndarray  # offencemix.CODES index -> id
    agencies: dict[str, int]  # agency key -> id
    first_id: dict[type[Model], int]  # the first free id of each table
    batches: dict[str, int]  # import batch id per kind
    created_at: object  # the build's timestamp, as the database backend wants it


def _ids(keys: Keys, model: type[Model], height: int) -> pl.Series:
    return pl.Series("id", np.arange(height, dtype=np.int64) + keys.first_id[model])


def _person_id(keys: Keys) -> pl.Expr:
    return (pl.col("person") + keys.first_id[Person]).alias("person_id")


def _area_id(keys: Keys, column: str = "area") -> pl.Expr:
    return pl.col(column).replace_strict(keys.areas, return_dtype=pl.Int64).alias("area_id")


def person_table(city: CityData, keys: Keys) -> pl.DataFrame:
    p = city.people
    return p.select(
        _ids(keys, Person, p.height),
        "first_name", "middle_names", "last_name", "date_of_birth", "sex", "ethnicity",
        pl.when(pl.col("area").is_not_null()).then(_area_id(keys)).alias("residence_area_id"),
        pl.lit(False).alias("no_fixed_abode"),
        "first_name_key", "last_name_key",
        pl.lit(True).alias("synthetic"),
        pl.lit(SOURCE_SYSTEM).alias("source_system"),
        pl.col("person_ref").alias("source_ref"),
        pl.lit(keys.created_at).alias("created_at"),
        pl.lit(keys.created_at).alias("updated_at"),
    )  # fmt: skip


def person_tables(city: CityData, keys: Keys) -> dict[type[Model], pl.DataFrame]:
    """People and everything recorded about them, ready for insert_frame."""
    person = _person_id(keys)
    a, i, d, e, g, c = (
        city.aliases, city.identifiers, city.addresses, city.episodes, city.engagements,
        city.consents,
    )  # fmt: skip
    return {
        Person: person_table(city, keys),
        Alias: a.select(_ids(keys, Alias, a.height), person, "first_name", "last_name",
                        "first_name_key", "last_name_key"),
        Identifier: i.select(_ids(keys, Identifier, i.height), person, "kind", "value",
                             "value_key", "issued_by"),
        Address: d.select(_ids(keys, Address, d.height), person, "kind", "line1", "line2",
                          "town", "postcode", _area_id(keys), "start_date", "end_date"),
        StatusEpisode: e.select(_ids(keys, StatusEpisode, e.height), person, "kind",
                                "start_date", "end_date", "establishment", "expected_end_date",
                                *DETAIL_COLUMNS),
        Engagement: g.select(
            _ids(keys, Engagement, g.height),
            pl.col("agency").replace_strict(keys.agencies, return_dtype=pl.Int64)
            .alias("agency_id"),
            person, "start_date", "end_date", "purpose",
            pl.lit(None, dtype=pl.Int64).alias("recorded_by_id"),
        ),
        Consent: c.select(_ids(keys, Consent, c.height), person, "category", "given_on",
                          "withdrawn_on", "scope",
                          pl.lit(None, dtype=pl.Int64).alias("recorded_by_id")),
    }  # fmt: skip


def _by_index(lookup: np.ndarray, column: str, alias: str) -> pl.Expr:
    return (
        pl.col(column)
        .map_batches(lambda s: pl.Series(lookup[s.to_numpy()]), return_dtype=pl.Int64)
        .alias(alias)
    )


def offence_tables(city: CityData, keys: Keys) -> dict[type[Model], pl.DataFrame]:
    """Recorded offences, the truth table and drug tests, ready for insert_frame."""
    o, t, d = city.offences, city.truth, city.drug_tests
    first_offence = keys.first_id[Offence]
    return {
        Offence: o.select(
            (pl.col("offence") + first_offence).alias("id"),
            _person_id(keys),
            _by_index(keys.type_by_index, "type", "offence_type_id"),
            "offence_date",
            _by_index(keys.area_by_index, "area", "area_id"),
            "outcome", "sanction_date", "disposal",
            pl.lit(SOURCE_SYSTEM).alias("source_system"),
            pl.col("offence_ref").alias("source_ref"),
            pl.lit(keys.batches["offences"]).alias("import_batch_id"),
        ),
        SyntheticOffence: t.select(
            _person_id(keys),
            _by_index(keys.type_by_index, "type", "offence_type_id"),
            "offence_date",
            _by_index(keys.area_by_index, "area", "area_id"),
            "detected",
            (pl.col("offence") + first_offence).alias("offence_id"),
        ),
        DrugTest: d.select(
            _ids(keys, DrugTest, d.height),
            _person_id(keys),
            "test_date", "setting", "opiates", "cocaine", "other", "other_substance",
            "assessment_required", "assessment_followed",
            pl.lit(SOURCE_SYSTEM).alias("source_system"),
            pl.col("test_ref").alias("source_ref"),
            pl.lit(keys.batches["drug-tests"]).alias("import_batch_id"),
        ),
    }  # fmt: skip


def history_table(
    model: type[Model], table: pl.DataFrame, created_at: object, reason: str
) -> pl.DataFrame:
    """A "created" history row for each row of the table, shaped like the history table."""
    historical = model.history.model  # type: ignore[attr-defined]
    columns: list[pl.Expr] = []
    for field in historical._meta.concrete_fields:
        column = field.column
        if column == "history_id":
            continue  # the database numbers history rows
        if column in table.columns:
            columns.append(pl.col(column))
        elif column == "history_date":
            columns.append(pl.lit(created_at).alias(column))
        elif column == "history_type":
            columns.append(pl.lit("+").alias(column))
        elif column == "history_change_reason":
            columns.append(pl.lit(reason).alias(column))
        elif column == "history_user_id":
            columns.append(pl.lit(None, dtype=pl.Int64).alias(column))
        else:
            raise ValueError(f"No value for {historical.__name__}.{column}")
    return table.select(columns)
