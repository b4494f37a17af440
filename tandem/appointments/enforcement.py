"""What follows a missed appointment, and enforcement with discretion.

A missed appointment (unacceptable absence or failed to attend) gives the offender manager
a re-engagement task on their caseload. When it was enforceable (a licence or order
requirement) and the National Standards thresholds (rules.EnforcementPolicy, from
settings) are reached, an EnforcementFlag asks the offender manager for a decision:
a warning letter, breach, or discretion to keep the person on the scheme, always with the
reason. Nothing happens to the person without that decision, as the study asked: "some
discretion… to reward good progress, whilst punishing nonattendance in ways that retains
offenders on the scheme". Good progress is recorded here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.casework.models import Task, TaskStatus
from tandem.casework.selectors import current_leads
from tandem.casework.services import task_create
from tandem.core.access import today
from tandem.core.models import Role, User
from tandem.core.notices import notice_send
from tandem.people.models import Person

from .access import agency_id_of, may_decide, may_record_for
from .codes import MISSED_OUTCOMES, EnforcementAction, EnforcementLevel, FlagStatus
from .models import Appointment, Attendance, EnforcementDecision, EnforcementFlag, GoodProgress
from .rules import EnforcementPolicy, enforcement_level
from .text import day_label, local, person_link

# The casework task kind for re-engagement after a missed appointment.
REENGAGEMENT_TASK_KIND = "reengagement"


def responsible_for(person: Person) -> tuple[User | None, list[User]]:
    """Who hears about the person's attendance: the current lead offender manager or, with
    no lead, the coordinators of the person's area. Returns (lead, recipients)."""
    lead = current_leads([person.pk]).get(person.pk)
    if lead is not None:
        return lead.worker, [lead.worker]
    if person.residence_area_id is None:
        return None, []
    coordinators = User.objects.filter(
        role=Role.COORDINATOR, is_active=True, areas=person.residence_area_id
    )
    return None, list(coordinators)


@dataclass(frozen=True)
class MissedResult:
    task: Task
    flag: EnforcementFlag | None


def _reengagement_task(actor: User, attendance: Attendance, lead: User | None) -> Task:
    """The offender manager's task, made once per missed appointment (reused while open)."""
    task = attendance.reengagement_task
    if task is not None and task.status == TaskStatus.OPEN:
        return task
    appointment = attendance.appointment
    days = int(getattr(settings, "APPOINTMENTS_REENGAGEMENT_DAYS", 2))
    task = task_create(
        actor=actor,
        person_id=appointment.person_id,
        kind=REENGAGEMENT_TASK_KIND,
        title=f"Re-engage after the missed appointment on "
        f"{day_label(local(appointment.starts_at).date())}",
        due_on=today() + dt.timedelta(days=days),
        owner=lead,
    )
    attendance.reengagement_task = task
    attendance._history_user = actor  # type: ignore[attr-defined]
    attendance.save(update_fields=["reengagement_task"])
    return task


def _missed_times(person_id: int, exclude: Appointment) -> list[dt.datetime]:
    return list(
        Attendance.objects.filter(
            appointment__person_id=person_id,
            appointment__enforceable=True,
            outcome__in=MISSED_OUTCOMES,
        )
        .exclude(appointment=exclude)
        .values_list("appointment__starts_at", flat=True)
    )


def _raise_flag(
    actor: User, appointment: Appointment, lead: User | None, recipients: list[User]
) -> EnforcementFlag | None:
    policy = EnforcementPolicy.from_settings()
    level, count = enforcement_level(
        _missed_times(appointment.person_id, appointment), appointment.starts_at, policy
    )
    if level is None:
        return None
    flag = EnforcementFlag.objects.select_for_update().filter(appointment=appointment).first()
    if flag is not None and flag.status != FlagStatus.WITHDRAWN:
        return flag
    # A withdrawn flag (its outcome was corrected away, then back) is raised again.
    flag = flag or EnforcementFlag(person_id=appointment.person_id, appointment=appointment)
    flag.level = level
    flag.missed_count = count
    flag.owner = lead
    flag.status = FlagStatus.OPEN
    flag.withdrawn_reason = ""
    flag.raised_at = timezone.now()
    flag._history_user = actor  # type: ignore[attr-defined]
    flag.save()
    day = day_label(local(appointment.starts_at).date())
    notice_send(
        recipients=recipients,
        subject=f"Enforcement decision needed for Tandem number {appointment.person_id}",
        body=(
            f"The person missed an enforceable appointment with {appointment.agency.name} "
            f"on {day}: {count} missed in {policy.window_months} months, so "
            f"{EnforcementLevel(level).label.lower()}. Record your decision (a warning "
            "letter, breach, or discretion to keep the person on the scheme) with the "
            "reason. Nothing happens to the person until you do."
        ),
        link=person_link(appointment.person_id),
    )
    return flag


def missed_appointment(*, actor: User, attendance: Attendance) -> MissedResult:
    """Follow a missed outcome through: the re-engagement task and, when the appointment
    was enforceable and a threshold is reached, a flag for the offender manager."""
    appointment = attendance.appointment
    lead, recipients = responsible_for(appointment.person)
    task = _reengagement_task(actor, attendance, lead)
    notice_send(
        recipients=recipients,
        subject=f"Missed appointment for Tandem number {appointment.person_id}",
        body=f"The person missed an appointment with {appointment.agency.name} on "
        f"{day_label(local(appointment.starts_at).date())}. A re-engagement task is due "
        f"{day_label(task.due_on)}.",
        link=person_link(appointment.person_id),
    )
    flag = _raise_flag(actor, appointment, lead, recipients) if appointment.enforceable else None
    return MissedResult(task=task, flag=flag)


def missed_withdrawn(*, actor: User, attendance: Attendance, reason: str) -> EnforcementFlag | None:
    """A missed outcome was corrected away: an open flag it raised is withdrawn (a decided
    one stands, and its owner is told). The re-engagement task stays for its owner to close."""
    flag = (
        EnforcementFlag.objects.select_for_update()
        .filter(appointment_id=attendance.appointment_id)
        .first()
    )
    if flag is None:
        return None
    if flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.WITHDRAWN
        flag.withdrawn_reason = f"The outcome was corrected: {reason}"[:500]
        flag._history_user = actor  # type: ignore[attr-defined]
        flag.save()
    _, recipients = responsible_for(attendance.appointment.person)
    notice_send(
        recipients=[flag.owner, *recipients] if flag.owner else recipients,
        subject=f"Missed appointment corrected for Tandem number {flag.person_id}",
        body=(
            "The outcome behind an enforcement flag was corrected and is no longer a "
            f"missed appointment. Reason: {reason}. "
            + (
                "The flag is withdrawn."
                if flag.status == FlagStatus.WITHDRAWN
                else "The decision already recorded stands; review it if it should change."
            )
            + " Close the re-engagement task if it is no longer needed."
        ),
        link=person_link(flag.person_id),
    )
    return flag


@transaction.atomic
def enforcement_decide(
    *, actor: User, flag: EnforcementFlag, action: str, reason: str
) -> EnforcementDecision:
    """Record the offender manager's decision on a flag, with the reason; the flag closes.

    Tandem does nothing to the person: a breach or recall is requested outside it, and
    discretion keeps the person on the scheme on the record.
    """
    flag = EnforcementFlag.objects.select_for_update().get(pk=flag.pk)
    if not may_decide(actor, flag):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if flag.status != FlagStatus.OPEN:
        errors["flag"] = "This flag is already closed"
    if action not in EnforcementAction.values:
        errors["action"] = "Choose the decision"
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision"
    if errors:
        raise ValidationError(errors)
    decision = EnforcementDecision(
        flag=flag,
        action=action,
        reason=reason.strip(),
        decided_by=actor,
        decided_agency_id=agency_id_of(actor),
        decided_at=timezone.now(),
    )
    decision._history_user = actor  # type: ignore[attr-defined]
    decision.save()
    flag.status = FlagStatus.DECIDED
    flag._history_user = actor  # type: ignore[attr-defined]
    flag.save(update_fields=["status"])
    if flag.owner_id is not None and flag.owner_id != actor.pk:
        notice_send(
            recipients=[flag.owner],
            subject=f"Enforcement decision recorded for Tandem number {flag.person_id}",
            body=f"{actor.display_name} decided: {EnforcementAction(action).label}. "
            f"Reason: {reason.strip()}",
            link=person_link(flag.person_id),
        )
    return decision


@transaction.atomic
def good_progress_record(
    *, actor: User, person: Person, note: str, appointment: Appointment | None = None
) -> GoodProgress:
    """Record good progress (a commendation), perhaps about one appointment; the lead
    offender manager hears of it."""
    if not may_record_for(actor, person):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": "Say what went well"})
    if appointment is not None and appointment.person_id != person.pk:
        raise ValidationError({"appointment": "That appointment is another person's"})
    progress = GoodProgress(
        person=person,
        appointment=appointment,
        note=note.strip(),
        recorded_by=actor,
        recorded_agency_id=agency_id_of(actor),
        recorded_at=timezone.now(),
    )
    progress._history_user = actor  # type: ignore[attr-defined]
    progress.save()
    lead = current_leads([person.pk]).get(person.pk)
    if lead is not None and lead.worker_id != actor.pk:
        notice_send(
            recipients=[lead.worker],
            subject=f"Good progress recorded for Tandem number {person.pk}",
            body=f"{actor.display_name} ({actor.agency.name if actor.agency else ''}) "
            "recorded good progress.",
            link=person_link(person.pk),
        )
    return progress
