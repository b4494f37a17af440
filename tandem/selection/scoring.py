"""Scoring: every person, as of a date, by one version of the criteria, ranked per area.

Pure functions over polars frames, so the same code scores the database, a backtest and a
test's hand-made rows. Scoring is two steps: `aggregate` counts each person's rows up (one
row per person, PERSON_SCHEMA), then `score_people` turns those counts into points, totals
and ranks. A scoring run lets the database do the first step (`inputs.load_aggregates`), so
one row per person leaves it rather than every offence; the backtest, which needs the rows
themselves, loads them (`inputs.load_inputs`) and calls `score`, which does both steps here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from tandem.offending.models import SANCTION_OUTCOMES
from tandem.offending.ogrs3 import OFFENCE_WEIGHTS

from . import ogrs3
from .criteria import Band, Criteria


@dataclass
class ScoringInputs:
    """What scoring reads, already cut to what was known on the as-of date."""

    people: pl.DataFrame  # person_id, date_of_birth, sex, area_id (residence on the date)
    offences: pl.DataFrame  # person_id, offence_date, sanction_date, outcome, gravity,
    #                         recordable, drug_related, ogrs3_group; optionally id
    drug_tests: pl.DataFrame  # person_id, test_date, positive
    intelligence: pl.DataFrame  # person_id, points, recorded_on, expires_on
    custody: pl.DataFrame  # person_id, expected_release (open custody on the date)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of the month where it does not exist)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _age(born: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Whole years between two date expressions."""

    # month() and day() are 8-bit integers: widen them before doing arithmetic.
    def month_day(day: pl.Expr) -> pl.Expr:
        return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)

    before_birthday = month_day(on) < month_day(born)
    return (
        on.dt.year().cast(pl.Int32) - born.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    )


def _first_band_within(value: pl.Expr, bands: list[Band]) -> pl.Expr:
    """Recency: the points of the first band whose threshold the value does not exceed."""
    expr: pl.Expr = pl.lit(0.0)
    for threshold, points in sorted(bands, reverse=True):  # built inside out
        expr = pl.when(value <= threshold).then(pl.lit(points)).otherwise(expr)
    return expr


def _highest_band_reached(value: pl.Expr, bands: list[Band]) -> pl.Expr:
    """Frequency and gravity: the points of the highest threshold the value reaches."""
    expr: pl.Expr = pl.lit(0.0)
    for threshold, points in sorted(bands):  # built inside out
        expr = pl.when(value >= threshold).then(pl.lit(points)).otherwise(expr)
    return expr


def _ogrs3_two_year(frame: pl.DataFrame) -> np.ndarray:
    """Vectorised OGRS3 2-year probability; NaN where OGRS3 is not defined."""
    sex = frame["sex"].to_numpy()
    start = frame["age_at_start"].to_numpy().astype(float)
    conv = frame["age_at_conviction"].to_numpy().astype(float)
    first = frame["age_at_first_sanction"].to_numpy().astype(float)
    sanctions = frame["sanctions"].to_numpy().astype(float)
    lowest = np.array([b[0] for b in ogrs3.AGE_SEX_BANDS])
    band = np.clip(np.searchsorted(lowest, start, side="right") - 1, 0, len(lowest) - 1)
    male_terms = np.array([b[1] for b in ogrs3.AGE_SEX_BANDS])
    female_terms = np.array([b[2] for b in ogrs3.AGE_SEX_BANDS])
    age_sex = np.where(sex == "female", female_terms[band], male_terms[band])
    status = np.where(sanctions == 1, ogrs3.STATUS_FIRST_SANCTION, ogrs3.STATUS_PREVIOUS_SANCTIONS)
    # An unknown or missing group leaves OGRS3 undefined (NaN), as the calculator does.
    offence = (
        frame["current_group"]
        .replace_strict(OFFENCE_WEIGHTS, default=None, return_dtype=pl.Float64)
        .fill_null(np.nan)
        .to_numpy()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.log(sanctions / (10 + conv - first))
        z = ogrs3.ALPHA_2_YEARS + age_sex + status + ogrs3.COPAS_WEIGHT * rate + offence
        probability = 1.0 / (1.0 + np.exp(-z))
    defined = (
        (start >= 10) & (conv >= 10) & (first >= 10) & (first <= conv) & (sanctions >= 1)
        & np.isin(sex, ["male", "female"])
    )  # fmt: skip
    return np.where(defined, probability, np.nan)


# One row per person: what scoring reads once each person's rows are counted up. Built from
# row-level inputs by `aggregate` here, or by the database in `inputs.load_aggregates`.
PERSON_SCHEMA = pl.Schema(
    {
        "person_id": pl.Int64(),
        "date_of_birth": pl.Date(),
        "sex": pl.String(),
        "area_id": pl.Int64(),  # residence on the date; null if none in the partnership
        # Recordable offences in the look-back window
        "frequency": pl.UInt32(),
        "last_offence": pl.Date(),
        "gravity_sum": pl.Int64(),
        "drug_offences": pl.UInt32(),
        # Sanctions known on the date, for OGRS3
        "sanctions": pl.UInt32(),
        "first_sanction": pl.Date(),
        "last_sanction": pl.Date(),
        "current_group": pl.String(),  # OGRS3 group of the offence last sanctioned
        "positive_tests": pl.UInt32(),  # in the look-back window
        "intelligence": pl.Float64(),  # unexpired points
        "expected_release": pl.Date(),  # from custody open on the date
    }
)


def sanction_outcomes() -> list[str]:
    """The outcomes that count as a sanction for OGRS3, as stored."""
    return sorted(str(o) for o in SANCTION_OUTCOMES)


def intelligence_points(intelligence: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each person's unexpired local intelligence points on the date."""
    return (
        intelligence.filter((pl.col("recorded_on") <= as_of) & (pl.col("expires_on") > as_of))
        .group_by("person_id")
        .agg(intelligence=pl.col("points").sum())
    )


def aggregate(inputs: ScoringInputs, criteria: Criteria, as_of: dt.date) -> pl.DataFrame:
    """Count up each person's rows as known on the date: one row per person, PERSON_SCHEMA."""
    window_start = months_before(as_of, criteria.lookback_months)
    known = inputs.offences.filter(pl.col("offence_date") <= as_of)

    window = (
        known.filter((pl.col("offence_date") > window_start) & pl.col("recordable"))
        .group_by("person_id")
        .agg(
            frequency=pl.len(),
            last_offence=pl.col("offence_date").max(),
            gravity_sum=pl.col("gravity").sum(),
            drug_offences=pl.col("drug_related").sum(),
        )
    )
    # Several offences can be sanctioned together and committed the same day: the most
    # recently recorded one (or, without record ids, the later row) gives the OGRS3 group, so
    # the group never depends on how a sort happened to order ties.
    order = ["person_id", "sanction_date", "offence_date"]
    if "id" in known.columns:
        order.append("id")
    sanctions = (
        known.filter(
            pl.col("outcome").is_in(sanction_outcomes())
            & pl.col("sanction_date").is_not_null()
            & (pl.col("sanction_date") <= as_of)
        )
        .sort(order, maintain_order=True)
        .group_by("person_id")
        .agg(
            sanctions=pl.len(),
            first_sanction=pl.col("sanction_date").first(),
            last_sanction=pl.col("sanction_date").last(),
            current_group=pl.col("ogrs3_group").last(),
        )
    )
    tests = (
        inputs.drug_tests.filter(
            (pl.col("test_date") > window_start)
            & (pl.col("test_date") <= as_of)
            & pl.col("positive")
        )
        .group_by("person_id")
        .agg(positive_tests=pl.len())
    )
    custody = inputs.custody.group_by("person_id").agg(
        expected_release=pl.col("expected_release").max()
    )
    return (
        inputs.people.join(window, on="person_id", how="left")
        .join(sanctions, on="person_id", how="left")
        .join(tests, on="person_id", how="left")
        .join(intelligence_points(inputs.intelligence, as_of), on="person_id", how="left")
        .join(custody, on="person_id", how="left")
        .cast(PERSON_SCHEMA)
    )


def score(inputs: ScoringInputs, criteria: Criteria, as_of: dt.date) -> pl.DataFrame:
    """One row per person with every component of their score, eligibility and area rank."""
    return score_people(aggregate(inputs, criteria, as_of), criteria, as_of)


def score_people(people: pl.DataFrame, criteria: Criteria, as_of: dt.date) -> pl.DataFrame:
    """Score one row per person (PERSON_SCHEMA): components, eligibility and area rank."""
    as_of_lit = pl.lit(as_of)
    frame = people.with_columns(
        pl.col("frequency").fill_null(0),
        pl.col("gravity_sum").fill_null(0),
        pl.col("drug_offences").fill_null(0),
        pl.col("positive_tests").fill_null(0),
        pl.col("intelligence").fill_null(0.0).cast(pl.Float64),
        age=_age(pl.col("date_of_birth"), as_of_lit),
        days_since_last=(as_of_lit - pl.col("last_offence")).dt.total_days(),
        age_at_start=_age(pl.col("date_of_birth"), as_of_lit),
        age_at_conviction=_age(pl.col("date_of_birth"), pl.col("last_sanction")),
        age_at_first_sanction=_age(pl.col("date_of_birth"), pl.col("first_sanction")),
    )
    frame = frame.with_columns(
        ogrs3_2y=pl.Series(_ogrs3_two_year(frame), dtype=pl.Float64).fill_nan(None)
    )

    in_long_custody = pl.lit(False)
    if criteria.exclude_in_custody_beyond_days is not None:
        limit = as_of + dt.timedelta(days=criteria.exclude_in_custody_beyond_days)
        in_long_custody = pl.col("expected_release").is_not_null() & (
            pl.col("expected_release") > limit
        )
    moved_away = pl.col("area_id").is_null() if criteria.exclude_moved_away else pl.lit(False)
    frame = frame.with_columns(
        excluded=pl.when(in_long_custody)
        .then(pl.lit("in custody beyond the limit"))
        .when(moved_away)
        .then(pl.lit("lives outside the partnership"))
        .otherwise(pl.lit(None, dtype=pl.String)),
        recency_points=_first_band_within(pl.col("days_since_last"), criteria.recency_bands),
        frequency_points=_highest_band_reached(pl.col("frequency"), criteria.frequency_bands),
        gravity_points=_highest_band_reached(pl.col("gravity_sum"), criteria.gravity_bands),
    )
    frame = frame.with_columns(
        eligible=(pl.col("age") >= criteria.min_age)
        & (pl.col("frequency") >= criteria.min_recordable_offences)
        & (pl.col("frequency") > 0)
        & pl.col("excluded").is_null()
    )
    if criteria.frequency_only:
        total = pl.col("frequency").cast(pl.Float64)
    else:
        total = (
            criteria.recency_weight * pl.col("recency_points")
            + criteria.frequency_weight * pl.col("frequency_points")
            + criteria.gravity_weight * pl.col("gravity_points")
            + criteria.ogrs3_weight * pl.col("ogrs3_2y").fill_null(0.0)
            + criteria.intelligence_weight * pl.col("intelligence")
            + criteria.drug_offence_points * pl.col("drug_offences")
            + criteria.positive_test_points * pl.col("positive_tests")
        )
    frame = frame.with_columns(total=total.round(2))
    frame = frame.with_columns(
        above_threshold=pl.col("eligible") & (pl.col("total") >= criteria.threshold)
    )
    # Rank eligible people within their area: higher total first, then more offences, then
    # the more recent last offence, then the record number, so ties always break the same way.
    ranked = (
        frame.filter(pl.col("eligible"))
        .sort(
            ["area_id", "total", "frequency", "last_offence", "person_id"],
            descending=[False, True, True, True, False],
        )
        .with_columns(rank=pl.int_range(1, pl.len() + 1).over("area_id"))
        .select("person_id", "rank")
    )
    return frame.join(ranked, on="person_id", how="left").sort(
        ["area_id", "rank", "person_id"], nulls_last=True
    )
