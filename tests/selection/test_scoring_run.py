"""Scoring the database: a run keeps each eligible person's ranked, explained score."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.people.models import Person
from tandem.selection.models import CriteriaSet, Score, ScoringRun
from tandem.selection.services import scoring_run_create

from ..people.test_person_offending import add_drug_tests, add_offences


def ppo_version():
    return CriteriaSet.objects.get(name="PPO criteria").latest()


@pytest.fixture
def offending(cast):
    # Recent offences for the person in area A, an older history for the person in B.
    Person.objects.filter(pk__in=[cast.person.pk, cast.person_b.pk]).update(
        date_of_birth=dt.date(1995, 5, 5)
    )
    add_offences(cast.person, 8)
    add_offences(cast.person_b, 3, start=100)
    add_drug_tests(cast.person, 2)
    return cast


def test_both_criteria_sets_ship_with_a_first_version(db):
    names = set(CriteriaSet.objects.values_list("name", flat=True))
    assert names == {"PPO criteria", "Persistent offender rule (2002)"}
    assert [s.versions.get().number for s in CriteriaSet.objects.all()] == [1, 1]


def test_a_run_ranks_and_explains(offending):
    as_of = dt.date(2023, 12, 31)
    run, scored = scoring_run_create(actor=None, criteria_version=ppo_version(), as_of=as_of)
    assert run.scored == scored.height >= 2
    score = Score.objects.get(run=run, person=offending.person)
    assert score.rank == 1 and score.area == offending.area_a
    assert score.components["frequency"] >= 1
    assert set(score.components) >= {"recency_points", "frequency_points", "gravity_points"}


def test_same_data_version_and_date_give_the_same_list(offending):
    as_of = dt.date(2023, 12, 31)
    first, _ = scoring_run_create(actor=None, criteria_version=ppo_version(), as_of=as_of)
    second, _ = scoring_run_create(actor=None, criteria_version=ppo_version(), as_of=as_of)

    def listing(run: ScoringRun) -> list[tuple]:
        return list(
            Score.objects.filter(run=run)
            .order_by("area", "rank")
            .values_list("person_id", "area_id", "rank", "total", "components")
        )

    assert listing(first) == listing(second)


def test_the_command_prints_each_areas_counts_and_lists_people_only_for_a_coordinator(
    offending, cast
):
    out = io.StringIO()
    call_command("score", "--as-of", "2023-12-31", stdout=out)
    text = out.getvalue()
    assert "eligible" in text and "A Area A" in text
    assert "person " not in text and "add --user USERNAME" in text
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()

    out = io.StringIO()
    call_command("score", "--as-of", "2023-12-31", "--user", "coordinator", stdout=out)
    text = out.getvalue()
    assert "person " in text and "total" in text
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert event.actor == cast.coordinator and "tandem score" in event.detail
    assert event.result_count == text.count("person ") and event.result_count > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--as-of", "31/12/2023"], "YYYY-MM-DD"), (["--criteria", "nonsense"], "No such criteria"),
     (["--area", "ZZ"], "no area"), (["--as-of", (today() + dt.timedelta(days=1)).isoformat()],
     "future"), (["--user", "om"], "not an active coordinator"),
     (["--user", "nobody"], "not an active coordinator"), (["--top", "-1"], "0 or more")],
)  # fmt: skip
def test_the_command_refuses_bad_input(offending, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("score", *args, stdout=io.StringIO())
    assert not ScoringRun.objects.exists()
