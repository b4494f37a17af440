"""Attendance outcomes, the re-engagement task, enforcement flags and decisions, and good
progress."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

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
from tandem.appointments.models import EnforcementFlag
from tandem.appointments.services import appointment_join, outcome_correct, outcome_record
from tandem.casework.models import Task, TaskStatus
from tandem.core.models import Notice

from .conftest import at, book

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


def test_outcome_by_the_agencies_present_only(cast, clock, housing_worker):
    meeting = book(cast.om, cast.person)
    clock.move_to(at(1, "11:00"))
    for persona in (cast.partner, housing_worker, cast.viewer, cast.coordinator, cast.other_om):
        with pytest.raises(PermissionDenied):
            outcome_record(actor=persona, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED)


def test_a_joint_participant_agency_may_record(cast, clock):
    meeting = book(cast.om, cast.person)
    appointment_join(actor=cast.partner, appointment=meeting, agency=cast.partner.agency)
    clock.move_to(at(1, "11:00"))
    attendance = outcome_record(
        actor=cast.partner, appointment=meeting, outcome=Outcome.ATTENDED_COMPLIED
    )
    assert attendance.recorded_agency == cast.partner.agency


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


def test_first_miss_warning_second_within_twelve_months_breach(cast, clock, lead):
    first = book(cast.om, cast.person, enforceable=True)
    second = book(cast.om, cast.person, days=8, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=first, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    warning = EnforcementFlag.objects.get(appointment=first)
    assert warning.level == EnforcementLevel.WARNING and warning.missed_count == 1
    assert warning.owner == lead and warning.status == FlagStatus.OPEN
    clock.move_to(at(8, "12:00"))
    outcome_record(actor=cast.om, appointment=second, outcome=MISSED)
    breach = EnforcementFlag.objects.get(appointment=second)
    assert breach.level == EnforcementLevel.BREACH and breach.missed_count == 2
    notice = Notice.objects.filter(subject__startswith="Enforcement decision").first()
    assert notice is not None
    body = notice.body
    assert "breach action must be considered" in body
    assert "Nothing happens to the person until you do" in body
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
    # And back again: the same flag is raised again, and the open task is reused.
    outcome_correct(actor=cast.om, appointment=meeting, outcome=MISSED,
                    reason="The court letter was for another date")  # fmt: skip
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert Task.objects.count() == 1


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
    clock.move_to(at(1, "11:00"))
    outcome_record(actor=cast.partner, appointment=supervision,
                   outcome=Outcome.UNACCEPTABLE_ABSENCE)  # fmt: skip
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
