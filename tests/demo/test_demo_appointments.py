"""The demo's diary history on a small city: who has appointments, what happened at them,
enforcement by the rules with decisions, and nothing the services would have refused."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from django.db import transaction

from tandem.appointments.codes import (
    ATTENDED_OUTCOMES,
    MISSED_OUTCOMES,
    AppointmentStatus,
    FlagStatus,
)
from tandem.appointments.enforcement import WARNING_ACTIONS
from tandem.appointments.models import (
    Appointment,
    Attendance,
    ContactConsent,
    EnforcementDecision,
    EnforcementFlag,
    GoodProgress,
    Participant,
)
from tandem.appointments.rules import LONDON, BookingPolicy
from tandem.casework.models import Task
from tandem.cohort.selectors import members_on
from tandem.core.models import Area
from tandem.core.reference_data import reference_data_install
from tandem.demo.generator import generate_city
from tandem.demo.generator.appointments import (
    AHEAD_WEEKS,
    DEMO_LEADS,
    AppointmentsSummary,
    appointments_create,
    demo_organisation,
)
from tandem.people.models import CUSTODY_KINDS, StatusEpisode
from tandem.referrals.working_days import is_working_day

SEED = 11
PEOPLE = 300
DAY = dt.date(2026, 3, 4)  # a Wednesday


@pytest.fixture(scope="module")
def diary(django_db_setup: None, django_db_blocker: Any) -> Iterator[AppointmentsSummary]:
    with django_db_blocker.unblock(), transaction.atomic():
        # Browser tests before this module flush the rows data migrations shipped.
        reference_data_install()
        generate_city(seed=SEED, people=PEOPLE, as_of=DAY)
        # The build already wrote the diary; write it again here to hold its summary.
        _wipe()
        yield appointments_create(demo_organisation(), DAY, seed=SEED)
        transaction.set_rollback(True)


def _wipe() -> None:
    """Remove the diary the demo step wrote, so it can be written again."""
    for model in (EnforcementDecision, EnforcementFlag, Attendance, Participant, GoodProgress,
                  ContactConsent, Appointment):  # fmt: skip
        model.objects.all().delete()
    Task.objects.filter(kind="reengagement").delete()


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


@pytest.mark.django_db
def test_cohort_members_at_liberty_have_a_diary(diary: AppointmentsSummary) -> None:
    assert diary.people > 0 and diary.appointments == Appointment.objects.count()
    members = set(members_on(DAY).values_list("person_id", flat=True))
    in_custody = set(
        StatusEpisode.objects.filter(kind__in=CUSTODY_KINDS, start_date__lte=DAY)
        .exclude(end_date__lt=DAY)
        .values_list("person_id", flat=True)
    )
    people = set(Appointment.objects.values_list("person_id", flat=True))
    assert people <= members and not people & in_custody
    kinds = Counter(Appointment.objects.values_list("kind", flat=True))
    assert kinds["supervision"] > kinds["drug_treatment"] > 0 and kinds["drug_test"] > 0
    assert Appointment.objects.filter(enforceable=True).exists()
    assert Appointment.objects.filter(enforceable=False).exists()
    assert diary.joint == Participant.objects.count() > 0


@pytest.mark.django_db
def test_past_appointments_have_outcomes_and_coming_ones_none(diary: AppointmentsSummary) -> None:
    outcomes = Counter(Attendance.objects.values_list("outcome", flat=True))
    total = sum(outcomes.values())
    attended = sum(outcomes[o] for o in ATTENDED_OUTCOMES)
    missed = sum(outcomes[o] for o in MISSED_OUTCOMES)
    assert total == diary.outcomes and 0.75 < attended / total < 0.97
    assert 0 < missed / total < 0.12 and outcomes["acceptable_absence"] > 0
    assert not Attendance.objects.filter(appointment__starts_at__date__gte=DAY).exists()
    assert not Attendance.objects.filter(appointment__status=AppointmentStatus.CANCELLED).exists()
    ahead = Appointment.objects.filter(starts_at__date__gt=DAY)
    assert ahead.exists()
    assert max(_day(a) for a in ahead.values_list("starts_at", flat=True)) <= DAY + dt.timedelta(
        weeks=AHEAD_WEEKS
    )
    for attendance in Attendance.objects.select_related("appointment"):
        assert attendance.recorded_at > attendance.appointment.starts_at
        assert attendance.recorded_agency_id == attendance.appointment.agency_id
    # Every miss gave the offender manager a re-engagement task.
    assert Task.objects.filter(kind="reengagement").count() == missed
    assert not Attendance.objects.filter(
        outcome__in=MISSED_OUTCOMES, reengagement_task__isnull=True
    ).exists()


def _booking_warnings(policy: BookingPolicy) -> list[tuple[int, str, Any]]:
    """What the booking form would have warned about in the diary, person by person: two
    live (not cancelled) appointments sharing time, same-day appointments in different areas
    with less than the travel time between them, ISO weeks (London) over the limit."""
    by_person: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
    for person_id, start, end, area_id in Appointment.objects.filter(
        status=AppointmentStatus.BOOKED
    ).values_list("person_id", "starts_at", "ends_at", "area_id"):
        by_person[person_id].append((start, end, area_id))
    travel = dt.timedelta(minutes=policy.travel_minutes)
    found: list[tuple[int, str, Any]] = []
    for person_id, slots in sorted(by_person.items()):
        for first, then in combinations(sorted(slots), 2):
            if then[0] < first[1]:
                found.append((person_id, "overlap", (first, then)))
            elif (_day(first[0]) == _day(then[0]) and first[2] != then[2]
                  and then[0] - first[1] < travel):  # fmt: skip
                found.append((person_id, "travel", (first, then)))
        weeks = Counter(_day(start).isocalendar()[:2] for start, _, _ in slots)
        found += [
            (person_id, "overload", (week, count))
            for week, count in weeks.items()
            if count > policy.max_per_week
        ]
    return found


@pytest.mark.django_db
def test_the_diary_raises_no_booking_warnings(diary: AppointmentsSummary) -> None:
    policy = BookingPolicy.from_settings()
    assert _booking_warnings(policy) == []
    # As if booked anyway: one appointment over another, one too soon after it elsewhere.
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    first = booked.filter(kind="supervision").order_by("pk").first()
    assert first is not None
    later = booked.filter(person=first.person, starts_at__gt=first.ends_at).order_by("pk")
    over, soon = later.values_list("pk", flat=True)[:2]
    elsewhere = Area.objects.exclude(pk=first.area_id).first()
    sid = transaction.savepoint()
    booked.filter(pk=over).update(starts_at=first.starts_at, ends_at=first.ends_at)
    booked.filter(pk=soon).update(
        starts_at=first.ends_at + dt.timedelta(minutes=policy.travel_minutes - 15),
        ends_at=first.ends_at + dt.timedelta(minutes=policy.travel_minutes + 45),
        area=elsewhere,
    )
    warnings = _booking_warnings(policy)
    transaction.savepoint_rollback(sid)
    assert {(first.person_id, "overlap"), (first.person_id, "travel")} <= {
        (person_id, kind) for person_id, kind, _ in warnings
    }
    # Offices are open on working days only: no weekends, no bank holidays.
    starts = Appointment.objects.values_list("starts_at", flat=True)
    assert all(is_working_day(_day(start)) for start in starts)


@pytest.mark.django_db
def test_the_diary_keeps_to_the_configured_booking_rules(
    diary: AppointmentsSummary, settings: Any
) -> None:
    # The default limit is reached in some weeks, so a lower one changes the diary.
    weeks = Counter(
        (person_id, _day(start).isocalendar()[:2])
        for person_id, start in Appointment.objects.filter(
            status=AppointmentStatus.BOOKED
        ).values_list("person_id", "starts_at")
    )
    assert max(weeks.values()) > 3
    settings.APPOINTMENTS_MAX_PER_WEEK = 3
    settings.APPOINTMENTS_TRAVEL_MINUTES = 120
    sid = transaction.savepoint()
    _wipe()
    tight = appointments_create(demo_organisation(), DAY, seed=SEED)
    warnings = _booking_warnings(BookingPolicy.from_settings())
    transaction.savepoint_rollback(sid)
    assert warnings == []
    assert tight.people == diary.people and 0 < tight.appointments < diary.appointments


@pytest.mark.django_db
def test_enforcement_follows_the_rules_with_decisions(diary: AppointmentsSummary) -> None:
    flags = list(EnforcementFlag.objects.select_related("appointment", "appointment__attendance"))
    assert len(flags) == diary.flags > 0
    warned = defaultdict(list)  # person -> when each formal warning was decided
    for decision in EnforcementDecision.objects.filter(action__in=WARNING_ACTIONS):
        warned[decision.flag.person_id].append(decision.decided_at)
    open_per_person = Counter(f.person_id for f in flags if f.status == FlagStatus.OPEN)
    assert max(open_per_person.values(), default=0) <= 1  # one undecided flag a person
    for flag in flags:
        assert flag.appointment.enforceable
        assert flag.appointment.attendance.outcome in MISSED_OUTCOMES
        assert flag.appointment in flag.covers.all()
        if flag.level == "breach":  # only after a formal warning (decision record 10)
            recorded = flag.appointment.attendance.recorded_at
            assert flag.missed_count >= 2
            assert any(w < recorded for w in warned[flag.person_id])
        if flag.status == FlagStatus.DECIDED:
            assert flag.decision.reason and flag.decision.decided_at >= flag.raised_at
        else:
            assert flag.status == FlagStatus.OPEN
    assert diary.decisions + diary.open_flags == diary.flags
    assert any(f.level == "breach" for f in flags)
    # A few people, not most, reach a second missed requirement (and each demo offender
    # manager has one such person to decide on, however small the city).
    breached = {f.person_id for f in flags if f.level == "breach"}
    assert 0 < len(breached) <= max(len(DEMO_LEADS), diary.people // 4)
    assert GoodProgress.objects.count() == diary.good_progress
    assert ContactConsent.objects.count() == diary.consents > 0


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_diary(diary: AppointmentsSummary) -> None:
    def snapshot() -> list[tuple]:
        return list(
            Appointment.objects.order_by("person_id", "starts_at", "kind").values_list(
                "person_id", "kind", "starts_at", "uid", "attendance__outcome"
            )
        )

    first = snapshot()
    sid = transaction.savepoint()
    _wipe()
    again = appointments_create(demo_organisation(), DAY, seed=SEED)
    second = snapshot()
    transaction.savepoint_rollback(sid)
    assert again == diary and second == first
