"""Writes for selection: scoring runs."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
from django.db import transaction

from tandem.core.bulk import insert_frame
from tandem.core.models import User

from .criteria import Criteria
from .inputs import load_inputs
from .models import CriteriaSet, CriteriaVersion, Score, ScoringRun
from .scoring import score

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
    scored = score(load_inputs(as_of), criteria, as_of)
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
