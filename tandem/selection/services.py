"""Writes for selection: scoring runs."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
from django.db import transaction

from tandem.core.bulk import insert_frame
from tandem.core.models import User
from tandem.people.models import Person

from .criteria import Criteria
from .inputs import load_aggregates
from .models import CriteriaSet, CriteriaVersion, LocalIntelligence, Score, ScoringRun
from .scoring import score_people

# What each score row keeps to explain itself.
COMPONENTS = [
    "age", "frequency", "days_since_last", "last_offence", "gravity_sum", "recency_points",
    "frequency_points", "gravity_points", "ogrs3_2y", "sanctions", "intelligence",
    "drug_offences", "positive_tests",
]  # fmt: skip


@transaction.atomic
def scoring_run_create(
    *, actor: User | None, criteria_version: CriteriaVersion, as_of: dt.date
) -> tuple[ScoringRun, pl.DataFrame]:
    """Score everyone as of the date, keep the eligible people's ranked scores, return both."""
    started = time.perf_counter()
    criteria = Criteria.from_dict(criteria_version.config)
    # The database counts up each person's rows, so one row per person leaves it, not every
    # offence; `score` over `load_inputs` gives the same list (the backtest reads rows).
    scored = score_people(load_aggregates(as_of, criteria), criteria, as_of)
    eligible = scored.filter(pl.col("eligible"))
    run = ScoringRun.objects.create(
        criteria_version=criteria_version,
        as_of=as_of,
        actor=actor,
        scored=scored.height,
        eligible=eligible.height,
    )
    rows = eligible.select(
        pl.lit(run.pk).alias("run_id"),
        pl.col("person_id"),
        pl.col("area_id"),
        pl.col("rank").cast(pl.Int64),
        pl.col("total"),
        pl.col("above_threshold"),
        pl.struct(
            [pl.col(c).cast(pl.String) if c == "last_offence" else pl.col(c) for c in COMPONENTS]
        )
        .struct.json_encode()
        .alias("components"),
    )
    insert_frame(Score, rows)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["seconds"])
    return run, scored


class StaleCriteriaError(Exception):
    """Someone saved a newer version while this one was being edited."""


@transaction.atomic
def criteria_version_create(
    *,
    actor: User,
    criteria_set: CriteriaSet,
    criteria: Criteria,
    note: str,
    based_on: int,
) -> CriteriaVersion:
    """Save criteria as the set's next version; refuse if it was edited from an old version."""
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    latest = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    if based_on != latest:
        raise StaleCriteriaError(latest)
    criteria.validate()
    return CriteriaVersion.objects.create(
        criteria_set=locked,
        number=latest + 1,
        config=criteria.to_dict(),
        note=note.strip(),
        created_by=actor,
    )


MAX_INTELLIGENCE_POINTS = 50.0
MAX_INTELLIGENCE_DAYS = 366


@transaction.atomic
def intelligence_add(
    *, actor: User, person: Person, points: float, reason: str, expires_on: dt.date
) -> LocalIntelligence:
    """Add local intelligence points to a person's score, with a reason and an expiry."""
    from django.core.exceptions import ValidationError

    from tandem.core.access import today

    errors = {}
    if not 0 < points <= MAX_INTELLIGENCE_POINTS:
        errors["points"] = f"Points must be more than 0 and at most {MAX_INTELLIGENCE_POINTS:g}"
    if not reason.strip():
        errors["reason"] = "Say why, so the forum can weigh it"
    if expires_on <= today():
        errors["expires_on"] = "The expiry date must be in the future"
    elif (expires_on - today()).days > MAX_INTELLIGENCE_DAYS:
        errors["expires_on"] = "Intelligence expires within a year; add it again if still true"
    if errors:
        raise ValidationError(errors)
    entry = LocalIntelligence(
        person=person,
        points=points,
        reason=reason.strip(),
        recorded_on=today(),
        expires_on=expires_on,
        recorded_by=actor,
    )
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    return entry
