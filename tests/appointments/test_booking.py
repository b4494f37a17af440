"""Booking, joining, merging, rescheduling and cancelling, by persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.appointments.codes import AppointmentKind, AppointmentStatus
from tandem.appointments.models import Appointment, Participant
from tandem.appointments.selectors import booking_check
from tandem.appointments.services import (
    BookingWarnings,
    appointment_cancel,
    appointment_join,
    appointment_merge,
    appointment_reschedule,
)
from tandem.core.models import AgencyKind, Notice, Role
from tandem.people import services as people_services
from tandem.people.models import EpisodeKind

from ..factories import AgencyFactory, UserFactory
from .conftest import MONDAY, at, book

DRUGS = AppointmentKind.DRUG_TREATMENT


def test_offender_manager_and_partner_book_for_their_own_agency(cast):
    supervision = book(cast.om, cast.person, worker=cast.om)
    treatment = book(cast.partner, cast.person, days=2, kind=DRUGS, worker=cast.partner)
    assert supervision.agency == cast.om.agency and supervision.created_by == cast.om
    assert treatment.agency == cast.partner.agency
    assert supervision.status == AppointmentStatus.BOOKED and supervision.sequence == 0
    assert supervision.history.count() == 1
    assert supervision.history.first().history_user == cast.om


@pytest.mark.parametrize(
    "persona",
    ["other_om", "viewer", "coordinator", "other_partner", "custody", "analyst", "auditor"],
)
def test_others_may_not_book(cast, persona):
    with pytest.raises(PermissionDenied):
        book(getattr(cast, persona), cast.person)
    assert not Appointment.objects.exists()


def test_other_area_offender_manager_books_only_in_their_area(cast):
    book(cast.other_om, cast.person_b)
    with pytest.raises(PermissionDenied):
        book(cast.om, cast.person_b)


def test_the_worker_must_belong_to_the_booking_agency(cast):
    with pytest.raises(ValidationError) as error:
        book(cast.partner, cast.person, kind=DRUGS, worker=cast.om)
    assert "worker" in error.value.message_dict


@pytest.mark.parametrize(
    ("days", "start", "end", "field"),
    [
        (0, "07:00", "07:30", "starts_at"),  # before now (08:00)
        (1, "11:00", "10:00", "ends_at"),
        (1, "10:00", "10:00", "ends_at"),
    ],
)
def test_times_are_checked(cast, days, start, end, field):
    with pytest.raises(ValidationError) as error:
        book(cast.om, cast.person, days=days, start=start, end=end)
    assert field in error.value.message_dict


def test_place_and_kind_are_required(cast):
    with pytest.raises(ValidationError) as error:
        book(cast.om, cast.person, place="  ", kind="tea")
    assert {"place", "kind"} <= set(error.value.message_dict)


def test_overlap_warns_before_saving_and_books_when_confirmed(cast):
    first = book(cast.om, cast.person)
    with pytest.raises(BookingWarnings) as raised:
        book(cast.partner, cast.person, start="10:30", end="11:30", kind=DRUGS)
    check = raised.value.check
    assert [w.code for w in check.warnings] == ["overlap"]
    assert check.warnings[0].appointment_id == first.pk
    assert "offender manager supervision appointment with Test Police" in check.messages[0]
    assert Appointment.objects.count() == 1
    # The alternatives: join the police appointment that day, or the nearest clear day.
    assert [s.code for s in check.suggestions] == ["join", "another_day"]
    assert check.suggestions[0].appointment_id == first.pk
    assert check.suggestions[1].starts_at == at(2, "10:30")
    second = book(cast.partner, cast.person, start="10:30", end="11:30", kind=DRUGS, confirm=True)
    assert second.history.first().history_change_reason == "Booked with warnings confirmed: overlap"


def test_travel_time_between_areas(cast, settings):
    book(cast.om, cast.person, area=cast.area_a)
    with pytest.raises(BookingWarnings) as raised:
        book(cast.partner, cast.person, start="11:20", end="12:00", area=cast.area_b, kind=DRUGS)
    (warning,) = raised.value.check.warnings
    assert warning.code == "travel"
    assert "Only 20 minutes" in warning.message and "allow 60 minutes" in warning.message
    settings.APPOINTMENTS_TRAVEL_MINUTES = 15
    book(cast.partner, cast.person, start="11:20", end="12:00", area=cast.area_b, kind=DRUGS)


def test_weekly_limit(cast, settings):
    for day in range(1, 6):  # Tuesday to Saturday: five in the week of 2 March
        book(cast.om, cast.person, days=day)
    with pytest.raises(BookingWarnings) as raised:
        book(cast.partner, cast.person, days=6, kind=DRUGS)  # Sunday
    (warning,) = raised.value.check.warnings
    assert warning.code == "overload" and "appointment 6" in warning.message
    assert "Monday 2 March 2026" in warning.message
    # Next week is clear: the suggestion is Monday 9 March at the same time.
    another = [s for s in raised.value.check.suggestions if s.code == "another_day"]
    assert another[0].starts_at == at(7, "10:00")
    settings.APPOINTMENTS_MAX_PER_WEEK = 6
    book(cast.partner, cast.person, days=6, kind=DRUGS)


def test_warnings_name_a_withheld_appointment_only_by_agency(cast, housing_worker):
    book(cast.partner, cast.person, kind=DRUGS)
    with pytest.raises(BookingWarnings) as raised:
        book(housing_worker, cast.person, start="10:30", end="11:00", kind="housing")
    check = raised.value.check
    text = " ".join(check.messages + [s.message for s in check.suggestions])
    assert "an appointment with Test Drug Service" in text
    assert "drug" not in text.replace("Test Drug Service", "").lower()


def test_no_join_suggestion_for_the_own_agency_or_without_clash_no_other_day(cast):
    book(cast.om, cast.person, start="14:00", end="15:00")
    check = booking_check(
        cast.om, cast.person, starts_at=at(1, "10:00"), ends_at=at(1, "11:00"), area=cast.area_a
    )
    assert check.ok and check.suggestions == []
    check = booking_check(
        cast.partner, cast.person, starts_at=at(1, "10:00"), ends_at=at(1, "11:00"),
        area=cast.area_a,
    )  # fmt: skip
    assert check.ok and [s.code for s in check.suggestions] == ["join"]


def test_join_makes_one_joint_appointment(cast):
    meeting = book(cast.om, cast.person, worker=cast.om)
    participant = appointment_join(
        actor=cast.partner, appointment=meeting, agency=cast.partner.agency, worker=cast.partner
    )
    meeting.refresh_from_db()
    assert participant.agency == cast.partner.agency and meeting.sequence == 1
    joint = Notice.objects.filter(recipient=cast.om, subject__startswith="Joint appointment")
    assert joint.exists()
    with pytest.raises(ValidationError):
        appointment_join(actor=cast.partner, appointment=meeting, agency=cast.partner.agency)


def test_join_permissions(cast, housing_worker):
    meeting = book(cast.om, cast.person)
    ete = AgencyFactory(name="Test Training", kind=AgencyKind.ETE, statutory=False)
    unengaged = UserFactory(username="ete_worker", agency=ete, role=Role.PARTNER_WORKER)
    for persona in (cast.viewer, cast.coordinator, cast.other_om, unengaged):
        with pytest.raises(PermissionDenied):
            appointment_join(actor=persona, appointment=meeting, agency=persona.agency)
    # A partner cannot sign another agency up.
    with pytest.raises(PermissionDenied):
        appointment_join(actor=cast.partner, appointment=meeting, agency=housing_worker.agency)
    # The holding agency may invite a worker of an agency that works with the person...
    appointment_join(
        actor=cast.om, appointment=meeting, agency=housing_worker.agency, worker=housing_worker
    )
    # ...but not one whose agency does not.
    with pytest.raises(PermissionDenied):
        appointment_join(actor=cast.om, appointment=meeting, agency=ete, worker=unengaged)


def test_cannot_join_a_started_or_cancelled_appointment(cast, clock):
    meeting = book(cast.om, cast.person)
    clock.move_to(at(1, "10:05"))
    with pytest.raises(ValidationError):
        appointment_join(actor=cast.partner, appointment=meeting, agency=cast.partner.agency)


def test_merge_cancels_own_appointment_and_joins_theirs(cast):
    theirs = book(cast.om, cast.person, worker=cast.om)
    mine = book(cast.partner, cast.person, start="11:30", end="12:00", kind=DRUGS,
                worker=cast.partner)  # fmt: skip
    participant = appointment_merge(actor=cast.partner, appointment=mine, into=theirs)
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED
    assert "Held jointly with Test Police" in mine.cancel_reason
    assert participant.worker == cast.partner
    assert Participant.objects.filter(appointment=theirs).count() == 1


def test_reschedule_keeps_history_bumps_sequence_and_tells_people(cast):
    meeting = book(cast.om, cast.person, worker=cast.om)
    appointment_join(
        actor=cast.partner, appointment=meeting, agency=cast.partner.agency, worker=cast.partner
    )
    moved = appointment_reschedule(
        actor=cast.om, appointment=meeting, starts_at=at(3, "14:00"), ends_at=at(3, "15:00"),
        reason="Court hearing moved",
    )  # fmt: skip
    assert moved.sequence == 2 and moved.starts_at == at(3, "14:00")
    assert moved.uid == meeting.uid and moved.reschedule_reason == "Court hearing moved"
    old_times = [h.starts_at for h in moved.history.all()]
    assert at(1, "10:00") in old_times
    assert moved.history.first().history_change_reason == "Rescheduled: Court hearing moved"
    notice = Notice.objects.get(recipient=cast.partner, subject__startswith="Appointment moved")
    assert "Thursday 5 March 2026, 14:00 to 15:00" in notice.body
    assert not Notice.objects.filter(recipient=cast.om, subject__startswith="Appointment moved")


def test_reschedule_checks_clashes_but_not_with_itself(cast):
    meeting = book(cast.om, cast.person)
    other = book(cast.partner, cast.person, days=2, kind=DRUGS)
    appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=at(1, "10:30"),
                           ends_at=at(1, "11:30"), reason="Later start")  # fmt: skip
    with pytest.raises(BookingWarnings):
        appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=other.starts_at,
                               ends_at=other.ends_at, reason="Clash")  # fmt: skip


def test_reschedule_and_cancel_permissions_and_reasons(cast):
    meeting = book(cast.om, cast.person)
    for persona in (cast.partner, cast.viewer, cast.coordinator, cast.other_om):
        with pytest.raises(PermissionDenied):
            appointment_cancel(actor=persona, appointment=meeting, reason="No")
        with pytest.raises(PermissionDenied):
            appointment_reschedule(actor=persona, appointment=meeting, starts_at=at(2, "10:00"),
                                   ends_at=at(2, "11:00"), reason="No")  # fmt: skip
    with pytest.raises(ValidationError):
        appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=at(2, "10:00"),
                               ends_at=at(2, "11:00"), reason=" ")  # fmt: skip
    with pytest.raises(ValidationError):
        appointment_cancel(actor=cast.om, appointment=meeting, reason="")


def test_cancel(cast):
    meeting = book(cast.om, cast.person)
    appointment_join(
        actor=cast.partner, appointment=meeting, agency=cast.partner.agency, worker=cast.partner
    )
    cancelled = appointment_cancel(actor=cast.om, appointment=meeting, reason="Person in hospital")
    assert cancelled.status == AppointmentStatus.CANCELLED and cancelled.sequence == 2
    assert Notice.objects.filter(recipient=cast.partner, subject__contains="cancelled").exists()
    with pytest.raises(ValidationError):
        appointment_cancel(actor=cast.om, appointment=meeting, reason="Again")
    with pytest.raises(ValidationError):
        appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=at(2, "10:00"),
                               ends_at=at(2, "11:00"), reason="Back on")  # fmt: skip
    # A cancelled appointment no longer clashes.
    book(cast.partner, cast.person, kind=DRUGS)


# Custody ---------------------------------------------------------------------------------


def _in_custody(cast, *, expected: dt.date | None = None, kind: str = EpisodeKind.REMAND):
    """The person remanded three weeks ago, expected out on `expected` (if known)."""
    return people_services.episode_add(
        actor=None, person=cast.person, kind=kind, start_date=MONDAY - dt.timedelta(days=21),
        expected_end_date=expected, establishment="HMP Test",
    )  # fmt: skip


def _check(actor, cast, days: int = 1, start: str = "10:00", end: str = "11:00"):
    return booking_check(
        actor, cast.person, starts_at=at(days, start), ends_at=at(days, end), area=cast.area_a
    )


def test_booking_warns_that_the_person_is_in_custody_that_day(cast):
    _in_custody(cast, expected=MONDAY + dt.timedelta(days=4))  # out on Friday 6 March
    check = _check(cast.om, cast)
    (warning,) = check.warnings
    assert warning.code == "custody" and warning.appointment_id is None
    assert warning.message.startswith(
        "Jordan O'Neil-Smith is in custody on Tuesday 3 March 2026 "
        "(expected release Friday 6 March 2026)"
    )
    # The nearest day with no clash is the release day itself.
    assert [s.starts_at for s in check.suggestions] == [at(4, "10:00")]
    # The release day and after: free to come.
    assert _check(cast.om, cast, days=4).ok and _check(cast.om, cast, days=8).ok
    # Refused until confirmed, like every other warning.
    with pytest.raises(BookingWarnings):
        book(cast.om, cast.person)
    assert book(cast.om, cast.person, confirm=True).starts_at == at(1, "10:00")


def test_custody_without_an_expected_release_says_so_not_a_date(cast):
    _in_custody(cast, kind=EpisodeKind.SENTENCED)
    (warning,) = _check(cast.om, cast, days=30).warnings
    assert "is in custody on Wednesday 1 April 2026:" in warning.message
    assert "expected release" not in warning.message


def test_custody_after_the_expected_release_passed_unrecorded_still_warns(cast):
    _in_custody(cast, expected=MONDAY - dt.timedelta(days=1))
    (warning,) = _check(cast.om, cast).warnings
    assert "release was expected on Sunday 1 March 2026 but is not recorded" in warning.message


def test_no_custody_warning_after_release_or_before_custody(cast):
    episode = _in_custody(cast)
    people_services.episode_end(actor=None, episode=episode, end_date=MONDAY - dt.timedelta(days=1))
    assert _check(cast.om, cast).ok


def test_custody_is_named_only_to_readers_of_offending_data(cast):
    _in_custody(cast, expected=MONDAY + dt.timedelta(days=30))
    (warning,) = _check(cast.partner, cast).warnings  # the drug service: no offending data
    assert warning.code == "custody"
    assert warning.message == (
        "The person may not be free to come on Tuesday 3 March 2026: check with their "
        "offender manager before booking."
    )


def test_the_booking_check_reads_a_fixed_number_of_queries(cast):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _check(cast.om, cast, days=2)
        return len(captured)

    book(cast.partner, cast.person, days=1, kind=DRUGS)
    queries()  # the reader's protocol settles on the first check
    few = queries()
    for day in (3, 4, 5):
        book(cast.partner, cast.person, days=day, kind=DRUGS, confirm=True)
    _in_custody(cast, expected=MONDAY + dt.timedelta(days=3))
    assert queries() == few
