"""Merging two agencies' appointments into one joint appointment keeps a licence or order
requirement with the agency whose requirement it is; moving an appointment to the time it
already has is no change, and is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.appointments.access import may_merge, may_record_outcome
from tandem.appointments.codes import AppointmentKind, AppointmentStatus, FlagStatus, Outcome
from tandem.appointments.models import Appointment, EnforcementFlag, Participant
from tandem.appointments.services import (
    appointment_merge,
    appointment_reschedule,
    outcome_record,
)
from tandem.core.models import Notice

from .conftest import at, book

DRUGS = AppointmentKind.DRUG_TREATMENT


def _state(*appointments: Appointment) -> list[tuple]:
    """What a refused change must leave as it was."""
    rows = []
    for a in appointments:
        a.refresh_from_db()
        rows.append((a.pk, a.status, a.sequence, a.starts_at, a.ends_at, a.place,
                     a.enforceable, a.history.count()))  # fmt: skip
    return rows


# Merging ---------------------------------------------------------------------------------


def test_a_voluntary_appointment_merged_into_a_requirement_keeps_it_enforceable(cast, clock, lead):
    """The drug worker folds their voluntary appointment into the police's licence
    appointment: the joint one is still the requirement, and the police record it."""
    supervision = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    treatment = book(cast.partner, cast.person, start="14:00", end="15:00", kind=DRUGS,
                     worker=cast.partner)  # fmt: skip
    assert may_merge(cast.partner, treatment)
    appointment_merge(actor=cast.partner, appointment=treatment, into=supervision)
    supervision.refresh_from_db()
    treatment.refresh_from_db()
    assert supervision.enforceable and supervision.agency == cast.om.agency
    assert treatment.status == AppointmentStatus.CANCELLED
    assert Participant.objects.get(appointment=supervision).agency == cast.partner.agency
    assert may_record_outcome(cast.om, supervision)
    assert not may_record_outcome(cast.partner, supervision)
    clock.move_to(at(1, "11:00"))
    with pytest.raises(PermissionDenied):
        outcome_record(actor=cast.partner, appointment=supervision,
                       outcome=Outcome.FAILED_TO_ATTEND)  # fmt: skip
    outcome_record(actor=cast.om, appointment=supervision, outcome=Outcome.FAILED_TO_ATTEND)
    flag = EnforcementFlag.objects.get()
    assert flag.appointment == supervision and flag.status == FlagStatus.OPEN


def test_a_requirement_is_not_merged_into_another_agencys_appointment(cast):
    """The reviewer's case: the police's licence appointment folded into the drug service's
    showed as "Voluntary", and the drug service would have recorded it. Refused, with the
    way out, and nothing changes."""
    treatment = book(cast.partner, cast.person, kind=DRUGS, worker=cast.partner)
    supervision = book(cast.om, cast.person, start="14:00", end="15:00", worker=cast.om,
                       enforceable=True)  # fmt: skip
    assert not may_merge(cast.om, supervision)
    before = _state(treatment, supervision)
    notices = Notice.objects.count()
    with pytest.raises(ValidationError) as refused:
        appointment_merge(actor=cast.om, appointment=supervision, into=treatment)
    message = " ".join(refused.value.messages)
    assert "licence or order requirement" in message
    assert "Test Drug Service" in message and "join this one" in message
    assert _state(treatment, supervision) == before
    assert not Participant.objects.exists() and Notice.objects.count() == notices


def test_two_requirements_are_not_merged_either(cast):
    """Both enforceable: folding one away would hand its enforcement to the other agency."""
    test = book(cast.partner, cast.person, kind=AppointmentKind.DRUG_TEST, enforceable=True)
    supervision = book(cast.om, cast.person, start="14:00", end="15:00", enforceable=True)
    with pytest.raises(ValidationError):
        appointment_merge(actor=cast.om, appointment=supervision, into=test)
    supervision.refresh_from_db()
    assert supervision.status == AppointmentStatus.BOOKED and not Participant.objects.exists()


def test_two_voluntary_appointments_merge_as_before(cast):
    theirs = book(cast.om, cast.person, worker=cast.om)
    mine = book(cast.partner, cast.person, start="14:00", end="15:00", kind=DRUGS,
                worker=cast.partner)  # fmt: skip
    appointment_merge(actor=cast.partner, appointment=mine, into=theirs)
    theirs.refresh_from_db()
    assert not theirs.enforceable and theirs.participants.count() == 1


def test_only_the_holding_agency_merges_its_appointment(cast):
    theirs = book(cast.om, cast.person, worker=cast.om)
    mine = book(cast.partner, cast.person, start="14:00", end="15:00", kind=DRUGS)
    assert not may_merge(cast.om, mine)
    with pytest.raises(PermissionDenied):
        appointment_merge(actor=cast.om, appointment=mine, into=theirs)
    assert not Participant.objects.exists()


# Moving ----------------------------------------------------------------------------------


def test_moving_to_the_time_it_already_has_is_refused_and_changes_nothing(cast):
    meeting = book(cast.om, cast.person, worker=cast.om)
    before = _state(meeting)
    notices = Notice.objects.count()
    for place in (None, meeting.place):
        with pytest.raises(ValidationError) as refused:
            appointment_reschedule(
                actor=cast.om, appointment=meeting, starts_at=at(1, "10:00"),
                ends_at=at(1, "11:00"), reason="Confirming the time", place=place,
                area=cast.person.residence_area,
            )  # fmt: skip
        assert refused.value.message_dict["starts_at"] == [
            "The new time is the same as the current one: choose another time, or leave the "
            "appointment as it is"
        ]
    assert _state(meeting) == before and Notice.objects.count() == notices


def test_the_same_time_in_another_time_zone_is_still_the_same_time(cast):
    import datetime as dt

    meeting = book(cast.om, cast.person)
    utc = dt.UTC
    with pytest.raises(ValidationError):
        appointment_reschedule(
            actor=cast.om, appointment=meeting, starts_at=at(1, "10:00").astimezone(utc),
            ends_at=at(1, "11:00").astimezone(utc), reason="Same",
        )  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_a_new_place_at_the_same_time_is_a_change(cast):
    meeting = book(cast.om, cast.person)
    moved = appointment_reschedule(
        actor=cast.om, appointment=meeting, starts_at=at(1, "10:00"), ends_at=at(1, "11:00"),
        reason="Office closed for repairs", place="Police station, 2 Low Street, Testtown",
    )  # fmt: skip
    assert moved.sequence == 1 and moved.place.startswith("Police station")


def test_a_new_end_time_is_a_change(cast):
    meeting = book(cast.om, cast.person)
    moved = appointment_reschedule(
        actor=cast.om, appointment=meeting, starts_at=at(1, "10:00"), ends_at=at(1, "11:30"),
        reason="Longer session needed",
    )  # fmt: skip
    assert moved.sequence == 1 and moved.ends_at == at(1, "11:30")
