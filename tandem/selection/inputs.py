"""Loading the scoring inputs from the database as polars frames, cut to an as-of date.

Two ways in. `load_inputs` reads every row (the backtest needs the offences themselves);
`load_aggregates` lets the database count each person's rows up, so a scoring run moves one
row per person out of it instead of every offence in the city. `score(load_inputs(...))`
and `score_people(load_aggregates(...))` give the same list, to the last component:
tests/selection/test_scoring_aggregates.py holds them to it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import polars as pl
from django.db import connection

from tandem.core.bulk import read_frame
from tandem.offending.models import DrugTest, Offence, OffenceType, TestResult
from tandem.people.models import Address, EpisodeKind, Person, StatusEpisode

from .criteria import Criteria
from .models import LocalIntelligence
from .scoring import (
    PERSON_SCHEMA,
    ScoringInputs,
    intelligence_points,
    months_before,
    sanction_outcomes,
)

RESIDENTIAL = [Address.Kind.HOME, Address.Kind.HOSTEL, Address.Kind.TEMPORARY]
CUSTODY = [EpisodeKind.REMAND, EpisodeKind.SENTENCED]


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
        f"SELECT id, person_id, offence_type_id, offence_date, sanction_date, outcome "
        f"FROM {_table(Offence)}",
        {"id": pl.Int64, "person_id": pl.Int64, "offence_type_id": pl.Int64,
         "offence_date": pl.Date, "sanction_date": pl.Date, "outcome": pl.String},
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

    custody_kinds = ", ".join(f"'{k}'" for k in CUSTODY)
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


def load_aggregates(as_of: dt.date, criteria: Criteria) -> pl.DataFrame:
    """One row per person (PERSON_SCHEMA) as known on the date, counted up in the database."""
    params: dict[str, Any] = {
        "as_of": as_of,
        "window_start": months_before(as_of, criteria.lookback_months),
        "positive": TestResult.POSITIVE.value,
    }
    sql = _AGGREGATES.format(
        person=_table(Person),
        offence=_table(Offence),
        offence_type=_table(OffenceType),
        drug_test=_table(DrugTest),
        episode=_table(StatusEpisode),
        address=_table(Address),
        sanction_outcomes=_in_list(params, "outcome", sanction_outcomes()),
        custody_kinds=_in_list(params, "custody", [str(k) for k in CUSTODY]),
        residential_kinds=_in_list(params, "residential", [str(k) for k in RESIDENTIAL]),
        **_LAST_SANCTION[connection.vendor],
    )
    people = _query_frame(sql, params, {n: PERSON_SCHEMA[n] for n in _AGGREGATE_COLUMNS})
    # Points are fractions: summed in polars, as `score` sums them, so the totals match to
    # the last bit. The table is small (points expire within a year).
    intelligence = _query_frame(
        f"SELECT person_id, points, recorded_on, expires_on FROM {_table(LocalIntelligence)} "
        "WHERE recorded_on <= %(as_of)s AND expires_on > %(as_of)s",
        {"as_of": as_of},
        {"person_id": pl.Int64, "points": pl.Float64, "recorded_on": pl.Date,
         "expires_on": pl.Date},
    )  # fmt: skip
    return (
        people.join(intelligence_points(intelligence, as_of), on="person_id", how="left")
        .select(list(PERSON_SCHEMA))
        .cast(PERSON_SCHEMA)
    )


# The columns `_AGGREGATES` returns, in order: PERSON_SCHEMA less the intelligence points.
_AGGREGATE_COLUMNS = [name for name in PERSON_SCHEMA if name != "intelligence"]

# OGRS3 takes the offence group of the last sanction: the latest sanction date, then the
# latest offence date, then the most recently recorded offence (as `scoring.aggregate` sorts).
# One max() over a key made of those, with the offence type last, finds it in the same pass
# as the counts; ordering every sanction per person would cost more than the whole scan.
_LAST_SANCTION = {
    # Arrays compare element by element; the offence id is unique, so the type never decides.
    "postgresql": {
        "last_key": "ARRAY[o.sanction_date - DATE '2000-01-01', "
        "o.offence_date - DATE '2000-01-01', o.id, o.offence_type_id]",
        "last_type": "s.last_key[4]",
    },
    # SQLite keeps dates as ISO text (10 characters), so the key is text: both dates, the id
    # zero-padded to 19 digits (the most a 64-bit id has), then the offence type from 40.
    "sqlite": {
        "last_key": "o.sanction_date || o.offence_date "
        "|| substr('0000000000000000000' || o.id, -19) || o.offence_type_id",
        "last_type": "CAST(substr(s.last_key, 40) AS INTEGER)",
    },
}

# Each person once, with the counts and dates scoring reads. Every row is cut to the as-of
# date here, as `scoring.aggregate` cuts it: offences committed by then, sanctions given by
# then, tests, custody and addresses as they stood that day.
_AGGREGATES = """
WITH recent AS (
    SELECT o.person_id, count(*) AS frequency, max(o.offence_date) AS last_offence,
           sum(t.gravity) AS gravity_sum,
           sum(CASE WHEN t.drug_related THEN 1 ELSE 0 END) AS drug_offences
    FROM {offence} o JOIN {offence_type} t ON t.id = o.offence_type_id
    WHERE o.offence_date > %(window_start)s AND o.offence_date <= %(as_of)s AND t.recordable
    GROUP BY o.person_id
), sanctioned AS (
    SELECT o.person_id, count(*) AS sanctions, min(o.sanction_date) AS first_sanction,
           max(o.sanction_date) AS last_sanction, max({last_key}) AS last_key
    FROM {offence} o
    WHERE o.offence_date <= %(as_of)s AND o.sanction_date <= %(as_of)s
      AND o.outcome IN ({sanction_outcomes})
    GROUP BY o.person_id
), tests AS (
    SELECT person_id, count(*) AS positive_tests
    FROM {drug_test}
    WHERE test_date > %(window_start)s AND test_date <= %(as_of)s
      AND (opiates = %(positive)s OR cocaine = %(positive)s OR other = %(positive)s)
    GROUP BY person_id
), custody AS (
    SELECT person_id, max(expected_end_date) AS expected_release
    FROM {episode}
    WHERE kind IN ({custody_kinds}) AND start_date <= %(as_of)s
      AND (end_date IS NULL OR end_date >= %(as_of)s)
    GROUP BY person_id
), residence AS (
    -- Where each person lived on the date: the latest residential address then current.
    SELECT person_id, area_id,
           row_number() OVER (PARTITION BY person_id ORDER BY start_date DESC, id DESC) AS nth
    FROM {address}
    WHERE kind IN ({residential_kinds}) AND start_date <= %(as_of)s
      AND (end_date IS NULL OR end_date >= %(as_of)s)
)
SELECT p.id, p.date_of_birth, p.sex, r.area_id,
       w.frequency, w.last_offence, w.gravity_sum, w.drug_offences,
       s.sanctions, s.first_sanction, s.last_sanction, g.ogrs3_group,
       d.positive_tests, c.expected_release
FROM {person} p
LEFT JOIN residence r ON r.person_id = p.id AND r.nth = 1
LEFT JOIN recent w ON w.person_id = p.id
LEFT JOIN sanctioned s ON s.person_id = p.id
LEFT JOIN {offence_type} g ON g.id = {last_type}
LEFT JOIN tests d ON d.person_id = p.id
LEFT JOIN custody c ON c.person_id = p.id
"""


def _in_list(params: dict[str, Any], name: str, values: list[str]) -> str:
    """Placeholders for an IN (...) list, each value added to the query's parameters."""
    names = [f"{name}_{i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    return ", ".join(f"%({n})s" for n in names)


def _query_frame(sql: str, params: dict[str, Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run a query with parameters and return its rows as a typed polars frame."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows out as CSV, far faster than fetching tuples; psycopg
            # binds the parameters on the client, as COPY cannot take them.
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    buffer.write(block)
            if buffer.tell() == 0:
                return pl.DataFrame(schema=schema)
            return pl.read_csv(
                buffer.getvalue(), has_header=False, new_columns=list(schema),
                schema_overrides=schema, try_parse_dates=False,
            )  # fmt: skip
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite hands back table columns as dates but computed ones (max of a date) as ISO text.
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        pl.col(name).str.to_date("%Y-%m-%d")
        if kind == pl.Date and frame.schema[name] == pl.String
        else pl.col(name).cast(kind)
        for name, kind in schema.items()
    )
