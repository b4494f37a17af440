"""OGRS3 read from the offending record, and when an assessment is due (with edge dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.casework.dates import add_months
from tandem.casework.due import (
    DUE,
    NOT_REQUIRED,
    OFFENDING_REASON_WITHHELD,
    OVERDUE,
    UP_TO_DATE,
    assessment_due,
    sentence_is_long,
)
from tandem.casework.models import Assessment
from tandem.casework.ogrs3 import ogrs3_from_record
from tandem.cohort.models import Membership
from tandem.offending.models import Offence, OffenceType
from tandem.people.models import EpisodeKind, StatusEpisode
from tandem.selection.ogrs3 import ogrs3_probabilities

from ..factories import make_person

BORN = dt.date(2000, 6, 15)
ON = dt.date(2026, 3, 2)


def _offence(person, code: str, offence_date: dt.date, sanction_date: dt.date | None,
             outcome: str = "convicted", ref: str = "") -> Offence:  # fmt: skip
    return Offence.objects.create(
        person=person, offence_type=OffenceType.objects.get(code=code),
        offence_date=offence_date, outcome=outcome, sanction_date=sanction_date,
        source_system="TEST", source_ref=ref or f"{person.pk}-{offence_date}-{code}",
    )  # fmt: skip


def test_ogrs3_inputs_come_from_the_sanctions_known_on_the_day(cast):
    person = make_person(area=cast.area_a, date_of_birth=BORN)
    _offence(person, "BURGLARY-DWELLING", dt.date(2015, 8, 1), dt.date(2015, 9, 1))  # age 15
    _offence(person, "SHOPLIFTING", dt.date(2020, 1, 5), None, outcome="nfa")  # not a sanction
    # Two sanctioned the same day: the later offence gives the current offence group.
    _offence(person, "BURGLARY-DWELLING", dt.date(2022, 5, 1), dt.date(2022, 7, 1))
    _offence(person, "SHOPLIFTING", dt.date(2022, 6, 1), dt.date(2022, 7, 1))  # age 22
    _offence(person, "BURGLARY-DWELLING", dt.date(2026, 1, 1), dt.date(2026, 4, 1))  # after ON

    result = ogrs3_from_record(person, ON)

    assert (result.sex, result.age_at_start, result.sanctions) == ("male", 25, 3)
    assert (result.age_at_first_sanction, result.age_at_conviction) == (15, 22)
    assert result.offence_group == "theft_non_motor"
    expected = ogrs3_probabilities(
        sex="male", age_at_start=25, age_at_conviction=22, age_at_first_sanction=15,
        sanctions=3, offence_group="theft_non_motor",
    )  # fmt: skip
    assert (result.one_year, result.two_year) == pytest.approx(expected)
    assert result.note == ""


def test_ogrs3_is_left_out_with_a_reason_when_it_does_not_apply(cast):
    nobody = make_person(area=cast.area_a, date_of_birth=BORN)
    result = ogrs3_from_record(nobody, ON)
    assert result.two_year is None and result.sanctions == 0
    assert "No sanction" in result.note

    other = make_person(area=cast.area_a, date_of_birth=BORN, sex="other")
    _offence(other, "SHOPLIFTING", dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    result = ogrs3_from_record(other, ON)
    assert result.two_year is None and result.sanctions == 1
    assert result.note.startswith("OGRS3 not computed: Sex must be male or female")


# --- Due and overdue ----------------------------------------------------------------------


def _spell(start: dt.date, end: dt.date | None = None, pk: int = 1, moved_from=None):
    return Membership(pk=pk, start_date=start, end_date=end, moved_from=moved_from)


def _sentence(start: dt.date, expected_end: dt.date | None, end: dt.date | None = None,
              kind: str = EpisodeKind.SENTENCED) -> StatusEpisode:  # fmt: skip
    return StatusEpisode(kind=kind, start_date=start, expected_end_date=expected_end, end_date=end)


def _assessed(on: dt.date, reassess_by: dt.date | None = None) -> Assessment:
    return Assessment(assessed_on=on, reassess_by=reassess_by or add_months(on, 6))


ADOPTED = dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (ADOPTED, DUE),
        (ADOPTED + dt.timedelta(days=28), DUE),  # the last day it is due
        (ADOPTED + dt.timedelta(days=29), OVERDUE),  # the day after
    ],
)
def test_an_assessment_is_due_within_28_days_of_adoption(day, state):
    due = assessment_due(day, memberships=[_spell(ADOPTED)], episodes=[], latest=None)
    assert due.state == state
    assert due.due_by == ADOPTED + dt.timedelta(days=28)
    assert due.reasons == ("Adopted into the cohort on 5 January 2026",)


def test_an_assessment_on_the_day_of_adoption_counts_but_one_the_day_before_does_not():
    day = ADOPTED + dt.timedelta(days=40)
    on_the_day = assessment_due(
        day, memberships=[_spell(ADOPTED)], episodes=[], latest=_assessed(ADOPTED)
    )
    assert on_the_day.state == UP_TO_DATE
    assert on_the_day.due_by == add_months(ADOPTED, 6)
    before = assessment_due(
        day, memberships=[_spell(ADOPTED)], episodes=[],
        latest=_assessed(ADOPTED - dt.timedelta(days=1)),
    )  # fmt: skip
    assert before.state == OVERDUE


def test_moving_scheme_or_area_is_not_a_new_adoption():
    first = _spell(ADOPTED, end=ADOPTED + dt.timedelta(days=60), pk=1)
    moved = _spell(ADOPTED + dt.timedelta(days=60), pk=2, moved_from=first)
    day = ADOPTED + dt.timedelta(days=70)
    due = assessment_due(
        day, memberships=[first, moved], episodes=[],
        latest=_assessed(ADOPTED + dt.timedelta(days=10)),
    )  # fmt: skip
    assert due.state == UP_TO_DATE


def test_reassessment_is_due_within_the_period_before_its_date_and_overdue_after():
    latest = _assessed(dt.date(2025, 12, 1), reassess_by=dt.date(2026, 6, 1))
    members = [_spell(dt.date(2025, 11, 1))]
    state = {
        day: assessment_due(day, memberships=members, episodes=[], latest=latest).state
        for day in (dt.date(2026, 5, 3), dt.date(2026, 5, 4), dt.date(2026, 6, 1),
                    dt.date(2026, 6, 2))
    }  # fmt: skip
    assert state == {
        dt.date(2026, 5, 3): UP_TO_DATE, dt.date(2026, 5, 4): DUE,
        dt.date(2026, 6, 1): DUE, dt.date(2026, 6, 2): OVERDUE,
    }  # fmt: skip


def test_nobody_in_the_cohort_or_serving_a_long_sentence_needs_one():
    left = _spell(ADOPTED, end=ADOPTED + dt.timedelta(days=10))
    due = assessment_due(ADOPTED + dt.timedelta(days=20), memberships=[left], episodes=[],
                         latest=None)  # fmt: skip
    assert due.state == NOT_REQUIRED and due.label == "Not required"


def test_twelve_months_exactly_is_a_long_sentence_a_day_less_is_not():
    start = dt.date(2025, 2, 28)
    assert sentence_is_long(_sentence(start, dt.date(2026, 2, 28)))
    assert not sentence_is_long(_sentence(start, dt.date(2026, 2, 27)))
    assert not sentence_is_long(_sentence(start, None))  # length unknown
    assert not sentence_is_long(_sentence(start, dt.date(2030, 1, 1), kind=EpisodeKind.REMAND))


@pytest.mark.skipif(
    not hasattr(StatusEpisode, "sentence_months"), reason="no sentence length on episodes yet"
)
def test_the_length_the_court_gave_wins_over_the_expected_release():
    start = dt.date(2025, 2, 28)
    # A 12-month sentence released at the halfway point is still a 12-month sentence.
    assert sentence_is_long(
        StatusEpisode(kind=EpisodeKind.SENTENCED, start_date=start,
                      expected_end_date=dt.date(2025, 8, 28), sentence_months=12)
    )  # fmt: skip
    assert not sentence_is_long(
        StatusEpisode(kind=EpisodeKind.SENTENCED, start_date=start,
                      expected_end_date=dt.date(2027, 1, 1), sentence_months=11, sentence_days=27)
    )  # fmt: skip


def test_a_long_sentence_requires_one_while_served_in_custody_or_on_licence_after_it():
    start = dt.date(2025, 12, 1)
    sentence = _sentence(start, dt.date(2027, 1, 1))
    due = assessment_due(dt.date(2025, 12, 29), memberships=[], episodes=[sentence], latest=None)
    assert due.state == DUE and due.due_by == dt.date(2025, 12, 29)
    assert due.reasons == ("Sentenced on 1 December 2025 to 12 months or more",)
    # A reader who may not read offending data is told the reason is withheld, not the
    # sentence; the answer itself is the same.
    shown = due.for_reader(reads_offending=False)
    assert shown.reasons == (OFFENDING_REASON_WITHHELD,)
    assert (shown.state, shown.due_by) == (due.state, due.due_by)
    assert due.for_reader(reads_offending=True) == due
    assert (
        assessment_due(
            dt.date(2025, 12, 30), memberships=[], episodes=[sentence], latest=None
        ).state
        == OVERDUE
    )

    released = _sentence(start, dt.date(2026, 12, 1), end=dt.date(2026, 6, 1))
    licence = _sentence(dt.date(2026, 6, 1), dt.date(2026, 12, 1), kind=EpisodeKind.LICENCE)
    day = dt.date(2026, 7, 1)
    assert assessment_due(day, memberships=[], episodes=[released, licence],
                          latest=None).state == OVERDUE  # fmt: skip
    # Served and gone: nothing requires an assessment now.
    assert assessment_due(day, memberships=[], episodes=[released],
                          latest=None).state == NOT_REQUIRED  # fmt: skip


def test_the_earliest_unmet_requirement_sets_the_date():
    sentence = _sentence(dt.date(2026, 1, 1), dt.date(2027, 6, 1))
    due = assessment_due(
        dt.date(2026, 1, 20), memberships=[_spell(dt.date(2026, 1, 10))], episodes=[sentence],
        latest=None,
    )  # fmt: skip
    assert due.due_by == dt.date(2026, 1, 29) and len(due.reasons) == 2
