"""The backtest on hand-made rows: who was selected, what they did next, against hindsight."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from tandem.selection.backtest import backtest
from tandem.selection.criteria import DEFAULT_PPO
from tandem.selection.scoring import ScoringInputs

from .test_scoring import inputs, offence

AS_OF = dt.date(2025, 6, 30)
ADULT = dt.date(1995, 1, 1)


def world(cast):
    """Person 1 was prolific before the date and stopped; person 2 was quiet, then not."""
    a = cast.area_a.pk
    people = [(1, ADULT, "male", a), (2, ADULT, "male", a), (3, ADULT, "male", a)]
    before = [offence(1, AS_OF - dt.timedelta(days=d)) for d in range(1, 10)]
    before += [offence(2, AS_OF - dt.timedelta(days=200))]
    after = [offence(2, AS_OF + dt.timedelta(days=d)) for d in range(1, 7)]
    after += [offence(3, AS_OF + dt.timedelta(days=5)), offence(1, AS_OF + dt.timedelta(days=9))]
    everything = inputs(people, before + after)

    def load(day: dt.date) -> ScoringInputs:
        cut = everything.offences.filter(pl.col("offence_date") <= day)
        return ScoringInputs(everything.people, cut, everything.drug_tests,
                             everything.intelligence, everything.custody)  # fmt: skip

    return load


def test_selected_against_hindsight(cast):
    truth = pl.DataFrame(
        {"person_id": [2, 2, 3, 1], "offence_date": [AS_OF + dt.timedelta(days=3)] * 4}
    )
    result = backtest(criteria=DEFAULT_PPO, as_of=AS_OF, load=world(cast), truth=truth)
    assert result.offences_after == 8
    area_a = next(a for a in result.areas if a.area_id == cast.area_a.pk)
    # Capacity exceeds the eligible: persons 1 and 2 (3 had no record) were selected, and
    # went on to commit 7 of the 8 offences; the best two with hindsight also committed 7.
    assert area_a.selected.people == 2
    assert area_a.selected.offences == 7 and area_a.selected.share == pytest.approx(7 / 8)
    assert area_a.hindsight.offences == 7
    # The six-offence rule picked only person 1, who committed 1 of the 8.
    assert area_a.rule.people == 1 and area_a.rule.offences == 1
    assert result.true_offences_after == 4
    assert result.curve[0] == (0.0, 0.0) and result.curve[-1][1] == 1.0


def test_nothing_after_the_date_chooses_the_cohort(cast):
    """Person 2's later offences must not lift them in the selection as of the date."""
    load = world(cast)
    result = backtest(criteria=DEFAULT_PPO, as_of=AS_OF, load=load, truth=pl.DataFrame(
        schema={"person_id": pl.Int64, "offence_date": pl.Date}))  # fmt: skip
    assert result.true_offences_after == 0
    then = load(AS_OF)
    assert then.offences["offence_date"].max() <= AS_OF


def test_command_refuses_an_unfinished_follow_up(db):
    with pytest.raises(CommandError, match="follow-up must have ended"):
        call_command("backtest", "--as-of", dt.date.today().isoformat(), stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("backtest", "--as-of", "yesterday", stdout=io.StringIO())
