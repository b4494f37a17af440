"""Writes to the diary: booking (after the clash checks), joining, rescheduling, cancelling,
and recording what happened.

Booking runs the checks in selectors.booking first and refuses, with the warnings, unless
the user confirms them; the page shows the same check beforehand. Changes that calendars
must pick up raise the appointment's sequence, and the workers affected get a notice
naming the person by Tandem number only.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core.models import Agency, Area, User
from tandem.core.notices import notice_send
from tandem.people.models import Person

from . import enforcement, rules
from .access import agency_id_of, may_book, may_change, may_merge, may_record_outcome
from .codes import MISSED_OUTCOMES, AbsenceReason, AppointmentKind, AppointmentStatus, Outcome
from .models import Appointment, Attendance, Participant
from .rules import LONDON
from .selectors.booking import BookingCheck, booking_check
from .text import person_link, when_label


class BookingWarnings(ValidationError):
    """The booking has warnings the user has not confirmed; `check` holds them and the
    alternatives, for the page to show."""

    def __init__(self, check: BookingCheck) -> None:
        super().__init__(check.messages, code="booking_warnings")
        self.check = check


def _validate_time(
    starts_at: dt.datetime, ends_at: dt.datetime, errors: dict[str, str], *, moving: bool = False
) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = "Give the time with its time zone"
        return
    if ends_at <= starts_at:
        errors["ends_at"] = "The appointment must end after it starts"
    elif starts_at.astimezone(LONDON).date() != ends_at.astimezone(LONDON).date():
        errors["ends_at"] = "An appointment starts and ends on the same day"
    what = "Move the appointment to" if moving else "Book appointments for"
    policy = rules.BookingPolicy.from_settings()
    if starts_at <= timezone.now():
        errors["starts_at"] = f"{what} a time still to come"
    elif rules.too_far_ahead(starts_at, timezone.now(), policy):
        # Also keeps the booking checks clear of dates past the end of the calendar.
        where = "Move the appointment to a time within" if moving else "Book appointments within"
        errors["starts_at"] = f"{where} {rules.ahead_phrase(policy)}: check the year"


def _validate_place(place: str, errors: dict[str, str]) -> str:
    place = " ".join(place.split())
    if not place:
        errors["place"] = "Enter where the appointment is"
    elif len(place) > 300:
        errors["place"] = "Keep the place to 300 characters or fewer"
    return place


def _validate_worker(worker: User | None, agency_id: int | None, errors: dict[str, str]) -> None:
    if worker is not None and (not worker.is_active or worker.agency_id != agency_id):
        errors["worker"] = "Choose an active worker of the agency holding the appointment"


def _lock_person(person: Person) -> None:
    """Serialise bookings for one person so two at once cannot both miss the other."""
    list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("person", "agency", "worker")
        .get(pk=appointment.pk)
    )


def _affected(appointment: Appointment, actor: User) -> list[User | None]:
    """The workers present (holding and joint), not the one making the change."""
    workers: list[User | None] = [appointment.worker]
    workers += [p.worker for p in appointment.participants.select_related("worker")]
    return [w for w in workers if w is not None and w.pk != actor.pk]


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    person: Person,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    area: Area,
    enforceable: bool = False,
    worker: User | None = None,
    details: str = "",
    confirm_warnings: bool = False,
) -> Appointment:
    """Book an appointment of the actor's agency; BookingWarnings unless warnings are
    confirmed (an overlap, too little travel time between areas, too many in the week)."""
    if not may_book(actor, person):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if kind not in AppointmentKind.values:
        errors["kind"] = "Choose the kind of appointment"
    elif not rules.may_hold(actor.agency.kind if actor.agency else None, kind):
        errors["kind"] = (
            f"Your agency does not hold {AppointmentKind(kind).label.lower()} appointments: "
            "choose a kind from the list"
        )
    place = _validate_place(place, errors)
    _validate_time(starts_at, ends_at, errors)
    _validate_worker(worker, actor.agency_id, errors)
    if len(details) > 500:
        errors["details"] = "Keep the details to 500 characters or fewer"
    if errors:
        raise ValidationError(errors)
    _lock_person(person)
    check = booking_check(actor, person, starts_at=starts_at, ends_at=ends_at, area=area)
    if check.warnings and not confirm_warnings:
        raise BookingWarnings(check)
    appointment = Appointment(
        person=person,
        agency_id=agency_id_of(actor),
        worker=worker,
        kind=kind,
        place=place,
        area=area,
        starts_at=starts_at,
        ends_at=ends_at,
        enforceable=enforceable,
        details=details.strip(),
        created_by=actor,
    )
    appointment._history_user = actor  # type: ignore[attr-defined]
    if check.warnings:
        codes = ", ".join(sorted({w.code for w in check.warnings}))
        appointment._change_reason = f"Booked with warnings confirmed: {codes}"  # type: ignore[attr-defined]
    appointment.save()
    if worker is not None and worker.pk != actor.pk:
        notice_send(
            recipients=[worker],
            subject=f"Appointment booked for Tandem number {person.pk}",
            body=f"{actor.display_name} booked an appointment for you with the person: "
            f"{when_label(starts_at, ends_at)}.",
            link=person_link(person.pk),
        )
    return appointment


@transaction.atomic
def appointment_join(
    *, actor: User, appointment: Appointment, agency: Agency, worker: User | None = None
) -> Participant:
    """Make the appointment joint: the actor's agency joins it, or the holding agency
    invites another agency's worker (who must be able to open the person's record)."""
    appointment = _lock(appointment)
    joining = agency.pk == actor.agency_id and may_book(actor, appointment.person)
    inviting = (
        may_change(actor, appointment)
        and worker is not None
        and worker.agency_id == agency.pk
        and may_book(worker, appointment.person)
    )
    if not (joining or inviting):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if appointment.status != AppointmentStatus.BOOKED:
        errors["appointment"] = "This appointment is cancelled"
    elif appointment.starts_at <= timezone.now():
        errors["appointment"] = "This appointment has already started"
    if (
        agency.pk == appointment.agency_id
        or appointment.participants.filter(agency=agency).exists()
    ):
        errors["agency"] = "This agency is already at the appointment"
    _validate_worker(worker, agency.pk, errors)
    if errors:
        raise ValidationError(errors)
    participant = Participant(appointment=appointment, agency=agency, worker=worker, added_by=actor)
    participant._history_user = actor  # type: ignore[attr-defined]
    participant.save()
    appointment.sequence += 1
    appointment._history_user = actor  # type: ignore[attr-defined]
    appointment._change_reason = f"Joined by {agency.name}"[:100]  # type: ignore[attr-defined]
    appointment.save(update_fields=["sequence", "updated_at"])
    notice_send(
        recipients=_affected(appointment, actor),
        subject=f"Joint appointment for Tandem number {appointment.person_id}",
        body=f"{agency.name} will also be at the appointment on "
        f"{when_label(appointment.starts_at, appointment.ends_at)}.",
        link=person_link(appointment.person_id),
    )
    return participant


@transaction.atomic
def appointment_merge(*, actor: User, appointment: Appointment, into: Appointment) -> Participant:
    """Fold the actor's own appointment into another agency's with the person: join that
    one (with the same worker) and cancel this one, saying why.

    Only a voluntary appointment folds. The joint appointment is `into`, held by the other
    agency, and only the holding agency records outcomes: folding an enforceable
    appointment away would either lose the requirement (the joint one shows "Voluntary")
    or hand its enforcement to an agency whose requirement it is not. So that is refused,
    changing nothing, and the user is told to have the other agency join theirs instead.
    Folding a voluntary appointment into an enforceable one keeps the requirement with the
    agency holding it, so the joint appointment is enforceable whenever either was.
    """
    appointment = _lock(appointment)
    if not may_change(actor, appointment):
        raise PermissionDenied
    if appointment.person_id != into.person_id:
        raise ValidationError({"into": "Both appointments must be with the same person"})
    if not may_merge(actor, appointment):
        raise ValidationError(
            {
                "appointment": "This appointment is a licence or order requirement, so it "
                f"stays with {appointment.agency.name}: only the agency holding an "
                "appointment records whether the person came. Instead of joining "
                f"{into.agency.name}'s appointment, ask them to join this one (or invite "
                "their worker to it)."
            }
        )
    participant = appointment_join(
        actor=actor, appointment=into, agency=appointment.agency, worker=appointment.worker
    )
    appointment_cancel(
        actor=actor,
        appointment=appointment,
        reason=f"Held jointly with {into.agency.name} instead, "
        f"{when_label(into.starts_at, into.ends_at)}",
    )
    return participant


@transaction.atomic
def appointment_reschedule(
    *,
    actor: User,
    appointment: Appointment,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    place: str | None = None,
    area: Area | None = None,
    confirm_warnings: bool = False,
) -> Appointment:
    """Move the appointment (and perhaps its place): the same calendar entry with a higher
    sequence; the history keeps the old time; the workers present are told."""
    appointment = _lock(appointment)
    if not may_change(actor, appointment):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if appointment.status != AppointmentStatus.BOOKED:
        errors["appointment"] = "A cancelled appointment cannot be moved: book a new one"
    elif Attendance.objects.filter(appointment=appointment).exists():
        errors["appointment"] = "The outcome is recorded: this appointment happened"
    if not reason.strip():
        errors["reason"] = "Say why the appointment is moving"
    _validate_time(starts_at, ends_at, errors, moving=True)
    new_place = _validate_place(place, errors) if place is not None else appointment.place
    new_area = area or appointment.area
    # Moving to the time it already has (and the same place) is no change: saving it would
    # put a change on the record, raise the calendar sequence and tell everyone present.
    # The same time at a new place is a real change, so that may go ahead.
    if (
        "starts_at" not in errors
        and (starts_at, ends_at) == (appointment.starts_at, appointment.ends_at)
        and (new_place, new_area.pk) == (appointment.place, appointment.area_id)
    ):
        errors["starts_at"] = (
            "The new time is the same as the current one: choose another time, or leave "
            "the appointment as it is"
        )
    if errors:
        raise ValidationError(errors)
    _lock_person(appointment.person)
    check = booking_check(
        actor,
        appointment.person,
        starts_at=starts_at,
        ends_at=ends_at,
        area=new_area,
        exclude=appointment,
    )
    if check.warnings and not confirm_warnings:
        raise BookingWarnings(check)
    old = when_label(appointment.starts_at, appointment.ends_at)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.place, appointment.area = new_place, new_area
    appointment.reschedule_reason = reason.strip()[:500]
    appointment.sequence += 1
    appointment._history_user = actor  # type: ignore[attr-defined]
    appointment._change_reason = f"Rescheduled: {reason.strip()}"[:100]  # type: ignore[attr-defined]
    appointment.save()
    notice_send(
        recipients=_affected(appointment, actor),
        subject=f"Appointment moved for Tandem number {appointment.person_id}",
        body=f"The appointment on {old} is now on {when_label(starts_at, ends_at)}. "
        f"Reason: {reason.strip()}",
        link=person_link(appointment.person_id),
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: User, appointment: Appointment, reason: str) -> Appointment:
    """Cancel with a reason; calendars show it cancelled; the workers present are told."""
    appointment = _lock(appointment)
    if not may_change(actor, appointment):
        raise PermissionDenied
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"appointment": "This appointment is already cancelled"})
    if Attendance.objects.filter(appointment=appointment).exists():
        raise ValidationError({"appointment": "The outcome is recorded: this appointment happened"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the appointment is cancelled"})
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason.strip()[:500]
    appointment.sequence += 1
    appointment._history_user = actor  # type: ignore[attr-defined]
    appointment._change_reason = f"Cancelled: {reason.strip()}"[:100]  # type: ignore[attr-defined]
    appointment.save()
    notice_send(
        recipients=_affected(appointment, actor),
        subject=f"Appointment cancelled for Tandem number {appointment.person_id}",
        body=f"The appointment on {when_label(appointment.starts_at, appointment.ends_at)} "
        f"is cancelled. Reason: {reason.strip()}",
        link=person_link(appointment.person_id),
    )
    return appointment


def _validate_outcome(outcome: str, absence_reason: str, note: str) -> None:
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what happened"
    elif outcome == Outcome.ACCEPTABLE_ABSENCE and absence_reason not in AbsenceReason.values:
        errors["absence_reason"] = "Choose why the absence was acceptable"
    elif outcome != Outcome.ACCEPTABLE_ABSENCE and absence_reason:
        errors["absence_reason"] = "Only an acceptable absence has a reason from the list"
    if len(note) > 500:
        errors["note"] = "Keep the note to 500 characters or fewer"
    if errors:
        raise ValidationError(errors)


def _outcome_target(actor: User, appointment: Appointment) -> Appointment:
    """The appointment, locked, once the actor may record or correct its outcome: the
    holding agency only, whether recording or correcting, after the start."""
    appointment = _lock(appointment)
    if not may_record_outcome(actor, appointment):
        raise PermissionDenied
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"appointment": "This appointment was cancelled"})
    if timezone.now() < appointment.starts_at:
        raise ValidationError(
            {"outcome": "An outcome can be recorded only once the appointment has started"}
        )
    return appointment


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    appointment: Appointment,
    outcome: str,
    absence_reason: str = "",
    note: str = "",
) -> Attendance:
    """Record what happened, once, after the start, by the agency that held it (not one
    that only joined it: access.may_record_outcome).

    A missed appointment creates a re-engagement task for the offender manager and, when
    enforceable, may raise an enforcement flag (tandem.appointments.enforcement).
    """
    appointment = _outcome_target(actor, appointment)
    _validate_outcome(outcome, absence_reason, note)
    if Attendance.objects.filter(appointment=appointment).exists():
        raise ValidationError(
            {"outcome": "The outcome is already recorded: correct it, giving the reason"}
        )
    attendance = Attendance(
        appointment=appointment,
        outcome=outcome,
        absence_reason=absence_reason,
        note=note.strip(),
        recorded_by=actor,
        recorded_agency_id=agency_id_of(actor),
        recorded_at=timezone.now(),
    )
    attendance._history_user = actor  # type: ignore[attr-defined]
    attendance.save()
    if outcome in MISSED_OUTCOMES:
        enforcement.missed_appointment(actor=actor, attendance=attendance)
    return attendance


@transaction.atomic
def outcome_correct(
    *,
    actor: User,
    appointment: Appointment,
    outcome: str,
    reason: str,
    absence_reason: str = "",
    note: str = "",
) -> Attendance:
    """Correct a recorded outcome, deliberately and with the reason; the history keeps the
    first version. A correction to or from a missed outcome follows through to enforcement."""
    appointment = _outcome_target(actor, appointment)
    _validate_outcome(outcome, absence_reason, note)
    attendance = Attendance.objects.select_for_update().filter(appointment=appointment).first()
    if attendance is None:
        raise ValidationError({"outcome": "No outcome is recorded yet: record it first"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the outcome is being corrected"})
    if (attendance.outcome, attendance.absence_reason) == (outcome, absence_reason):
        raise ValidationError({"outcome": "That is the outcome already recorded"})
    was_missed = attendance.outcome in MISSED_OUTCOMES
    attendance.outcome = outcome
    attendance.absence_reason = absence_reason
    attendance.note = note.strip()
    attendance.corrected_by = actor
    attendance.corrected_at = timezone.now()
    attendance.correction_reason = reason.strip()[:500]
    attendance._history_user = actor  # type: ignore[attr-defined]
    attendance._change_reason = f"Corrected: {reason.strip()}"[:100]  # type: ignore[attr-defined]
    attendance.save()
    now_missed = outcome in MISSED_OUTCOMES
    if now_missed and not was_missed:
        enforcement.missed_appointment(actor=actor, attendance=attendance)
    elif was_missed and not now_missed:
        enforcement.missed_withdrawn(actor=actor, attendance=attendance, reason=reason.strip())
    return attendance
