"""Referral timers: not acknowledged within 5 working days, or not started within the set
time after acceptance, is flagged to both sides; the daily command tells each side once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import Notice
from tandem.people import services as people_services
from tandem.people.models import EpisodeKind
from tandem.referrals.models import Referral
from tandem.referrals.services import referral_create, referral_step
from tandem.referrals.timers import (
    _custody_runs,
    _start_clock_from,
    overdue,
    timer_for,
    timers_tell,
)
from tandem.referrals.working_days import add_working_days


def _sent(cast, directory) -> Referral:
    referral = referral_create(actor=cast.om, person=cast.person, service=directory.housing,
                               pathway=Pathway.ACCOMMODATION, reason="No fixed abode")  # fmt: skip
    return referral_step(actor=cast.om, referral=referral, step="send")


def _run() -> str:
    out = StringIO()
    call_command("referral_timers", stdout=out)
    return out.getvalue()


def test_the_acknowledgement_clock_runs_over_christmas(cast, directory):
    referral = _sent(cast, directory)
    referral.sent_at = timezone.make_aware(dt.datetime(2026, 12, 24, 15, 0))
    timer = timer_for(referral, dt.date(2027, 1, 5))
    assert timer is not None and timer.kind == "acknowledge"
    assert timer.due_on == dt.date(2027, 1, 5) and not timer.overdue
    assert timer.label == "Acknowledgement due by 5 January 2027"
    assert timer_for(referral, dt.date(2027, 1, 6)).overdue  # type: ignore[union-attr]


def test_both_sides_are_told_once_and_the_command_prints_only_a_count(cast, directory):
    referral = _sent(cast, directory)
    Notice.objects.all().delete()
    with time_machine.travel(timezone.now() + dt.timedelta(days=6), tick=False):
        assert _run() == "0 overdue referrals told.\n"  # 6 days is at most 5 working days
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert _run() == "1 overdue referral told.\n"
        told = Notice.objects.order_by("recipient__username")
        assert [n.recipient for n in told] == [cast.om, cast.other_partner]
        assert all(f"Referral {referral.pk}" in n.subject for n in told)
        assert all(": acknowledgement overdue since " in n.subject for n in told)
        months = [f"{dt.date(2026, m, 1):%B}" for m in range(1, 13)]
        assert all(any(m in n.subject for m in months) for n in told)  # a capital, not "june"
        assert all(cast.person.last_name not in n.subject + n.body for n in told)
        # Idempotent: the next day's run tells nobody again.
        assert _run() == "0 overdue referrals told.\n"
        assert timers_tell(today()) == 0
    assert Notice.objects.count() == 2
    assert Referral.objects.get().acknowledge_overdue_told_at is not None


def test_the_start_clock_is_told_separately_to_the_worker(cast, directory):
    referral = _sent(cast, directory)
    referral = referral_step(actor=cast.other_partner, referral=referral, step="accept")
    Notice.objects.all().delete()
    assert timers_tell(today()) == 0
    later = today() + dt.timedelta(days=40)
    assert [(r.pk, t.kind) for r, t in overdue(later)] == [(referral.pk, "start")]
    assert timers_tell(later) == 1
    assert timers_tell(later) == 0
    assert {n.recipient for n in Notice.objects.all()} == {cast.om, cast.other_partner}
    # Started: the clock stops, nothing more is told.
    referral_step(actor=cast.other_partner, referral=referral, step="start")
    assert overdue(later) == [] and timer_for(Referral.objects.get(), later) is None


def test_ended_and_acknowledged_referrals_have_no_clock(cast, directory):
    referral = _sent(cast, directory)
    referral = referral_step(actor=cast.other_partner, referral=referral, step="acknowledge")
    assert timer_for(referral, today() + dt.timedelta(days=60)) is None
    referral_step(actor=cast.other_partner, referral=referral, step="decline", reason="Full")
    assert timers_tell(today() + dt.timedelta(days=60)) == 0


def _accepted(cast, directory) -> Referral:
    referral = _sent(cast, directory)
    return referral_step(actor=cast.other_partner, referral=referral, step="accept")


def test_the_start_clock_waits_while_the_person_is_in_custody(cast, directory):
    sentenced_on = today() - dt.timedelta(days=10)
    people_services.episode_add(
        actor=None, person=cast.person, kind=EpisodeKind.REMAND,
        start_date=today() - dt.timedelta(days=40), end_date=sentenced_on - dt.timedelta(days=1),
    )  # fmt: skip
    sentence = people_services.episode_add(
        actor=None, person=cast.person, kind=EpisodeKind.SENTENCED,
        start_date=sentenced_on, establishment="HMP Test",
        expected_end_date=today() + dt.timedelta(days=70), sentence_months=6,
    )  # fmt: skip
    referral = _accepted(cast, directory)
    later = today() + dt.timedelta(days=60)
    timer = timer_for(referral, later)
    assert timer is not None and timer.due_on is None and not timer.overdue
    assert timer.label == "Start clock waits for release from custody"
    assert overdue(later) == [] and timers_tell(later) == 0
    # Released 30 days on: the 15 working days count from the day they walk out.
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        released = today()
        people_services.episode_end(
            actor=None, episode=sentence, end_date=released - dt.timedelta(days=1)
        )
    soon_after = released + dt.timedelta(days=5)
    timer = timer_for(Referral.objects.get(), soon_after)
    assert timer is not None and timer.due_on == add_working_days(released, 15)
    assert not timer.overdue
    assert [r.pk for r, _ in overdue(released + dt.timedelta(days=40))] == [referral.pk]


def test_a_recall_after_acceptance_restarts_the_start_clock_from_the_next_release():
    accepted = dt.date(2027, 3, 1)
    runs = [
        (dt.date(2026, 1, 1), dt.date(2026, 6, 30)),  # long before: does not count
        (dt.date(2027, 3, 10), dt.date(2027, 4, 2)),  # recalled, then out on 3 April
    ]
    assert _start_clock_from(runs, accepted, dt.date(2027, 3, 5)) == accepted
    assert _start_clock_from(runs, accepted, dt.date(2027, 3, 20)) is None
    assert _start_clock_from(runs, accepted, dt.date(2027, 5, 1)) == dt.date(2027, 4, 3)
    assert _start_clock_from([(dt.date(2027, 3, 10), None)], accepted, dt.date(2028, 1, 1)) is None


def test_custody_spells_back_to_back_are_one_run(cast):
    people_services.episode_add(
        actor=None, person=cast.person, kind=EpisodeKind.REMAND,
        start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 2, 1),
    )  # fmt: skip
    people_services.episode_add(
        actor=None, person=cast.person, kind=EpisodeKind.SENTENCED,
        start_date=dt.date(2025, 2, 2), end_date=dt.date(2025, 8, 1),
        establishment="HMP Test", sentence_months=12,
    )  # fmt: skip
    assert _custody_runs([cast.person.pk], dt.date(2024, 1, 1))[cast.person.pk] == [
        (dt.date(2025, 1, 1), dt.date(2025, 8, 1))
    ]
    assert _custody_runs([cast.person.pk], dt.date(2025, 8, 2)) == {}  # over before then
