"""Attendance outcomes, the re-engagement task, enforcement flags and decisions, and good
progress."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.appointments.access import may_record_outcome
from tandem.appointments.codes import (
    AbsenceReason,
    AppointmentKind,
    EnforcementAction,
    EnforcementLevel,
    FlagStatus,
    Outcome,
)
from tandem.appointments.enforcement import (
    REENGAGEMENT_TASK_KIND,
    enforcement_decide,
    good_progress_record,
)
from tandem.appointments.models import Attendance, EnforcementFlag
from tandem.appointments.rules import LONDON
from tandem.appointments.services import appointment_join, outcome_correct, outcome_record
from tandem.casework.models import Task, TaskStatus
from tandem.core.models import Notice

from .conftest import at, book


def local_day(moment):
    return moment.astimezone(LONDON).date()


MISSED = Outcome.FAILED_TO_ATTEND


def test_outcome_only_after_the_start(cast, clock):
    meeting = book(cast.om, cast.person)
    with pytest.raises(ValidationError) as error:
        outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED)
    assert "started" in str(error.value)
    clock.move_to(at(1, "10:00"))
    attendance = outcome_record(
        actor=cast.om, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED
    )
    assert attendance.recorded_agency == cast.om.agency and attendance.reengagement_task is None


def test_outcome_by_the_holding_agency_only(cast, clock, housing_worker):
    meeting = book(cast.om, cast.person)
    clock.move_to(at(1, "11:00"))
    for persona in (cast.partner, housing_worker, cast.viewer, cast.coordinator, cast.other_om):
        with pytest.raises(PermissionDenied):
            outcome_record(actor=persona, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED)


def test_a_joint_participant_agency_may_not_record_or_correct(cast, clock, lead):
    """The reviewer's case: the drug service joined the police's licence appointment and
    recorded "failed to attend", which raised a breach flag. Only the agency that held the
    appointment records or corrects its outcome; a refusal changes nothing."""
    meeting = book(cast.om, cast.person, enforceable=True)
    appointment_join(actor=cast.partner, appointment=meeting, agency=cast.partner.agency,
                     worker=cast.partner)  # fmt: skip
    assert not may_record_outcome(cast.partner, meeting) and may_record_outcome(cast.om, meeting)
    clock.move_to(at(1, "11:00"))
    with pytest.raises(PermissionDenied):
        outcome_record(actor=cast.partner, appointment=meeting, outcome=MISSED)
    assert not Attendance.objects.exists() and not EnforcementFlag.objects.exists()
    assert not Task.objects.exists()
    attendance = outcome_record(
        actor=cast.om, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED
    )
    assert attendance.recorded_agency == cast.om.agency
    with pytest.raises(PermissionDenied):
        outcome_correct(actor=cast.partner, appointment=meeting, outcome=MISSED,
                        reason="He left before the start")  # fmt: skip
    attendance.refresh_from_db()
    assert attendance.outcome == Outcome.ATTENDED_COMPLIED and attendance.corrected_by is None
    assert not EnforcementFlag.objects.exists()


def test_recorded_once_then_corrected_with_a_reason(cast, clock):
    meeting = book(cast.om, cast.person)
    clock.move_to(at(1, "11:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED)
    with pytest.raises(ValidationError):
        outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.SENT_HOME_BEHAVIOUR)
    with pytest.raises(ValidationError):
        outcome_correct(actor=cast.om, appointment=meeting, outcome=Outcome.SENT_HOME_BEHAVIOUR,
                        reason="")  # fmt: skip
    corrected = outcome_correct(
        actor=cast.om, appointment=meeting, outcome=Outcome.SENT_HOME_BEHAVIOUR,
        reason="Recorded against the wrong appointment",
    )  # fmt: skip
    assert corrected.corrected_by == cast.om
    assert [h.outcome for h in corrected.history.order_by("history_date")] == [
        Outcome.ATTENDED_COMPLIED,
        Outcome.SENT_HOME_BEHAVIOUR,
    ]


def test_acceptable_absence_needs_its_reason(cast, clock):
    meeting = book(cast.om, cast.person)
    clock.move_to(at(1, "11:00"))
    with pytest.raises(ValidationError) as error:
        outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.ACCEPTABLE_ABSENCE)
    assert "absence_reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED,
                       absence_reason=AbsenceReason.MEDICAL)  # fmt: skip
    attendance = outcome_record(actor=cast.om, appointment=meeting,
                                outcome=Outcome.ACCEPTABLE_ABSENCE,
                                absence_reason=AbsenceReason.MEDICAL)  # fmt: skip
    assert attendance.get_absence_reason_display() == "Medical"
    assert not Task.objects.exists() and not EnforcementFlag.objects.exists()


def test_missed_voluntary_appointment_gives_the_lead_a_task_but_no_flag(cast, clock, lead):
    meeting = book(cast.partner, cast.person, kind=AppointmentKind.DRUG_TREATMENT)
    clock.move_to(at(1, "12:00"))
    attendance = outcome_record(actor=cast.partner, appointment=meeting, outcome=MISSED)
    task = Task.objects.get()
    assert attendance.reengagement_task == task
    assert task.kind == REENGAGEMENT_TASK_KIND and task.owner == lead
    assert task.owner_agency == lead.agency and task.status == TaskStatus.OPEN
    assert task.due_on == at(3, "00:00").date()
    assert "Tuesday 3 March 2026" in task.title
    notice = Notice.objects.get(recipient=lead, subject__startswith="Missed appointment")
    # The notice names the agency, never the kind of appointment.
    assert "Test Drug Service" in notice.body and "treatment" not in notice.body
    assert not EnforcementFlag.objects.exists()


def test_without_a_lead_the_coordinators_hear(cast, clock):
    meeting = book(cast.om, cast.person, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    task = Task.objects.get()
    assert task.owner is None
    flag = EnforcementFlag.objects.get()
    assert flag.owner is None
    notices = Notice.objects.filter(recipient=cast.coordinator)
    subjects = set(notices.values_list("subject", flat=True))
    assert any(s.startswith("Enforcement decision needed") for s in subjects)
    assert any(s.startswith("Missed appointment") for s in subjects)


def test_first_miss_warning_second_within_twelve_months_of_the_warning_breach(cast, clock, lead):
    first = book(cast.om, cast.person, enforceable=True)
    second = book(cast.om, cast.person, days=8, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=first, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    warning = EnforcementFlag.objects.get(appointment=first)
    assert warning.level == EnforcementLevel.WARNING and warning.missed_count == 1
    assert warning.owner == lead and warning.status == FlagStatus.OPEN
    enforcement_decide(actor=lead, flag=warning, action=EnforcementAction.FIRST_WARNING_LETTER,
                       reason="First missed requirement: warning letter sent")  # fmt: skip
    clock.move_to(at(8, "12:00"))
    outcome_record(actor=cast.om, appointment=second, outcome=MISSED)
    breach = EnforcementFlag.objects.get(appointment=second)
    assert breach.level == EnforcementLevel.BREACH and breach.missed_count == 2
    assert breach.pk != warning.pk and breach.status == FlagStatus.OPEN
    notice = Notice.objects.filter(subject__startswith="Enforcement decision").first()
    assert notice is not None
    body = notice.body
    assert "breach action must be considered" in body
    assert "Nothing happens to the person until you do" in body
    assert "by Tuesday 17 March 2026" in body  # five working days after Tuesday 10 March
    # Re-engagement tasks for both, one each.
    assert Task.objects.filter(kind=REENGAGEMENT_TASK_KIND).count() == 2


def test_decision_is_recorded_with_a_reason_by_the_lead_or_coordinator(cast, clock, lead):
    meeting = book(cast.om, cast.person, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED)
    flag = EnforcementFlag.objects.get()
    for persona in (cast.partner, cast.viewer, cast.other_om):
        with pytest.raises(PermissionDenied):
            enforcement_decide(actor=persona, flag=flag, action=EnforcementAction.DISCRETION,
                               reason="Doing well")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        enforcement_decide(actor=lead, flag=flag, action=EnforcementAction.DISCRETION, reason=" ")
    assert "reason" in error.value.message_dict
    decision = enforcement_decide(
        actor=cast.coordinator, flag=flag, action=EnforcementAction.FIRST_WARNING_LETTER,
        reason="First miss in a year; letter sent",
    )  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DECIDED and decision.decided_by == cast.coordinator
    # The lead hears of a decision made by someone else.
    told = Notice.objects.filter(recipient=lead, subject__contains="decision recorded")
    assert told.exists()
    with pytest.raises(ValidationError):
        enforcement_decide(actor=lead, flag=flag, action=EnforcementAction.DISCRETION,
                           reason="Again")  # fmt: skip


def test_correcting_a_miss_away_withdraws_the_open_flag(cast, clock, lead):
    meeting = book(cast.om, cast.person, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED)
    outcome_correct(
        actor=cast.om, appointment=meeting, outcome=Outcome.ACCEPTABLE_ABSENCE,
        absence_reason=AbsenceReason.COURT_LEGAL, reason="He was in court: letter seen",
    )  # fmt: skip
    flag = EnforcementFlag.objects.get()
    assert flag.status == FlagStatus.WITHDRAWN and "in court" in flag.withdrawn_reason
    # Its re-engagement task is cancelled, with the reason, through casework.
    task = Task.objects.get()
    assert task.status == TaskStatus.CANCELLED and "in court" in task.cancel_reason
    assert task.closed_by == cast.om
    # And back again: a flag is raised again (the withdrawn one stays withdrawn), with a
    # new re-engagement task.
    outcome_correct(actor=cast.om, appointment=meeting, outcome=MISSED,
                    reason="The court letter was for another date")  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.WITHDRAWN
    again = EnforcementFlag.objects.get(status=FlagStatus.OPEN)
    assert again.appointment == meeting and again.level == EnforcementLevel.WARNING
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 1
    assert Task.objects.count() == 2


def test_good_progress(cast, lead):
    progress = good_progress_record(
        actor=cast.partner, person=cast.person, note="Six clean tests in a row"
    )
    assert progress.recorded_agency == cast.partner.agency
    assert Notice.objects.filter(recipient=lead, subject__startswith="Good progress").exists()
    with pytest.raises(ValidationError):
        good_progress_record(actor=cast.partner, person=cast.person, note="")
    for persona in (cast.other_partner, cast.viewer, cast.other_om, cast.analyst):
        with pytest.raises(PermissionDenied):
            good_progress_record(actor=persona, person=cast.person, note="Well done")


def test_done_when_scenario(cast, clock, lead):
    """The issue's walk-through: an offender manager and a drug worker book for the same
    person, get the warnings, merge into a joint appointment, record outcomes, and handle a
    second unacceptable absence with discretion."""
    from tandem.appointments.selectors import diary_for, printable_diary
    from tandem.appointments.services import BookingWarnings, appointment_merge

    supervision = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    with pytest.raises(BookingWarnings) as raised:
        book(cast.partner, cast.person, start="10:30", end="11:30",
             kind=AppointmentKind.DRUG_TREATMENT)  # fmt: skip
    join = next(s for s in raised.value.check.suggestions if s.code == "join")
    assert join.appointment_id == supervision.pk
    own = book(cast.partner, cast.person, days=2, kind=AppointmentKind.DRUG_TREATMENT,
               worker=cast.partner)  # fmt: skip
    appointment_merge(actor=cast.partner, appointment=own, into=supervision)
    rows = diary_for(cast.om, cast.person, at(0, "00:00"), at(7, "00:00"))
    assert [(r.title, r.cancelled, r.joint) for r in rows] == [
        ("Offender manager supervision", False, True),
        ("Drug treatment", True, False),
    ]
    assert printable_diary(cast.om, cast.person).days[0].entries[0].also_there == (
        f"{cast.partner.display_name} (Test Drug Service)",
    )
    # The joint appointment is still the police's licence requirement.
    supervision.refresh_from_db()
    assert supervision.enforceable and supervision.agency == cast.om.agency
    clock.move_to(at(1, "11:00"))
    # The police held it, so they record it; the drug service, there too, may not.
    with pytest.raises(PermissionDenied):
        outcome_record(actor=cast.partner, appointment=supervision,
                       outcome=Outcome.UNACCEPTABLE_ABSENCE)  # fmt: skip
    outcome_record(actor=cast.om, appointment=supervision,
                   outcome=Outcome.UNACCEPTABLE_ABSENCE)  # fmt: skip
    enforcement_decide(
        actor=lead, flag=EnforcementFlag.objects.get(appointment=supervision),
        action=EnforcementAction.FIRST_WARNING_LETTER, reason="First miss: warning letter sent",
    )  # fmt: skip
    clock.move_to(at(1, "11:30"))
    second = book(cast.om, cast.person, days=7, worker=cast.om, enforceable=True)
    clock.move_to(at(7, "11:00"))
    outcome_record(actor=cast.om, appointment=second, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    breach = EnforcementFlag.objects.get(appointment=second)
    assert breach.level == EnforcementLevel.BREACH
    enforcement_decide(
        actor=lead, flag=breach, action=EnforcementAction.DISCRETION,
        reason="Started a job this week; agreed new reporting times; stays on the scheme",
    )  # fmt: skip
    breach.refresh_from_db()
    assert breach.status == FlagStatus.DECIDED
    assert breach.decision.get_action_display().startswith("Discretion")


# One open flag per person (a further miss joins it) ---------------------------------------


def _misses(cast, clock, days: list[int], **extra) -> list:
    """Book enforceable supervisions on these days, then record each as missed after it."""
    meetings = [book(cast.om, cast.person, days=d, enforceable=True, **extra) for d in days]
    for day, meeting in zip(days, meetings, strict=True):
        clock.move_to(at(day, "12:00"))
        outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED)
    return meetings


def test_a_further_miss_while_undecided_joins_the_open_flag(cast, clock, lead):
    """The reviewer saw one person listed three times ("2, 3 and 4 missed"): now one flag
    answers for every miss while the decision waits, and the lead hears of each."""
    meetings = _misses(cast, clock, [1, 8, 15])
    flag = EnforcementFlag.objects.get()
    assert flag.status == FlagStatus.OPEN and flag.missed_count == 3
    assert flag.appointment == meetings[-1]
    assert set(flag.covers.all()) == set(meetings)
    # Never warned (no decision yet), so a warning is what the rule asks to consider.
    assert flag.level == EnforcementLevel.WARNING
    # Raised with the first miss: the decision was due from then.
    assert flag.raised_at == at(1, "12:00")
    told = Notice.objects.filter(recipient=lead, subject__startswith="Enforcement decision needed")
    assert told.count() == 3
    latest = told.order_by("-id").first()
    assert latest is not None and "answers for 3 missed appointments" in latest.body
    # Every miss still gives its own re-engagement task.
    assert Task.objects.filter(kind=REENGAGEMENT_TASK_KIND, status=TaskStatus.OPEN).count() == 3
    # One decision answers for them all, and nothing is left open.
    enforcement_decide(actor=lead, flag=flag, action=EnforcementAction.FIRST_WARNING_LETTER,
                       reason="Three misses: warning letter, new reporting times")  # fmt: skip
    assert not EnforcementFlag.objects.filter(status=FlagStatus.OPEN).exists()


def test_after_a_warning_letter_further_misses_join_one_breach_flag(cast, clock, lead):
    first, second, third = (
        _misses(cast, clock, [1])[0],
        *(book(cast.om, cast.person, days=d, enforceable=True) for d in (8, 15)),
    )
    enforcement_decide(actor=lead, flag=EnforcementFlag.objects.get(),
                       action=EnforcementAction.FIRST_WARNING_LETTER,
                       reason="Warning letter sent")  # fmt: skip
    for day, meeting in ((8, second), (15, third)):
        clock.move_to(at(day, "12:00"))
        outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED)
    open_flag = EnforcementFlag.objects.get(status=FlagStatus.OPEN)
    assert open_flag.level == EnforcementLevel.BREACH and open_flag.missed_count == 3
    assert set(open_flag.covers.all()) == {second, third}
    assert EnforcementFlag.objects.get(status=FlagStatus.DECIDED).appointment == first


def test_deciding_folds_in_open_flags_raised_before_the_fix(cast, clock, lead):
    """Flags made one per miss (older data, the demo city's bulk load) are folded into the
    one decided, so deciding leaves none of them open."""
    first, second = (book(cast.om, cast.person, days=d, enforceable=True) for d in (1, 8))
    clock.move_to(at(8, "12:00"))
    for meeting in (first, second):
        Attendance.objects.create(
            appointment=meeting, outcome=MISSED, recorded_by=cast.om,
            recorded_agency=cast.om.agency, recorded_at=at(8, "12:00"),
        )  # fmt: skip
    older, newer = (
        EnforcementFlag.objects.create(
            person=cast.person,
            appointment=meeting,
            level=level,
            missed_count=count,
            owner=lead,
            raised_at=meeting.starts_at,
        )
        for meeting, level, count in (
            (first, EnforcementLevel.WARNING, 1),
            (second, EnforcementLevel.BREACH, 2),
        )
    )
    enforcement_decide(actor=lead, flag=newer, action=EnforcementAction.DISCRETION,
                       reason="Both misses answered at once: stays on the scheme")  # fmt: skip
    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.status == FlagStatus.DECIDED and set(newer.covers.all()) == {first, second}
    assert older.status == FlagStatus.WITHDRAWN
    assert f"Folded into enforcement flag {newer.pk}" in older.withdrawn_reason
    assert not EnforcementFlag.objects.filter(status=FlagStatus.OPEN).exists()
    # A miss after that joins nothing old: a fresh flag, at warning (discretion is no warning).
    third = book(cast.om, cast.person, days=9, enforceable=True)
    clock.move_to(at(9, "12:00"))
    outcome_record(actor=cast.om, appointment=third, outcome=MISSED)
    fresh = EnforcementFlag.objects.get(status=FlagStatus.OPEN)
    assert fresh.appointment == third and fresh.level == EnforcementLevel.WARNING


def test_correcting_one_covered_miss_recounts_the_open_flag(cast, clock, lead):
    first, second = _misses(cast, clock, [1, 8])
    flag = EnforcementFlag.objects.get()
    assert flag.missed_count == 2 and flag.appointment == second
    second_task = Attendance.objects.get(appointment=second).reengagement_task
    assert second_task is not None
    outcome_correct(actor=cast.om, appointment=second, outcome=Outcome.ATTENDED_COMPLIED,
                    reason="He came in late; the duty officer saw him")  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and flag.missed_count == 1
    assert flag.appointment == first and set(flag.covers.all()) == {first}
    second_task.refresh_from_db()
    assert second_task.status == TaskStatus.CANCELLED
    assert "duty officer saw him" in second_task.cancel_reason
    # The first miss's task is untouched.
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 1
    told = Notice.objects.filter(recipient=lead, subject__startswith="Missed appointment corrected")
    assert told.count() == 1
    assert "now answers for 1 missed appointment:" in told.get().body
    # Correcting the last one away leaves nothing to decide: the flag is withdrawn.
    outcome_correct(
        actor=cast.om, appointment=first, outcome=Outcome.ACCEPTABLE_ABSENCE,
        absence_reason=AbsenceReason.MEDICAL, reason="Hospital letter seen",
    )  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.WITHDRAWN and "Hospital letter" in flag.withdrawn_reason
    assert not Task.objects.filter(status=TaskStatus.OPEN).exists()


def test_a_decided_flag_stands_when_its_miss_is_corrected(cast, clock, lead):
    (meeting,) = _misses(cast, clock, [1])
    flag = EnforcementFlag.objects.get()
    enforcement_decide(actor=lead, flag=flag, action=EnforcementAction.FIRST_WARNING_LETTER,
                       reason="Letter sent")  # fmt: skip
    outcome_correct(actor=cast.om, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED,
                    reason="Recorded against the wrong person")  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DECIDED
    body = Notice.objects.get(recipient=lead, subject__startswith="Missed appointment corrected")
    assert "decision already recorded for it stands" in body.body
    # Back again: the decision already answers for it, so no new flag.
    outcome_correct(actor=cast.om, appointment=meeting, outcome=MISSED,
                    reason="It was the right person after all")  # fmt: skip
    assert EnforcementFlag.objects.count() == 1


def test_a_partner_correcting_its_own_outcome_asks_the_owner_to_cancel_the_task(cast, clock, lead):
    """Casework lets only the task's owner, the lead or a coordinator close a task, so a drug
    worker's correction leaves the lead's re-engagement task open and asks them to cancel it."""
    meeting = book(cast.partner, cast.person, kind=AppointmentKind.DRUG_TREATMENT)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.partner, appointment=meeting, outcome=MISSED)
    outcome_correct(actor=cast.partner, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED,
                    reason="Came to the afternoon clinic instead")  # fmt: skip
    task = Task.objects.get()
    assert task.status == TaskStatus.OPEN
    notice = Notice.objects.get(recipient=lead, subject__startswith="Missed appointment corrected")
    assert "Cancel its re-engagement task" in notice.body and task.title in notice.body


# When a decision is due ---------------------------------------------------------------------


def test_decide_by_is_five_working_days_after_the_flag(cast, clock, lead, settings):
    _misses(cast, clock, [1])
    flag = EnforcementFlag.objects.get()
    # Raised on Tuesday 3 March 2026: due the Tuesday after.
    assert flag.decide_by == at(8, "00:00").date()
    assert not flag.decision_overdue(at(8, "00:00").date())
    assert flag.decision_overdue(at(9, "00:00").date())
    settings.APPOINTMENTS_DECISION_WORKING_DAYS = 2
    assert flag.decide_by == at(3, "00:00").date()


def test_decide_by_skips_bank_holidays(cast, clock, lead):
    # Raised on Thursday 2 April 2026: Good Friday and Easter Monday are not working days.
    meeting = book(cast.om, cast.person, days=31, enforceable=True)
    clock.move_to(at(31, "12:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=MISSED)
    flag = EnforcementFlag.objects.get()
    assert local_day(flag.raised_at).isoformat() == "2026-04-02"
    assert flag.decide_by.isoformat() == "2026-04-13"
