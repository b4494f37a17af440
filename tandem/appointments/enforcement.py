"""What follows a missed appointment, and enforcement with discretion.

A missed appointment (unacceptable absence or failed to attend) gives the offender manager
a re-engagement task on their caseload. When it was enforceable (a licence or order
requirement) and the National Standards rule (`flag_level`, thresholds from settings) is
met, an EnforcementFlag asks the offender manager for a decision: a warning letter, breach,
or discretion to keep the person on the scheme, always with the reason. Nothing happens to
the person without that decision, as the study asked: "some discretion… to reward good
progress, whilst punishing nonattendance in ways that retains offenders on the scheme".
Good progress is recorded here too.

A person has at most one undecided flag. A further miss while it waits joins it (count and
level worked out again) and the offender manager is told, so one decision answers for every
miss so far instead of a pile of flags decided one by one. Correcting a miss away works the
open flag out again (withdrawing it when nothing is left to decide) and cancels the
re-engagement task the miss created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.casework.models import Task, TaskStatus
from tandem.casework.selectors import current_leads
from tandem.casework.services import may_close, task_cancel, task_create
from tandem.core.access import today
from tandem.core.models import Role, User
from tandem.core.notices import notice_send
from tandem.people.models import Person

from .access import agency_id_of, may_decide, may_record_for
from .codes import MISSED_OUTCOMES, EnforcementAction, EnforcementLevel, FlagStatus
from .models import Appointment, Attendance, EnforcementDecision, EnforcementFlag, GoodProgress
from .rules import EnforcementPolicy, add_months, misses_in_window
from .text import day_label, local, person_link

# The casework task kind for re-engagement after a missed appointment.
REENGAGEMENT_TASK_KIND = "reengagement"


# The rule --------------------------------------------------------------------------------

# Decisions that formally warned the person. Discretion is the one that did not: it keeps
# the person on the scheme with no formal action, so the next miss calls for a warning
# again, not breach. A breach letter or a breach or recall request warns at least as
# plainly as a warning letter, so they count as warnings too.
WARNING_ACTIONS = frozenset(EnforcementAction) - {EnforcementAction.DISCRETION}


def flag_level(
    missed: Iterable[dt.datetime],
    at: dt.datetime,
    warnings: Iterable[dt.datetime],
    policy: EnforcementPolicy,
) -> tuple[EnforcementLevel | None, int]:
    """The level a missed enforceable appointment at `at` reaches, and the count behind it.

    National Standards practice (../shared/reference/domain-codes.md): "a second
    unacceptable absence within 12 months of a warning leads to breach proceedings". So
    breach must be considered only when the misses in the window reach the breach threshold
    AND the person was formally warned (`warnings`: when each warning decision was made)
    before this miss and within the window of it; otherwise the misses call for a warning
    when they reach the warning threshold. `missed` holds the person's missed enforceable
    appointments (this one may be among them). Pure: no database, no clock.
    """
    count = misses_in_window(missed, at, policy)
    warned = any(w < at <= add_months(w, policy.window_months) for w in warnings)
    if count >= policy.breach_after and warned:
        return EnforcementLevel.BREACH, count
    if count >= policy.warning_after:
        return EnforcementLevel.WARNING, count
    return None, count


# Who hears -------------------------------------------------------------------------------


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


def _level_text(level: str) -> str:
    return str(EnforcementLevel(level).label).lower()


def _appointments_text(n: int) -> str:
    return f"{n} missed appointment{'' if n == 1 else 's'}"


# Re-engagement tasks ---------------------------------------------------------------------


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


def _cancel_reengagement(
    actor: User, task: Task, appointment: Appointment, reason: str
) -> tuple[Task, bool]:
    """Cancel the open re-engagement task a miss created, now that it was no miss, through
    the casework service. Casework lets only the task's owner, the lead offender manager or
    a coordinator close a task: when the actor is none of them (a partner worker correcting
    their own agency's outcome) the task stays open and its owner is asked to cancel it.
    Returns the task and whether it was cancelled."""
    if not may_close(actor, task):
        return task, False
    day = day_label(local(appointment.starts_at).date())
    cancelled = task_cancel(
        actor=actor,
        task=task,
        reason=f"The appointment on {day} was not missed after all: {reason}",
    )
    return cancelled, True


# Flags -----------------------------------------------------------------------------------


def _lock_person(person_id: int) -> None:
    """Serialise enforcement for one person, so two outcomes recorded at once cannot both
    find no open flag and raise two."""
    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk", flat=True))


@dataclass(frozen=True)
class _Record:
    """What the rule needs about one person, read once."""

    misses: dict[int, dt.datetime]  # missed enforceable appointment id -> its start
    warnings: list[dt.datetime]  # when each formal warning was decided
    policy: EnforcementPolicy


def _record(person_id: int) -> _Record:
    misses = dict(
        Attendance.objects.filter(
            appointment__person_id=person_id,
            appointment__enforceable=True,
            outcome__in=MISSED_OUTCOMES,
        ).values_list("appointment_id", "appointment__starts_at")
    )
    warnings = list(
        EnforcementDecision.objects.filter(
            flag__person_id=person_id, action__in=WARNING_ACTIONS
        ).values_list("decided_at", flat=True)
    )
    return _Record(misses, warnings, EnforcementPolicy.from_settings())


def _covered(flag: EnforcementFlag) -> set[int]:
    """The appointments a flag answers for. Its own appointment always counts: flags made
    in bulk (the demo city) may have no `covers` rows."""
    return set(flag.covers.values_list("pk", flat=True)) | {flag.appointment_id}


def _open_flags(person_id: int) -> list[EnforcementFlag]:
    return list(
        EnforcementFlag.objects.select_for_update()
        .filter(person_id=person_id, status=FlagStatus.OPEN)
        .order_by("raised_at", "id")
    )


def _recount(flag: EnforcementFlag, record: _Record, covered: set[int]) -> set[int] | None:
    """Work the flag out again for the appointments it covers that are still missed: it
    points at the latest, and its count and level are the rule's at that one. Returns the
    appointments it now covers, or None (and changes nothing) when nothing is left to
    decide: none of them is still missed, or the threshold is no longer reached."""
    still = {pk for pk in covered if pk in record.misses}
    if not still:
        return None
    latest = max(still, key=lambda pk: (record.misses[pk], pk))
    level, count = flag_level(
        record.misses.values(), record.misses[latest], record.warnings, record.policy
    )
    if level is None:
        return None
    flag.appointment_id = latest
    flag.level, flag.missed_count = level, count
    return still


def _save(actor: User, flag: EnforcementFlag, covers: Iterable[int], why: str) -> None:
    flag._history_user = actor  # type: ignore[attr-defined]
    flag._change_reason = why[:100]  # type: ignore[attr-defined]
    flag.save()
    flag.covers.set(sorted(covers))


def _withdraw(actor: User, flag: EnforcementFlag, reason: str) -> None:
    flag.status = FlagStatus.WITHDRAWN
    flag.withdrawn_reason = reason[:500]
    flag._history_user = actor  # type: ignore[attr-defined]
    flag._change_reason = "Withdrawn"  # type: ignore[attr-defined]
    flag.save()


def _fold(actor: User, keep: EnforcementFlag, others: list[EnforcementFlag]) -> set[int]:
    """Fold other open flags of the same person into `keep` (flags raised before one flag
    could answer for several misses): they are withdrawn, saying where they went. Returns
    the appointments they covered, for `keep` to cover."""
    covered: set[int] = set()
    for other in others:
        covered |= _covered(other)
        _withdraw(
            actor,
            other,
            f"Folded into enforcement flag {keep.pk}: one decision answers for every missed "
            "appointment while it is undecided",
        )
    return covered


def _decided_flag(appointment: Appointment) -> EnforcementFlag | None:
    """The decided flag that answered for this appointment, if one did."""
    return (
        EnforcementFlag.objects.filter(
            Q(appointment=appointment) | Q(covers=appointment), status=FlagStatus.DECIDED
        )
        .distinct()
        .order_by("-raised_at", "-id")
        .first()
    )


def _raise_or_join(
    actor: User, appointment: Appointment, lead: User | None, recipients: list[User]
) -> EnforcementFlag | None:
    """A missed enforceable appointment: join the person's open flag if there is one, else
    raise a flag when the rule's threshold is reached. The offender manager hears either way."""
    _lock_person(appointment.person_id)
    answered = _decided_flag(appointment)
    if answered is not None:
        # Corrected away and back again after the decision on it: that decision stands.
        return answered
    record = _record(appointment.person_id)
    day = day_label(local(appointment.starts_at).date())
    waiting = _open_flags(appointment.person_id)
    if waiting:
        flag, others = waiting[0], waiting[1:]
        covered = _covered(flag) | _fold(actor, flag, others) | {appointment.pk}
        now_covers = _recount(flag, record, covered)
        # The threshold was reached before and one more miss cannot undo that; should a
        # change of settings make the rule say otherwise, the flag keeps its level.
        _save(actor, flag, now_covers or covered, "A further missed appointment")
        n = len(now_covers or covered)
        notice_send(
            recipients=[flag.owner, *recipients],
            subject=f"Enforcement decision needed for Tandem number {appointment.person_id}",
            body=(
                f"The person missed another enforceable appointment, with "
                f"{appointment.agency.name} on {day}, while your enforcement decision is "
                f"still to be made. The flag now answers for {_appointments_text(n)}: "
                f"{flag.missed_count} missed in {record.policy.window_months} months, so "
                f"{_level_text(flag.level)}. Record one decision for them all (a warning "
                "letter, breach, or discretion to keep the person on the scheme) with the "
                f"reason, by {day_label(flag.decide_by)}. Nothing happens to the person "
                "until you do."
            ),
            link=person_link(appointment.person_id),
        )
        return flag
    level, count = flag_level(
        record.misses.values(), appointment.starts_at, record.warnings, record.policy
    )
    if level is None:
        return None
    flag = EnforcementFlag(
        person_id=appointment.person_id,
        appointment=appointment,
        level=level,
        missed_count=count,
        owner=lead,
        status=FlagStatus.OPEN,
        raised_at=timezone.now(),
    )
    _save(actor, flag, {appointment.pk}, "Raised")
    notice_send(
        recipients=recipients,
        subject=f"Enforcement decision needed for Tandem number {appointment.person_id}",
        body=(
            f"The person missed an enforceable appointment with {appointment.agency.name} "
            f"on {day}: {count} missed in {record.policy.window_months} months, so "
            f"{_level_text(level)}. Record your decision (a warning letter, breach, or "
            f"discretion to keep the person on the scheme) with the reason, by "
            f"{day_label(flag.decide_by)}. Nothing happens to the person until you do."
        ),
        link=person_link(appointment.person_id),
    )
    return flag


def missed_appointment(*, actor: User, attendance: Attendance) -> MissedResult:
    """Follow a missed outcome through: the re-engagement task and, when the appointment
    was enforceable, the person's flag for the offender manager (raised when a threshold is
    reached, or the open one joined)."""
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
    flag = _raise_or_join(actor, appointment, lead, recipients) if appointment.enforceable else None
    return MissedResult(task=task, flag=flag)


def _recount_open_flag(
    actor: User, appointment: Appointment, reason: str
) -> tuple[EnforcementFlag | None, str]:
    """After a miss is corrected away: the person's open flag without it, and what to tell
    the offender manager about it ("" when the flag did not change)."""
    waiting = _open_flags(appointment.person_id)
    if not waiting:
        return None, ""
    flag, others = waiting[0], waiting[1:]
    covered = _covered(flag) | _fold(actor, flag, others)
    before = (flag.appointment_id, flag.level, flag.missed_count)
    now_covers = _recount(flag, _record(appointment.person_id), covered - {appointment.pk})
    if now_covers is None:
        _withdraw(actor, flag, f"The outcome was corrected: {reason}")
        return flag, (
            "The enforcement flag awaiting your decision is withdrawn: nothing is left to decide."
        )
    after = (flag.appointment_id, flag.level, flag.missed_count)
    if appointment.pk not in covered and not others and before == after:
        return flag, ""
    _save(actor, flag, now_covers, "Outcome corrected")
    return flag, (
        "The enforcement flag awaiting your decision now answers for "
        f"{_appointments_text(len(now_covers))}: {flag.missed_count} in the window, so "
        f"{_level_text(flag.level)}."
    )


def missed_withdrawn(*, actor: User, attendance: Attendance, reason: str) -> EnforcementFlag | None:
    """A missed outcome was corrected away. Its re-engagement task is cancelled (or its
    owner asked to cancel it); the person's open flag is worked out again without it, and
    withdrawn when nothing is left to decide; a decided flag that covered it stands, and its
    owner is told. Returns the flag the correction touched, if any."""
    appointment = attendance.appointment
    _lock_person(appointment.person_id)
    lead, recipients = responsible_for(appointment.person)
    day = day_label(local(appointment.starts_at).date())
    said: list[str] = []
    owners: list[User | None] = [lead]
    task = attendance.reengagement_task
    if task is not None and task.status == TaskStatus.OPEN:
        task, cancelled = _cancel_reengagement(actor, task, appointment, reason)
        owners.append(task.owner)
        said.append(
            "Its re-engagement task is cancelled."
            if cancelled
            else f'Cancel its re-engagement task, "{task.title}": it is no longer needed.'
        )
    flag: EnforcementFlag | None = None
    if appointment.enforceable:
        flag, text = _recount_open_flag(actor, appointment, reason)
        if flag is not None:
            owners.append(flag.owner)
        if text:
            said.append(text)
        decided = _decided_flag(appointment)
        if decided is not None:
            owners.append(decided.owner)
            said.append(
                "The enforcement decision already recorded for it stands; review it if it "
                "should change."
            )
            flag = flag or decided
    if said:
        notice_send(
            recipients=[*owners, *recipients],
            subject=f"Missed appointment corrected for Tandem number {appointment.person_id}",
            body=(
                f"The outcome of the appointment with {appointment.agency.name} on {day} was "
                f"corrected and it is no longer a missed appointment. Reason: {reason}. "
                + " ".join(said)
            ),
            link=person_link(appointment.person_id),
        )
    return flag


@transaction.atomic
def enforcement_decide(
    *, actor: User, flag: EnforcementFlag, action: str, reason: str
) -> EnforcementDecision:
    """Record the offender manager's decision on a flag, with the reason; the flag closes.

    Tandem does nothing to the person: a breach or recall is requested outside it, and
    discretion keeps the person on the scheme on the record. Should the person have other
    open flags (raised before one flag could answer for several misses), they are folded
    into this one first, so the decision answers for every miss and none is left open.
    """
    # The person first, then the flag: the order the outcome services lock in.
    _lock_person(flag.person_id)
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
    others = [f for f in _open_flags(flag.person_id) if f.pk != flag.pk]
    if others:
        covered = _covered(flag) | _fold(actor, flag, others)
        now_covers = _recount(flag, _record(flag.person_id), covered)
        _save(actor, flag, now_covers or covered, "Other open flags folded in")
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
    flag._change_reason = "Decided"  # type: ignore[attr-defined]
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
