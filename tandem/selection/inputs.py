"""Loading the scoring inputs from the database as polars frames, cut to an as-of date."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import connection

from tandem.core.bulk import read_frame
from tandem.offending.models import DrugTest, Offence, OffenceType, TestResult
from tandem.people.models import Address, EpisodeKind, Person, StatusEpisode

from .models import LocalIntelligence
from .scoring import ScoringInputs

RESIDENTIAL = [Address.Kind.HOME, Address.Kind.HOSTEL, Address.Kind.TEMPORARY]


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def load_inputs(as_of: dt.date) -> ScoringInputs:
    """Everything scoring needs, as it was known on the as-of date."""
    people = read_frame(
        f"SELECT id, date_of_birth, sex FROM {_table(Person)}",
        {"person_id": pl.Int64, "date_of_birth": pl.Date, "sex": pl.String},
    )
    addresses = read_frame(
        f"SELECT person_id, area_id, start_date, end_date, id, kind FROM {_table(Address)}",
        {"person_id": pl.Int64, "area_id": pl.Int64, "start_date": pl.Date,
         "end_date": pl.Date, "id": pl.Int64, "kind": pl.String},
    )  # fmt: skip
    residence = (
        addresses.filter(
            pl.col("kind").is_in([str(k) for k in RESIDENTIAL])
            & (pl.col("start_date") <= as_of)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of))
        )
        .sort(["person_id", "start_date", "id"])
        .group_by("person_id")
        .agg(area_id=pl.col("area_id").last())
    )
    people = people.join(residence, on="person_id", how="left")

    types = read_frame(
        f"SELECT id, gravity, recordable, drug_related, ogrs3_group FROM {_table(OffenceType)}",
        {"offence_type_id": pl.Int64, "gravity": pl.Int64, "recordable": pl.Boolean,
         "drug_related": pl.Boolean, "ogrs3_group": pl.String},
    )  # fmt: skip
    offences = read_frame(
        f"SELECT person_id, offence_type_id, offence_date, sanction_date, outcome "
        f"FROM {_table(Offence)}",
        {"person_id": pl.Int64, "offence_type_id": pl.Int64, "offence_date": pl.Date,
         "sanction_date": pl.Date, "outcome": pl.String},
    )  # fmt: skip
    offences = (
        offences.filter(pl.col("offence_date") <= as_of)
        .join(types, on="offence_type_id", how="left")
        .drop("offence_type_id")
    )

    positive = TestResult.POSITIVE.value
    tests = read_frame(
        f"SELECT person_id, test_date, opiates, cocaine, other FROM {_table(DrugTest)}",
        {"person_id": pl.Int64, "test_date": pl.Date, "opiates": pl.String,
         "cocaine": pl.String, "other": pl.String},
    ).select(
        "person_id",
        "test_date",
        positive=(pl.col("opiates") == positive)
        | (pl.col("cocaine") == positive)
        | (pl.col("other") == positive),
    )  # fmt: skip

    intelligence = read_frame(
        f"SELECT person_id, points, recorded_on, expires_on FROM {_table(LocalIntelligence)}",
        {"person_id": pl.Int64, "points": pl.Float64, "recorded_on": pl.Date,
         "expires_on": pl.Date},
    )  # fmt: skip

    custody_kinds = ", ".join(f"'{k}'" for k in (EpisodeKind.REMAND, EpisodeKind.SENTENCED))
    episodes = read_frame(
        f"SELECT person_id, start_date, end_date, expected_end_date FROM {_table(StatusEpisode)} "
        f"WHERE kind IN ({custody_kinds})",
        {"person_id": pl.Int64, "start_date": pl.Date, "end_date": pl.Date,
         "expected_release": pl.Date},
    )  # fmt: skip
    custody = episodes.filter(
        (pl.col("start_date") <= as_of)
        & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of))
    ).select("person_id", "expected_release")
    return ScoringInputs(people, offences, tests, intelligence, custody)
