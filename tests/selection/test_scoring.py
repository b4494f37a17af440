"""Scoring rules on hand-made rows: bands, the as-of cut-off, eligibility, OGRS3, ranking."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tandem.selection.criteria import DEFAULT_PPO, PERSISTENT_OFFENDER_RULE, Criteria
from tandem.selection.ogrs3 import ogrs3_probabilities
from tandem.selection.scoring import ScoringInputs, months_before, score

AS_OF = dt.date(2026, 6, 30)


def inputs(people, offences=(), tests=(), intelligence=(), custody=()) -> ScoringInputs:
    return ScoringInputs(
        people=pl.DataFrame(
            people,
            schema={"person_id": pl.Int64, "date_of_birth": pl.Date, "sex": pl.String,
                    "area_id": pl.Int64},
            orient="row",
        ),
        offences=pl.DataFrame(
            list(offences),
            schema={"person_id": pl.Int64, "offence_date": pl.Date, "sanction_date": pl.Date,
                    "outcome": pl.String, "gravity": pl.Int64, "recordable": pl.Boolean,
                    "drug_related": pl.Boolean, "ogrs3_group": pl.String},
            orient="row",
        ),
        drug_tests=pl.DataFrame(
            list(tests), schema={"person_id": pl.Int64, "test_date": pl.Date,
                                 "positive": pl.Boolean}, orient="row",
        ),
        intelligence=pl.DataFrame(
            list(intelligence), schema={"person_id": pl.Int64, "points": pl.Float64,
                                        "recorded_on": pl.Date, "expires_on": pl.Date},
            orient="row",
        ),
        custody=pl.DataFrame(
            list(custody), schema={"person_id": pl.Int64, "expected_release": pl.Date},
            orient="row",
        ),
    )  # fmt: skip


def offence(pid, day, *, gravity=2, outcome="nfa", sanction=None, recordable=True, drug=False,
            group="theft_non_motor"):  # fmt: skip
    return (pid, day, sanction, outcome, gravity, recordable, drug, group)


def row(result: pl.DataFrame, pid: int) -> dict:
    return result.filter(pl.col("person_id") == pid).to_dicts()[0]


ADULT = dt.date(2000, 1, 1)
ONLY_RECENCY = Criteria(
    frequency_weight=0, gravity_weight=0, ogrs3_weight=0, drug_offence_points=0,
    positive_test_points=0, intelligence_weight=0, threshold=0,
)  # fmt: skip


@pytest.mark.parametrize(
    ("days_ago", "points"),
    [(0, 10.0), (30, 10.0), (31, 7.0), (90, 7.0), (91, 4.0), (180, 4.0), (181, 1.0),
     (364, 1.0)],
)  # fmt: skip
def test_recency_band_edges(days_ago, points):
    data = inputs([(1, ADULT, "male", 1)], [offence(1, AS_OF - dt.timedelta(days=days_ago))])
    assert row(score(data, ONLY_RECENCY, AS_OF), 1)["recency_points"] == points


@pytest.mark.parametrize(("count", "points"), [(1, 1), (2, 1), (3, 3), (5, 3), (6, 6), (15, 10)])
def test_frequency_band_edges(count, points):
    offences = [offence(1, AS_OF - dt.timedelta(days=i + 1)) for i in range(count)]
    result = score(inputs([(1, ADULT, "male", 1)], offences), DEFAULT_PPO, AS_OF)
    assert row(result, 1)["frequency_points"] == points


@pytest.mark.parametrize(("total", "points"), [(2, 0), (3, 1), (9, 1), (10, 3), (50, 10)])
def test_gravity_band_edges(total, points):
    data = inputs([(1, ADULT, "male", 1)], [offence(1, AS_OF, gravity=total)])
    assert row(score(data, DEFAULT_PPO, AS_OF), 1)["gravity_points"] == points


def test_nothing_after_the_as_of_date_counts():
    past = AS_OF - dt.timedelta(days=100)
    offences = [
        offence(1, past),
        offence(1, AS_OF + dt.timedelta(days=1), gravity=9),
        # committed before, sanctioned after: the sanction was not known on the date
        offence(1, past, outcome="convicted", sanction=AS_OF + dt.timedelta(days=5)),
    ]
    tests = [(1, AS_OF + dt.timedelta(days=1), True)]
    result = row(score(inputs([(1, ADULT, "male", 1)], offences, tests), DEFAULT_PPO, AS_OF), 1)
    assert result["frequency"] == 2
    assert result["gravity_sum"] == 4
    assert result["sanctions"] is None
    assert result["positive_tests"] == 0


def test_window_and_recordable_only():
    start = months_before(AS_OF, 12)
    offences = [
        offence(1, start),  # on the boundary: outside (the window is after the start)
        offence(1, start + dt.timedelta(days=1)),
        offence(1, AS_OF, recordable=False),
    ]
    assert (
        row(score(inputs([(1, ADULT, "male", 1)], offences), DEFAULT_PPO, AS_OF), 1)["frequency"]
        == 1
    )


def test_eligibility_age_exclusions_and_minimum():
    people = [
        (1, dt.date(2008, 7, 1), "male", 1),  # 17 on the as-of date
        (2, dt.date(2008, 6, 30), "male", 1),  # 18 that day
        (3, ADULT, "male", None),  # no address in the partnership: moved away
        (4, ADULT, "male", 1),  # in custody for another year
        (5, ADULT, "male", 1),  # no offences in the window
    ]
    offences = [offence(p, AS_OF) for p in (1, 2, 3, 4)]
    custody = [(4, AS_OF + dt.timedelta(days=365))]
    result = score(inputs(people, offences, custody=custody), DEFAULT_PPO, AS_OF)
    eligible = {r["person_id"]: r["eligible"] for r in result.to_dicts()}
    assert eligible == {1: False, 2: True, 3: False, 4: False, 5: False}
    assert row(result, 3)["excluded"] == "lives outside the partnership"
    assert row(result, 4)["excluded"] == "in custody beyond the limit"


def test_persistent_offender_rule_is_six_recordable_offences():
    people = [(1, ADULT, "male", 1), (2, ADULT, "male", 1)]
    offences = [offence(1, AS_OF - dt.timedelta(days=i)) for i in range(6)]
    offences += [offence(2, AS_OF - dt.timedelta(days=i)) for i in range(5)]
    result = score(inputs(people, offences), PERSISTENT_OFFENDER_RULE, AS_OF)
    assert row(result, 1)["eligible"] and row(result, 1)["total"] == 6
    assert not row(result, 2)["eligible"]


def test_ogrs3_term_matches_the_published_function():
    born = dt.date(1998, 3, 10)
    offences = [
        offence(1, dt.date(2014, 5, 1), outcome="cautioned", sanction=dt.date(2014, 6, 1)),
        offence(1, dt.date(2019, 1, 1), outcome="convicted", sanction=dt.date(2019, 2, 1)),
        offence(1, dt.date(2026, 1, 5), outcome="convicted", sanction=dt.date(2026, 2, 1),
                group="burglary_domestic"),
    ]  # fmt: skip
    result = row(score(inputs([(1, born, "male", 1)], offences), DEFAULT_PPO, AS_OF), 1)
    _, expected = ogrs3_probabilities(
        sex="male", age_at_start=28, age_at_conviction=27, age_at_first_sanction=16,
        sanctions=3, offence_group="burglary_domestic",
    )  # fmt: skip
    assert result["ogrs3_2y"] == pytest.approx(expected, abs=1e-12)


def test_optional_terms_add_their_weights():
    offences = [offence(1, AS_OF, drug=True), offence(1, AS_OF - dt.timedelta(days=3))]
    tests = [(1, AS_OF - dt.timedelta(days=2), True), (1, AS_OF - dt.timedelta(days=1), False)]
    intel = [
        (1, 5.0, AS_OF - dt.timedelta(days=10), AS_OF + dt.timedelta(days=10)),
        (1, 50.0, AS_OF - dt.timedelta(days=90), AS_OF),  # expired on the date
    ]
    base = row(score(inputs([(1, ADULT, "male", 1)], offences), DEFAULT_PPO, AS_OF), 1)
    full = row(
        score(inputs([(1, ADULT, "male", 1)], offences, tests, intel), DEFAULT_PPO, AS_OF), 1
    )
    assert full["positive_tests"] == 1 and full["intelligence"] == 5.0
    assert full["total"] == pytest.approx(base["total"] + 2.0 + 5.0)
    assert base["drug_offences"] == 1


def test_ranking_is_per_area_and_deterministic():
    people = [(pid, ADULT, "male", 1 + pid % 2) for pid in range(1, 9)]
    offences = [offence(pid, AS_OF - dt.timedelta(days=d)) for pid in range(1, 9)
                for d in range(pid)]  # fmt: skip
    first = score(inputs(people, offences), DEFAULT_PPO, AS_OF)
    again = score(inputs(people, offences), DEFAULT_PPO, AS_OF)
    assert first.equals(again)
    for area in (1, 2):
        ranked = first.filter(pl.col("area_id") == area).sort("rank")
        assert ranked["rank"].to_list() == list(range(1, 5))
        assert ranked["total"].to_list() == sorted(ranked["total"].to_list(), reverse=True)


@pytest.mark.parametrize(
    "bad",
    [{"min_age": 5}, {"lookback_months": 0}, {"recency_bands": [[90, 1], [30, 2]]},
     {"gravity_weight": -1}, {"no_such_field": 1}],
)  # fmt: skip
def test_criteria_validation(bad):
    with pytest.raises(ValueError):
        Criteria.from_dict({**DEFAULT_PPO.to_dict(), **bad})


def test_criteria_round_trip():
    assert Criteria.from_dict(DEFAULT_PPO.to_dict()) == DEFAULT_PPO
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
