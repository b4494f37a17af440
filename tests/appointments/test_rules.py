"""The pure booking checks and enforcement thresholds: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.appointments.codes import AppointmentKind, EnforcementLevel
from tandem.appointments.enforcement import flag_level
from tandem.appointments.rules import (
    KIND_AGENCY_KINDS,
    LONDON,
    OFFENDER_MANAGER_AGENCY_KINDS,
    BookingPolicy,
    ClashKind,
    Custody,
    EnforcementPolicy,
    Slot,
    add_months,
    ahead_phrase,
    clashes,
    in_custody,
    join_candidates,
    kinds_for,
    latest_start,
    may_hold,
    misses_in_window,
    overlaps,
    suggest_day,
    too_far_ahead,
    travel_clashes,
    weekly_overload,
)
from tandem.appointments.views.common import DEFAULT_KIND
from tandem.casework.services.allocation import LEAD_AGENCY_KINDS
from tandem.core.models import AgencyKind

from .conftest import MONDAY, at

POLICY = BookingPolicy(travel_minutes=60, max_per_week=5, suggest_days=14)
A, B = 1, 2


def enforcement_level(missed, at, policy):
    """The count rule on its own: the level of a miss by someone formally warned just
    before it (flag_level also asks for a warning before breach; decision record 10)."""
    return flag_level(missed, at, [at - dt.timedelta(seconds=1)], policy)


def slot(days: int, start: str, end: str, area: int = A, ref: int | None = None, agency: int = 10):
    return Slot(at(days, start), at(days, end), area, appointment_id=ref, agency_id=agency)


def test_overlap_but_touching_is_fine():
    new = slot(1, "10:00", "11:00")
    assert [c.other for c in overlaps(new, [slot(1, "10:30", "11:30", ref=5)])] == [
        slot(1, "10:30", "11:30", ref=5)
    ]
    assert overlaps(new, [slot(1, "11:00", "12:00"), slot(1, "09:00", "10:00")]) == []
    # One inside the other overlaps too.
    assert len(overlaps(new, [slot(1, "10:15", "10:45")])) == 1


def test_travel_time_between_areas_on_the_same_day():
    new = slot(1, "10:00", "11:00", area=A)
    near = slot(1, "11:30", "12:00", area=B, ref=7)
    far_enough = slot(1, "12:00", "13:00", area=B, ref=8)
    same_area = slot(1, "11:05", "12:00", area=A, ref=9)
    other_day = slot(2, "11:05", "12:00", area=B, ref=10)
    before = slot(1, "08:30", "09:45", area=B, ref=11)
    found = travel_clashes(new, [near, far_enough, same_area, other_day, before], POLICY)
    assert [(c.other.appointment_id, c.minutes) for c in found if c.other] == [(7, 30), (11, 15)]
    assert all(c.kind == ClashKind.TRAVEL for c in found)
    # An overlap in another area is an overlap, not a travel problem.
    assert travel_clashes(new, [slot(1, "10:30", "11:30", area=B)], POLICY) == []


def test_weekly_limit_counts_the_iso_week():
    # Monday to Friday of the week of 2 March: five already.
    week = [slot(d, "09:00", "09:30", ref=d + 1) for d in range(5)]
    overload = weekly_overload(slot(5, "10:00", "11:00"), week, POLICY)  # Saturday
    assert overload is not None and overload.count == 6
    # The next Monday is a new ISO week.
    assert weekly_overload(slot(7, "10:00", "11:00"), week, POLICY) is None
    assert weekly_overload(slot(4, "10:00", "11:00"), week[:4], POLICY) is None


def test_week_is_the_local_week_across_midnight():
    # 23:30 on Sunday 8 March in London is still that ISO week, whatever UTC says.
    sunday_late = Slot(at(6, "23:30"), at(6, "23:45"), A)
    assert sunday_late.iso_week() == (2026, 10)


def test_clashes_lists_overlaps_first_then_travel_then_overload():
    existing = [slot(d, "09:00", "09:30", ref=d + 1, area=B) for d in range(5)]
    found = clashes(slot(0, "09:15", "10:00", area=A), existing, POLICY)
    assert [c.kind for c in found] == [ClashKind.OVERLAP, ClashKind.OVERLOAD]
    found = clashes(slot(0, "09:45", "10:15", area=A), existing, POLICY)
    assert [c.kind for c in found] == [ClashKind.TRAVEL, ClashKind.OVERLOAD]


def test_join_candidates_are_other_agencies_that_day():
    mine = slot(1, "09:00", "09:30", ref=1, agency=10)
    theirs = slot(1, "14:00", "15:00", ref=2, agency=20)
    tomorrow = slot(2, "14:00", "15:00", ref=3, agency=20)
    new = slot(1, "10:00", "11:00")
    found = join_candidates(new, [theirs, mine, tomorrow], POLICY, agency_id=10)
    assert [s.appointment_id for s in found] == [2]


def test_suggests_the_nearest_clear_weekday_later_first():
    new = slot(2, "10:00", "11:00")  # Wednesday
    existing = [slot(2, "10:30", "11:30", ref=1)]
    moved = suggest_day(new, existing, POLICY, not_before=at(0, "08:00"))
    assert moved is not None and moved.starts_at == at(3, "10:00")  # Thursday, not Tuesday
    # Thursday taken too: Tuesday, one day the other way, is as near.
    existing.append(slot(3, "10:00", "11:00", ref=2))
    moved = suggest_day(new, existing, POLICY, not_before=at(0, "08:00"))
    assert moved is not None and moved.starts_at == at(1, "10:00")


def test_suggestion_skips_weekends_the_past_and_full_weeks():
    friday = slot(4, "10:00", "11:00")
    existing = [slot(4, "10:00", "11:00", ref=1)]
    # Thursday would do, but it is before "now"; the weekend is skipped; Monday next.
    moved = suggest_day(friday, existing, POLICY, not_before=at(4, "08:00"))
    assert moved is not None and moved.starts_at == at(7, "10:00")
    # With next week already full, the Monday of the week after.
    full = [slot(d, "14:00", "14:30", ref=10 + d) for d in range(7, 12)]
    moved = suggest_day(friday, existing + full, POLICY, not_before=at(4, "08:00"))
    assert moved is not None and moved.starts_at == at(14, "10:00")


def test_suggestion_keeps_the_wall_clock_time_across_the_clock_change():
    # British Summer Time starts on Sunday 29 March 2026.
    friday = Slot(at(25, "10:00"), at(25, "11:00"), A)
    moved = suggest_day(friday, [Slot(at(25, "10:00"), at(25, "11:00"), A, 1)], POLICY,
                        not_before=at(25, "09:00"))  # fmt: skip
    assert moved is not None
    assert moved.starts_at.astimezone(LONDON).time() == dt.time(10, 0)
    assert moved.starts_at.astimezone(LONDON).date() == dt.date(2026, 3, 30)
    assert moved.ends_at - moved.starts_at == dt.timedelta(hours=1)


def test_no_suggestion_when_nothing_is_free():
    tight = BookingPolicy(travel_minutes=60, max_per_week=0, suggest_days=3)
    assert suggest_day(slot(1, "10:00", "11:00"), [], tight, not_before=at(0, "08:00")) is None


# How far ahead -------------------------------------------------------------------------


def test_appointments_are_booked_at_most_the_policy_years_ahead():
    now = at(0, "08:00")
    assert latest_start(now, POLICY) == dt.datetime(2028, 3, 2, 8, 0, tzinfo=LONDON)
    assert not too_far_ahead(dt.datetime(2028, 3, 2, 8, 0, tzinfo=LONDON), now, POLICY)
    assert too_far_ahead(dt.datetime(2028, 3, 2, 8, 1, tzinfo=LONDON), now, POLICY)
    assert too_far_ahead(dt.datetime(9999, 12, 3, 10, 0, tzinfo=LONDON), now, POLICY)
    assert ahead_phrase(POLICY) == "the next 2 years"
    assert ahead_phrase(BookingPolicy(ahead_years=1)) == "the next year"


def test_no_suggestion_beyond_the_limit():
    # The last weekday within two years is full; the days after it are too far ahead.
    limit = latest_start(at(0, "08:00"), POLICY).astimezone(LONDON).date()
    new = Slot(
        dt.datetime.combine(limit, dt.time(7, 0), tzinfo=LONDON),
        dt.datetime.combine(limit, dt.time(7, 30), tzinfo=LONDON),
        A,
    )
    moved = suggest_day(new, [Slot(new.starts_at, new.ends_at, A, 1)], POLICY,
                        not_before=at(0, "08:00"))  # fmt: skip
    assert moved is not None and moved.starts_at < new.starts_at


# Which agencies hold which kinds ---------------------------------------------------------


def test_the_kinds_each_agency_may_hold():
    assert kinds_for(AgencyKind.DRUG_TREATMENT) == ["drug_treatment", "drug_test", "other"]
    assert kinds_for(AgencyKind.DIP) == ["drug_treatment", "drug_test", "other"]
    for om_kind in (AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON):
        assert kinds_for(om_kind) == ["supervision", "drug_test", "mentoring", "other"]
    assert kinds_for(AgencyKind.HOUSING_AUTHORITY) == ["housing", "other"]
    assert kinds_for(AgencyKind.SOCIAL_LANDLORD) == ["housing", "other"]
    assert kinds_for(AgencyKind.ETE) == ["ete", "other"]
    assert kinds_for(AgencyKind.MENTORING) == ["mentoring", "other"]
    assert kinds_for(AgencyKind.HEALTH) == ["other"]
    assert kinds_for(None) == ["other"]
    assert not may_hold(AgencyKind.DRUG_TREATMENT, AppointmentKind.SUPERVISION)
    assert not may_hold(AgencyKind.POLICE, "tea")


def test_the_kind_table_matches_the_vocabularies():
    # Only offender managers' agencies supervise: the same kinds that may lead a case.
    assert OFFENDER_MANAGER_AGENCY_KINDS == LEAD_AGENCY_KINDS
    assert set(KIND_AGENCY_KINDS) == set(AppointmentKind.values)
    named = set().union(*(k for k in KIND_AGENCY_KINDS.values() if k is not None))
    assert named <= set(AgencyKind.values)
    # The kind a new booking starts on is one the agency may hold.
    for agency_kind, kind in DEFAULT_KIND.items():
        assert may_hold(agency_kind, kind), agency_kind


# Custody -------------------------------------------------------------------------------


def test_custody_clashes_on_the_days_it_covers():
    remand = Custody(MONDAY - dt.timedelta(days=20), MONDAY + dt.timedelta(days=2))
    sentence = Custody(MONDAY + dt.timedelta(days=3), None, MONDAY + dt.timedelta(days=40))
    spells = [remand, sentence]
    on_remand = in_custody(slot(2, "10:00", "11:00"), spells, POLICY)
    sentenced = in_custody(slot(3, "10:00", "11:00"), spells, POLICY)
    assert on_remand is not None and on_remand.custody == remand
    assert sentenced is not None and sentenced.custody == sentence
    assert in_custody(slot(1, "10:00", "11:00"), [sentence], POLICY) is None
    # Custody comes first: nothing else matters if the person cannot come.
    found = clashes(slot(2, "10:00", "11:00"), [slot(2, "10:30", "11:00", ref=1)], POLICY,
                    spells)  # fmt: skip
    assert [c.kind for c in found] == [ClashKind.CUSTODY, ClashKind.OVERLAP]
    assert clashes(slot(2, "10:00", "11:00"), [], POLICY) == []


def test_suggestions_avoid_days_in_custody():
    # In custody until Thursday 5 March (released Friday): Wednesday's clash moves to
    # Friday, not Tuesday or Thursday.
    spell = Custody(MONDAY - dt.timedelta(days=20), MONDAY + dt.timedelta(days=1))
    later = Custody(MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=3))
    new = slot(2, "10:00", "11:00")
    moved = suggest_day(new, [slot(2, "10:00", "11:00", ref=1)], POLICY,
                        not_before=at(0, "08:00"), custody=[spell, later])  # fmt: skip
    assert moved is not None and moved.starts_at == at(4, "10:00")
    # Inside with no end in sight: no day to offer.
    open_ended = Custody(MONDAY - dt.timedelta(days=20), None)
    assert suggest_day(new, [], POLICY, not_before=at(0, "08:00"), custody=[open_ended]) is None


# Enforcement ---------------------------------------------------------------------------

NATIONAL = EnforcementPolicy(window_months=12, warning_after=1, breach_after=2)


def moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=LONDON)


def test_first_miss_warning_second_within_twelve_months_breach():
    first = moment(2025, 3, 2)
    assert enforcement_level([], first, NATIONAL) == (EnforcementLevel.WARNING, 1)
    assert enforcement_level([first], moment(2026, 3, 2), NATIONAL) == (EnforcementLevel.BREACH, 2)
    # Twelve months and a day later: a fresh warning.
    assert enforcement_level([first], moment(2026, 3, 3), NATIONAL) == (
        EnforcementLevel.WARNING,
        1,
    )


def test_a_late_recorded_earlier_miss_still_counts():
    later = moment(2026, 6, 1)
    assert enforcement_level([later], moment(2026, 5, 1), NATIONAL)[0] == EnforcementLevel.BREACH


def test_thresholds_are_configurable():
    lenient = EnforcementPolicy(window_months=6, warning_after=2, breach_after=3)
    assert enforcement_level([], moment(2026, 1, 1), lenient) == (None, 1)
    misses = [moment(2026, 1, 1), moment(2026, 3, 1)]
    assert enforcement_level(misses, moment(2026, 6, 30), lenient)[0] == EnforcementLevel.BREACH
    assert enforcement_level(misses, moment(2026, 7, 2), lenient)[0] == EnforcementLevel.WARNING


def test_add_months_ends_of_months():
    assert add_months(moment(2026, 1, 31), 1) == moment(2026, 2, 28)
    assert add_months(moment(2024, 2, 29), 12) == moment(2025, 2, 28)
    assert add_months(moment(2026, 3, 2), -12) == moment(2025, 3, 2)
    assert add_months(moment(2026, 12, 15), 1) == moment(2027, 1, 15)


days = st.integers(min_value=0, max_value=3 * 365)


# The autouse clock is harmless here: these rules take every time as an argument.
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(days, max_size=8), days, days)
def test_level_never_falls_when_another_miss_is_added(offsets, at_offset, extra):
    start = moment(2024, 1, 1)
    misses = [start + dt.timedelta(days=o) for o in offsets]
    when = start + dt.timedelta(days=at_offset)
    rank = {None: 0, EnforcementLevel.WARNING: 1, EnforcementLevel.BREACH: 2}
    before, count = enforcement_level(misses, when, NATIONAL)
    after, more = enforcement_level([*misses, start + dt.timedelta(days=extra)], when, NATIONAL)
    assert rank[after] >= rank[before] and more >= count
    # Every miss at least warns under National Standards, and the count is bounded.
    assert before is not None and 1 <= count <= len(set(misses) | {when})


# The autouse clock is harmless here: these rules take every time as an argument.
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(days, min_size=1, max_size=8), days)
def test_breach_exactly_when_another_miss_is_within_twelve_months(offsets, at_offset):
    start = moment(2024, 1, 1)
    when = start + dt.timedelta(days=at_offset)
    misses = [start + dt.timedelta(days=o) for o in offsets if o != at_offset]
    near = any(add_months(min(m, when), 12) >= max(m, when) for m in misses)
    level, _ = enforcement_level(misses, when, NATIONAL)
    assert (level == EnforcementLevel.BREACH) == near
    assert misses_in_window(misses, when, NATIONAL) >= 1


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError):
        EnforcementPolicy(window_months=12, warning_after=3, breach_after=2)


def test_monday_constant_is_a_monday():
    assert MONDAY.weekday() == 0
