"""How well does selection work? Select as of a past date, then watch what happened next.

The study could not say whether the people a scheme selected were really the ones causing
the most crime. A backtest scores everyone as of a past date with a criteria version, takes
each area's top people up to its capacity, and measures over the following months the
share of all recorded offences that cohort went on to commit, against the best cohort of
the same size chosen with hindsight and against the old six-offence rule. On the synthetic
city it also measures against true offending, undetected offences included.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from tandem.core.bulk import read_frame
from tandem.core.models import Area

from .capacity import share_capacity
from .criteria import PERSISTENT_OFFENDER_RULE, Criteria
from .inputs import load_inputs
from .scoring import ScoringInputs, months_before, score
from .selectors import CAPACITY_FLOOR, DEFAULT_PARTNERSHIP_CAPACITY


@dataclass
class Share:
    people: int
    offences: int
    share: float  # of all offences in the follow-up


@dataclass
class Concentration:
    """How concentrated the follow-up's offences were among the people who committed them."""

    offenders: int
    offences: int
    # (share of offenders, share of offences), the most prolific first, from (0, 0) to (1, 1).
    curve: list[tuple[float, float]]
    # (fraction, share of offences) for the most prolific 1%, 5%, 10%, 20% and 50%.
    top: list[tuple[float, float]]


# Enough points for a smooth chart however many offended; the exact curve has one per person.
CURVE_POINTS = 1000
TOP_FRACTIONS = (0.01, 0.05, 0.10, 0.20, 0.50)


@dataclass
class AreaResult:
    area_id: int
    label: str
    capacity: int
    selected: Share
    hindsight: Share
    rule: Share
    selected_true: Share | None = None
    hindsight_true: Share | None = None


@dataclass
class BacktestResult:
    as_of: dt.date
    horizon_end: dt.date
    offences_after: int
    true_offences_after: int | None
    areas: list[AreaResult]
    overall: AreaResult
    curve: list[tuple[float, float]] = field(default_factory=list)  # (people share, offences share)
    cohort_on_curve: tuple[float, float] = (0.0, 0.0)
    concentration: Concentration | None = None  # of recorded offences; None if there were none
    true_concentration: Concentration | None = None  # of true offences, on the synthetic city


def months_after(day: dt.date, months: int) -> dt.date:
    # months_before with a negative count walks forward.
    return months_before(day, -months)


def _share(people: pl.Series, counts: pl.DataFrame, total: int) -> Share:
    offences = int(counts.filter(pl.col("person_id").is_in(people.implode()))["n"].sum() or 0)
    return Share(people.len(), offences, offences / total if total else 0.0)


def _future_counts(frame: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    return (
        frame.filter((pl.col("offence_date") > start) & (pl.col("offence_date") <= end))
        .group_by("person_id")
        .agg(n=pl.len())
    )


def _true_offences(start: dt.date, end: dt.date) -> pl.DataFrame | None:
    """The synthetic city's true offences in the follow-up, if this is a synthetic city."""
    from django.apps import apps
    from django.db import connection

    if not apps.is_installed("tandem.demo"):
        return None
    from tandem.demo.models import SyntheticOffence

    table = connection.ops.quote_name(SyntheticOffence._meta.db_table)
    frame = read_frame(
        f"SELECT person_id, offence_date FROM {table} "  # noqa: S608
        f"WHERE offence_date > '{start.isoformat()}' AND offence_date <= '{end.isoformat()}'",
        {"person_id": pl.Int64, "offence_date": pl.Date},
    )
    return frame


def backtest(
    *,
    criteria: Criteria,
    as_of: dt.date,
    horizon_months: int = 12,
    load: Callable[[dt.date], ScoringInputs] = load_inputs,
    truth: pl.DataFrame | None = None,
) -> BacktestResult:
    """Select as of the date, then measure the follow-up; per area and for the partnership.

    `load` gives the inputs as known on a date (the database by default); `truth` holds
    true offences (person_id, offence_date), read from the synthetic city when not given.
    """
    if horizon_months < 1:
        raise ValueError("The follow-up must be at least one month")
    end = months_after(as_of, horizon_months)
    then = load(as_of)
    chosen = score(then, criteria, as_of)
    rule = score(then, PERSISTENT_OFFENDER_RULE, as_of).filter(pl.col("eligible"))
    # What happened next: offences committed in the follow-up and recorded by its end.
    future = _future_counts(load(end).offences, as_of, end)
    total = int(future["n"].sum() or 0)
    if truth is None:
        truth = _true_offences(as_of, end)
    true_counts = _future_counts(truth, as_of, end) if truth is not None else None
    true_total = int(true_counts["n"].sum() or 0) if true_counts is not None else 0

    areas = {a.pk: f"{a.code} {a.name}" for a in Area.objects.order_by("code")}
    residents = then.people.select("person_id", "area_id")
    recent = then.offences.filter(
        pl.col("offence_date") > months_before(as_of, criteria.lookback_months)
    ).join(residents, on="person_id")
    recent_by_area = dict(recent.group_by("area_id").agg(n=pl.len()).iter_rows())
    capacity = share_capacity(
        DEFAULT_PARTNERSHIP_CAPACITY,
        {pk: int(recent_by_area.get(pk, 0)) for pk in areas},
        CAPACITY_FLOOR,
    )
    # Each area's cohort: its top eligible people, up to the area's capacity.
    cohort = chosen.filter(
        pl.col("eligible")
        & (pl.col("rank") <= pl.col("area_id").replace_strict(capacity, default=0))
    )

    def measure(area_id: int | None, label: str) -> AreaResult:
        def here(frame: pl.DataFrame) -> pl.DataFrame:
            return frame if area_id is None else frame.filter(pl.col("area_id") == area_id)

        selected = here(cohort)["person_id"]
        people_here = here(residents)

        def best(counts: pl.DataFrame) -> pl.Series:
            ranked = counts.join(people_here, on="person_id")
            return ranked.sort(["n", "person_id"], descending=[True, False]).head(selected.len())[
                "person_id"
            ]

        def total_here(counts: pl.DataFrame) -> int:
            # An area's share is of the offences its own residents committed.
            return int(counts.join(people_here, on="person_id")["n"].sum() or 0)

        recorded = total_here(future)
        result = AreaResult(
            area_id=area_id or 0,
            label=label,
            capacity=capacity.get(area_id, 0) if area_id else sum(capacity.values()),
            selected=_share(selected, future, recorded),
            hindsight=_share(best(future), future, recorded),
            rule=_share(here(rule)["person_id"], future, recorded),
        )
        if true_counts is not None and true_total:
            true_here = total_here(true_counts)
            result.selected_true = _share(selected, true_counts, true_here)
            result.hindsight_true = _share(best(true_counts), true_counts, true_here)
        return result

    overall = measure(None, "Partnership")
    curve, point = _concentration(future, overall.selected)
    return BacktestResult(
        as_of=as_of,
        horizon_end=end,
        offences_after=total,
        true_offences_after=true_total if true_counts is not None else None,
        areas=[measure(pk, label) for pk, label in areas.items()],
        overall=overall,
        curve=curve,
        cohort_on_curve=point,
        concentration=concentration(future),
        true_concentration=concentration(true_counts) if true_counts is not None else None,
    )


def backtest_compare(
    *,
    criteria: Criteria,
    other: Criteria | None,
    as_of: dt.date,
    horizon_months: int = 12,
    load: Callable[[dt.date], ScoringInputs] = load_inputs,
    truth: pl.DataFrame | None = None,
) -> tuple[BacktestResult, BacktestResult | None]:
    """Backtest one criteria version and, if given, another over the same dates.

    Both read the same two snapshots and the same true offences, so the database is read
    once and the only difference between the results is the criteria.
    """
    if horizon_months < 1:
        raise ValueError("The follow-up must be at least one month")
    cached = functools.cache(load)
    if truth is None:
        truth = _true_offences(as_of, months_after(as_of, horizon_months))

    def run(version: Criteria) -> BacktestResult:
        return backtest(
            criteria=version, as_of=as_of, horizon_months=horizon_months, load=cached, truth=truth
        )

    return run(criteria), run(other) if other is not None else None


def concentration(counts: pl.DataFrame, points: int = CURVE_POINTS) -> Concentration | None:
    """The concentration curve of per-person offence counts (person_id, n), at most `points`."""
    ordered = counts.sort("n", descending=True)["n"]
    people, total = ordered.len(), int(ordered.sum() or 0)
    if not people or not total:
        return None
    cumulative = ordered.cum_sum()
    # Evenly spaced ranks, always ending with the last person so the curve reaches (1, 1).
    step = max(1, -(-people // points))
    ranks = [*range(step, people, step), people]
    shares = cumulative.gather([k - 1 for k in ranks]).to_list()
    curve = [(0.0, 0.0)] + [
        (k / people, int(n) / total) for k, n in zip(ranks, shares, strict=True)
    ]
    top = []
    for fraction in TOP_FRACTIONS:
        k = max(1, round(people * fraction))
        top.append((fraction, int(cumulative[k - 1]) / total))
    return Concentration(offenders=people, offences=total, curve=curve, top=top)


def _concentration(
    future: pl.DataFrame, selected: Share
) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Share of offences against share of offenders, the most prolific first, in 5% steps."""
    counts = future.sort("n", descending=True)["n"]
    people, total = counts.len(), int(counts.sum() or 0)
    if not people or not total:
        return [], (0.0, 0.0)
    cumulative = counts.cum_sum()
    curve = [(0.0, 0.0)]
    for step in range(5, 101, 5):
        k = max(1, round(people * step / 100))
        curve.append((step / 100, int(cumulative[k - 1]) / total))
    return curve, (selected.people / people, selected.share)
