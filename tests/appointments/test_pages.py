"""The diary pages in use: what each reader sees, booking with its warnings and
alternatives, outcomes, moving, cancelling, joining and merging, enforcement decisions,
good progress, the printable diary and attendance; bad input changes nothing; access
events; bounded queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.appointments.codes import (
    AppointmentKind,
    AppointmentStatus,
    EnforcementAction,
    FlagStatus,
    Outcome,
)
from tandem.appointments.enforcement import enforcement_decide
from tandem.appointments.models import (
    Appointment,
    Attendance,
    EnforcementDecision,
    EnforcementFlag,
    GoodProgress,
    Participant,
)
from tandem.appointments.services import appointment_join, outcome_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, AccessEvent
from tandem.people import services as people_services
from tandem.people.models import EpisodeKind

from ..personas import signed_in_client
from .conftest import MONDAY, at, book

DRUGS = AppointmentKind.DRUG_TREATMENT


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _booking(cast, **extra) -> dict[str, str]:
    """A booking form filled in: Tuesday 3 March 2026, 10:00 to 11:00, in the person's area."""
    data = {
        "kind": AppointmentKind.SUPERVISION, "worker": "", "day": "03/03/2026",
        "starts": "10:00", "ends": "11:00", "place": "Police station, 2 Low Road",
        "area": str(cast.area_a.pk), "details": "", "seen": "",
    }  # fmt: skip
    data.update(extra)
    return data


# The diary --------------------------------------------------------------------------------


def test_diary_shows_every_agency_week_by_week_with_outcomes_and_joint(cast, clock):
    supervision = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    treatment = book(cast.partner, cast.person, days=8, kind=DRUGS, worker=cast.partner)
    appointment_join(actor=cast.om, appointment=treatment, agency=cast.om.agency, worker=cast.om)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=supervision, outcome=Outcome.ATTENDED_COMPLIED)
    response = signed_in_client(cast.om).get(reverse("appointments:diary", args=[cast.person.pk]))
    text = _text(response)
    assert response.status_code == 200
    assert "Week beginning Monday 2 March 2026" in text
    assert "Week beginning Monday 9 March 2026" in text
    assert "Offender manager supervision" in text and "Drug treatment" in text
    assert "Attended – complied" in text and "Licence or order requirement" in text
    assert "Voluntary" in text and "Joint" in text
    assert f"with {escape(cast.om.display_name)} (Test Police)" in text
    assert "100% of appointments kept" in text
    # The police joined the drug appointment; its outcome is the drug service's to record.
    assert reverse("appointments:outcome", args=[treatment.pk]) not in text
    event = AccessEvent.objects.filter(action=AccessAction.VIEW_PERSON).latest("at")
    assert event.person == cast.person and event.detail == "appointments diary"
    assert set(event.categories) == {
        Category.IDENTITY, Category.SUBSTANCE_MISUSE, Category.OFFENDING
    }  # fmt: skip


def test_the_housing_worker_sees_the_drug_appointment_masked(cast, housing_worker):
    book(cast.partner, cast.person, kind=DRUGS, worker=cast.partner, details="Bring your script")
    book(housing_worker, cast.person, days=2, kind=AppointmentKind.HOUSING)
    client = signed_in_client(housing_worker)
    response = client.get(reverse("appointments:diary", args=[cast.person.pk]))
    text = _text(response)
    assert response.status_code == 200
    assert "Appointment — Test Drug Service" in text and "Housing" in text
    assert "Drug treatment" not in text
    assert "Bring your script" not in text
    assert escape(cast.partner.display_name) not in text
    assert "Some appointments show only as" in text
    event = AccessEvent.objects.filter(actor=housing_worker).latest("at")
    assert Category.SUBSTANCE_MISUSE not in event.categories
    # The appointment page says the same, and offers nothing to do: not even joining, which
    # would reveal what it is.
    masked = cast.person.appointments.get(kind=DRUGS)
    page = _text(client.get(reverse("appointments:appointment", args=[masked.pk])))
    assert "Appointment — Test Drug Service" in page and "Bring your" not in page
    assert "Join the appointment" not in page and "Record the outcome" not in page
    assert "Join<span" not in _text(client.get(reverse("appointments:diary",
                                                        args=[cast.person.pk])))  # fmt: skip


def test_the_diary_pages_through_weeks(cast):
    book(cast.om, cast.person, days=60)
    client = signed_in_client(cast.om)
    url = reverse("appointments:diary", args=[cast.person.pk])
    assert "Offender manager supervision" not in _text(client.get(url))
    later = _text(client.get(url, {"from": "2026-04-30"}))
    assert "Week beginning Monday 27 April 2026" in later
    assert "Offender manager supervision" in later
    assert client.get(url, {"from": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    "given", ["9999-12-01", "9999-12-31", "0001-01-01", "31/12/9999", "2031-06-01", "2020-12-31"]
)
def test_a_start_out_of_the_diarys_reach_shows_the_usual_weeks_and_says_why(cast, given):
    book(cast.om, cast.person)
    response = signed_in_client(cast.om).get(
        reverse("appointments:diary", args=[cast.person.pk]), {"from": given}
    )
    text = _text(response)
    assert response.status_code == 200
    assert "The diary goes back and forward 5 years from today: check the year" in text
    # The last four weeks and the next four, as without ?from=.
    assert "Week beginning Monday 2 February 2026" in text
    assert "Week beginning Monday 23 March 2026" in text
    assert "Offender manager supervision" in text


def test_a_start_that_is_not_a_date_says_so(cast):
    url = reverse("appointments:diary", args=[cast.person.pk])
    text = _text(signed_in_client(cast.om).get(url, {"from": "31/02/2026"}))
    assert "The date to start from was not a date" in text
    assert "Week beginning Monday 2 February 2026" in text
    assert "The date to start from" not in _text(signed_in_client(cast.om).get(url))


def test_the_diary_pages_to_the_ends_of_its_reach_and_no_further(cast):
    client = signed_in_client(cast.om)
    url = reverse("appointments:diary", args=[cast.person.pk])
    far = _text(client.get(url, {"from": "2030-12-02"}))  # nearly five years on
    assert "Week beginning Monday 2 December 2030" in far and "check the year" not in far
    assert 'rel="next"' in far and 'rel="prev"' in far
    later = re.search(r'href="\?from=([0-9-]+)" rel="next"', far)
    assert later is not None and later.group(1) == "2031-01-06"  # the last eight weeks
    last = _text(client.get(url, {"from": later.group(1)}))
    assert "check the year" not in last
    assert 'rel="next"' not in last and 'rel="prev"' in last
    first = _text(client.get(url, {"from": "2021-03-08"}))
    assert "Week beginning Monday 8 March 2021" in first
    earlier = re.search(r'href="\?from=([0-9-]+)" rel="prev"', first)
    assert earlier is not None
    assert 'rel="prev"' not in _text(client.get(url, {"from": earlier.group(1)}))


def test_table_captions_keep_the_capitals_of_days_and_months(cast):
    book(cast.om, cast.person)
    text = _text(signed_in_client(cast.om).get(reverse("appointments:diary",
                                                       args=[cast.person.pk])))  # fmt: skip
    assert "Appointments in the week beginning Monday 2 March 2026</caption>" in text


@pytest.mark.parametrize("period", ["9999-12-31", "0001-01-01", "x"])
def test_attendance_takes_no_dates_from_the_url(cast, period):
    response = signed_in_client(cast.coordinator).get(
        reverse("appointments:attendance"), {"period": period, "from": period}
    )
    assert response.status_code == 200 and "the last 12 months" in _text(response)


def _diary_queries(client, person) -> int:
    url = reverse("appointments:diary", args=[person.pk])
    client.get(url)  # sessions and the like settle on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_diary_queries_are_bounded(cast, clock, housing_worker):
    book(cast.om, cast.person, worker=cast.om)
    om, housing = signed_in_client(cast.om), signed_in_client(housing_worker)
    few_om, few_housing = _diary_queries(om, cast.person), _diary_queries(housing, cast.person)
    assert few_om <= 20 and few_housing <= 20
    for day in range(2, 20):
        meeting = book(cast.partner, cast.person, days=day, kind=DRUGS, worker=cast.partner,
                       confirm=True)  # fmt: skip
        appointment_join(actor=cast.om, appointment=meeting, agency=cast.om.agency, worker=cast.om)
    clock.move_to(at(6, "12:00"))
    for meeting in cast.person.appointments.filter(starts_at__lt=at(6, "00:00")):
        holder = cast.om if meeting.agency_id == cast.om.agency_id else cast.partner
        outcome_record(actor=holder, appointment=meeting, outcome=Outcome.FAILED_TO_ATTEND)
    # Days later: sign in afresh (the sessions have timed out).
    om, housing = signed_in_client(cast.om), signed_in_client(housing_worker)
    GoodProgress.objects.create(
        person=cast.person, note="Kept going", recorded_by=cast.om, recorded_agency=cast.om.agency,
        recorded_at=at(6, "12:00"),
    )  # fmt: skip
    assert _diary_queries(om, cast.person) == few_om
    assert _diary_queries(housing, cast.person) == few_housing


def test_good_progress_is_recorded_on_the_diary_page(cast):
    client = signed_in_client(cast.partner)
    url = reverse("appointments:diary", args=[cast.person.pk])
    assert client.post(url, {"note": "  "}).status_code == 400
    assert not GoodProgress.objects.exists()
    response = client.post(url, {"note": "Clean test for a month"}, follow=True)
    assert "Good progress recorded" in _text(response)
    assert GoodProgress.objects.get().recorded_agency == cast.partner.agency
    assert signed_in_client(cast.viewer).post(url, {"note": "x"}).status_code == 403


# Booking ----------------------------------------------------------------------------------


def test_booking_form_books_for_the_users_agency(cast):
    client = signed_in_client(cast.om)
    url = reverse("appointments:book", args=[cast.person.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Check and book" in _text(page)
    response = client.post(url, _booking(cast, worker=str(cast.om.pk), enforceable="on"))
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:appointment", args=[appointment.pk])
    assert appointment.agency == cast.om.agency and appointment.worker == cast.om
    assert appointment.starts_at == at(1, "10:00") and appointment.enforceable


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"day": "31/02/2026"}, "Enter the date as day/month/year"),
        ({"starts": "25:00"}, "Enter the time like 09:30"),
        ({"ends": "09:00"}, "The end time must be after the start time"),
        ({"day": "01/03/2026"}, "Book appointments for a time still to come"),
        ({"day": "02/03/2026", "starts": "07:30"}, "Book appointments for a time still to come"),
        ({"day": "03/12/9999"}, "Book appointments within the next 2 years: check the year"),
        ({"day": "03/03/2028"}, "Book appointments within the next 2 years: check the year"),
        ({"place": ""}, "Enter where the appointment is"),
        ({"kind": "tea"}, "Choose the kind of appointment"),
        ({"worker": "999999"}, "Choose a worker of your agency"),
    ],
)
def test_bad_booking_input_is_explained_and_saves_nothing(cast, change, field_error):
    response = signed_in_client(cast.om).post(
        reverse("appointments:book", args=[cast.person.pk]), _booking(cast, **change)
    )
    assert response.status_code == 400
    text = _text(response)
    assert "There is a problem" in text and field_error in text
    assert "<title>Error: " in text
    assert not Appointment.objects.exists()


def test_an_overlap_warns_offers_alternatives_and_saves_nothing_until_confirmed(cast):
    police = book(cast.om, cast.person, worker=cast.om)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(cast, kind=DRUGS, starts="10:30", ends="11:30")
    response = client.post(url, data)
    text = _text(response)
    assert response.status_code == 200
    assert "Check before booking" in text and "Nothing is booked yet" in text
    assert "This overlaps the offender manager supervision appointment with Test Police" in text
    assert "Make it a joint appointment with Test Police at 10:00" in text
    assert "Book on Wednesday 4 March 2026 instead" in text
    assert Appointment.objects.count() == 1
    seen = re.search(r'name="seen" value="([^"]*)"', response.content.decode())
    assert seen is not None and seen.group(1) == f"overlap:{police.pk}"

    # "Book on … instead" fills the date in and books nothing.
    moved = client.post(url, {**data, "another_day": "2026-03-04"})
    assert 'value="04/03/2026"' in moved.content.decode()
    assert "The date is now Wednesday 4 March 2026" in _text(moved)
    assert Appointment.objects.count() == 1

    # "Book anyway" books with the warnings confirmed.
    booked = client.post(url, {**data, "seen": seen.group(1), "confirm": "1"})
    assert booked.status_code == 302 and Appointment.objects.count() == 2
    second = Appointment.objects.latest("pk")
    assert second.history.first().history_change_reason == "Booked with warnings confirmed: overlap"


def test_the_booking_limit_is_a_setting(cast, settings):
    settings.APPOINTMENTS_BOOK_AHEAD_YEARS = 1
    client = signed_in_client(cast.om)
    url = reverse("appointments:book", args=[cast.person.pk])
    refused = client.post(url, _booking(cast, day="03/03/2027"))
    assert refused.status_code == 400
    assert "Book appointments within the next year: check the year" in _text(refused)
    assert client.post(url, _booking(cast, day="01/03/2027")).status_code == 302
    assert Appointment.objects.get().starts_at.year == 2027


def test_the_warnings_banner_takes_focus_when_it_appears(cast):
    book(cast.om, cast.person)
    response = signed_in_client(cast.partner).post(
        reverse("appointments:book", args=[cast.person.pk]),
        _booking(cast, kind=DRUGS, starts="10:30", ends="11:30"),
    )
    banner = re.search(r'<div class="govuk-notification-banner"[^>]*>', response.content.decode())
    assert banner is not None
    # GOV.UK Frontend's notification banner focuses itself when its role is "alert".
    assert 'role="alert"' in banner.group(0)
    assert 'data-module="govuk-notification-banner"' in banner.group(0)


def test_the_kinds_offered_are_the_agencys(cast):
    def kinds(user) -> list[str]:
        page = signed_in_client(user).get(reverse("appointments:book", args=[cast.person.pk]))
        select = re.search(r'<select[^>]*name="kind".*?</select>', page.content.decode(), re.S)
        assert select is not None
        return re.findall(r'<option value="([^"]+)"', select.group(0))

    assert kinds(cast.partner) == ["drug_treatment", "drug_test", "other"]
    assert kinds(cast.om) == ["supervision", "drug_test", "mentoring", "other"]


def test_a_kind_the_agency_does_not_hold_is_refused_on_the_field(cast):
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    response = client.post(url, _booking(cast, kind=AppointmentKind.SUPERVISION))
    text = _text(response)
    assert response.status_code == 400
    message = (
        "Your agency does not hold offender manager supervision appointments: choose a kind "
        "from the list"
    )
    assert f'<a href="#id_kind">{message}</a>' in text  # the summary links to the field
    assert not Appointment.objects.exists()
    assert client.post(url, _booking(cast, kind=AppointmentKind.DRUG_TEST)).status_code == 302


def test_booking_warns_when_the_person_is_in_custody(cast):
    people_services.episode_add(
        actor=None, person=cast.person, kind=EpisodeKind.SENTENCED,
        start_date=MONDAY - dt.timedelta(days=60), expected_end_date=MONDAY + dt.timedelta(days=9),
    )  # fmt: skip
    client = signed_in_client(cast.om)
    url = reverse("appointments:book", args=[cast.person.pk])
    response = client.post(url, _booking(cast))
    text = _text(response)
    assert response.status_code == 200 and "Check before booking" in text
    assert (
        f"{escape(cast.person.full_name)} is in custody on Tuesday 3 March 2026 "
        "(expected release Wednesday 11 March 2026)"
    ) in text
    assert "Book on Wednesday 11 March 2026 instead" in text
    assert not Appointment.objects.exists()
    seen = re.search(r'name="seen" value="([^"]*)"', response.content.decode())
    assert seen is not None and seen.group(1) == "custody:"


def test_book_anyway_after_a_change_to_a_clear_time_books(cast):
    book(cast.om, cast.person)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(cast, kind=DRUGS, starts="10:30", ends="11:30")
    warned = client.post(url, data)
    seen = re.search(r'name="seen" value="([^"]*)"', warned.content.decode())
    assert seen is not None and seen.group(1)
    # The user moves it to the afternoon, then presses "Book anyway".
    changed = {**data, "starts": "14:00", "ends": "15:00", "seen": seen.group(1), "confirm": "1"}
    booked = client.post(url, changed)
    assert booked.status_code == 302
    mine = Appointment.objects.get(agency=cast.partner.agency)
    assert mine.starts_at == at(1, "14:00")
    assert mine.history.first().history_change_reason is None  # no warnings to confirm


def test_book_anyway_after_a_change_to_another_clash_shows_the_new_warnings(cast):
    book(cast.om, cast.person)
    thursday = book(cast.om, cast.person, days=3)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(cast, kind=DRUGS, starts="10:30", ends="11:30")
    warned = client.post(url, data)
    seen = re.search(r'name="seen" value="([^"]*)"', warned.content.decode())
    assert seen is not None
    changed = {**data, "day": "05/03/2026", "seen": seen.group(1), "confirm": "1"}
    response = client.post(url, changed)
    text = _text(response)
    assert response.status_code == 200
    assert "The warnings have changed since you last checked" in text
    assert "This overlaps the offender manager supervision appointment" in text
    assert "Thursday 5 March 2026, 10:00 to 11:00" in text
    assert "Book on Friday 6 March 2026 instead" in text
    assert f'name="seen" value="overlap:{thursday.pk}"' in response.content.decode()
    assert Appointment.objects.count() == 2
    # Confirming these books it.
    again = client.post(url, {**changed, "seen": f"overlap:{thursday.pk}"})
    assert again.status_code == 302 and Appointment.objects.count() == 3


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("not-a-date", "Choose one of the days offered, or type the date in"),
        ("9999-12-31", "Book appointments within the next 2 years: check the year"),
    ],
)
def test_a_tampered_other_day_is_explained_and_books_nothing(cast, day, message):
    response = signed_in_client(cast.om).post(
        reverse("appointments:book", args=[cast.person.pk]), {**_booking(cast), "another_day": day}
    )
    assert response.status_code == 400 and message in _text(response)
    assert not Appointment.objects.exists()


def test_book_anyway_confirms_only_the_warnings_shown(cast):
    book(cast.om, cast.person)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(cast, kind=DRUGS, starts="10:30", ends="11:30")
    # Confirmed on a page that showed no warnings (or other ones): shown again, not booked.
    response = client.post(url, {**data, "seen": "", "confirm": "1"})
    assert response.status_code == 200 and "Check before booking" in _text(response)
    assert Appointment.objects.count() == 1


def test_the_join_suggestion_makes_a_joint_appointment_and_books_nothing(cast):
    police = book(cast.om, cast.person, worker=cast.om)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(cast, kind=DRUGS, starts="10:30", ends="11:30", worker=str(cast.partner.pk))
    response = client.post(url, {**data, "join": str(police.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:appointment", args=[police.pk])
    assert Appointment.objects.count() == 1
    joined = Participant.objects.get()
    assert (joined.appointment, joined.agency, joined.worker) == (
        police, cast.partner.agency, cast.partner
    )  # fmt: skip
    police.refresh_from_db()
    assert police.sequence == 1
    # Joining again is explained, not an error page.
    again = client.post(url, {**data, "join": str(police.pk)})
    assert again.status_code == 400 and "already at the appointment" in _text(again)


def test_travel_and_overload_warnings(cast):
    for day in range(1, 6):  # Tuesday to Saturday
        book(cast.om, cast.person, days=day, area=cast.area_a)
    client = signed_in_client(cast.partner)
    url = reverse("appointments:book", args=[cast.person.pk])
    data = _booking(
        cast, kind=DRUGS, day="07/03/2026", starts="11:20", ends="12:00", area=str(cast.area_b.pk)
    )
    text = _text(client.post(url, data))
    assert "Only 20 minutes lie between this and" in text
    assert "This would be appointment 6 in the week beginning Monday 2 March 2026" in text
    assert "Book on Monday 9 March 2026 instead" in text
    assert Appointment.objects.count() == 5


# One appointment --------------------------------------------------------------------------


def test_outcome_only_after_the_start_and_by_an_agency_there(cast, clock):
    meeting = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    url = reverse("appointments:outcome", args=[meeting.pk])
    om = signed_in_client(cast.om)
    page = _text(om.get(url))
    assert "can be recorded once the appointment has started" in page
    assert 'name="outcome"' not in page
    early = om.post(url, {"outcome": Outcome.ATTENDED_COMPLIED})
    assert early.status_code == 400
    assert "An outcome can be recorded only once the appointment has started" in _text(early)
    assert not Attendance.objects.exists()
    clock.move_to(at(1, "10:05"))
    om = signed_in_client(cast.om)  # two hours on: the first session has timed out
    # Another agency (not there) is refused; a reader is refused.
    for persona in (cast.partner, cast.viewer, cast.coordinator):
        response = signed_in_client(persona).post(url, {"outcome": Outcome.ATTENDED_COMPLIED})
        assert response.status_code == 403
    assert signed_in_client(cast.other_om).post(url, {}).status_code == 404
    assert not Attendance.objects.exists()
    bad = om.post(url, {"outcome": Outcome.ACCEPTABLE_ABSENCE})
    assert bad.status_code == 400 and "Choose why the absence was acceptable" in _text(bad)
    done = om.post(url, {"outcome": Outcome.ATTENDED_COMPLIED, "note": "On time"})
    assert done.status_code == 302
    assert Attendance.objects.get().outcome == Outcome.ATTENDED_COMPLIED
    # A correction needs its reason.
    page = _text(om.get(url))
    assert "Correct the outcome" in page
    assert om.post(url, {"outcome": Outcome.SENT_HOME_BEHAVIOUR}).status_code == 400
    corrected = om.post(url, {"outcome": Outcome.SENT_HOME_BEHAVIOUR, "reason": "Wrong button"})
    assert corrected.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.outcome == Outcome.SENT_HOME_BEHAVIOUR
    assert attendance.correction_reason == "Wrong button"


def test_a_missed_enforceable_appointment_says_what_follows(cast, clock, lead):
    meeting = book(cast.om, cast.person, enforceable=True)
    clock.move_to(at(1, "12:00"))
    response = signed_in_client(cast.om).post(
        reverse("appointments:outcome", args=[meeting.pk]),
        {"outcome": Outcome.UNACCEPTABLE_ABSENCE}, follow=True,
    )  # fmt: skip
    text = _text(response)
    assert "re-engagement task" in text and "an enforcement decision is needed" in text
    assert EnforcementFlag.objects.get().status == FlagStatus.OPEN


def test_reschedule_raises_the_sequence_and_warns_first(cast):
    meeting = book(cast.om, cast.person, worker=cast.om)
    book(cast.partner, cast.person, days=2, kind=DRUGS)
    client = signed_in_client(cast.om)
    url = reverse("appointments:reschedule", args=[meeting.pk])
    assert 'value="03/03/2026"' in client.get(url).content.decode()
    move = {
        "day": "04/03/2026", "starts": "10:30", "ends": "11:30", "place": meeting.place,
        "area": str(cast.area_a.pk), "reason": "", "seen": "",
    }  # fmt: skip
    assert client.post(url, move).status_code == 400  # no reason
    warned = client.post(url, {**move, "reason": "Court"})
    assert warned.status_code == 200 and "Check before moving" in _text(warned)
    assert "Move to Thursday 5 March 2026 instead" in _text(warned)
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.starts_at == at(1, "10:00")
    seen = re.search(r'name="seen" value="([^"]*)"', warned.content.decode())
    assert seen is not None
    moved = client.post(url, {**move, "reason": "Court", "confirm": "1", "seen": seen.group(1)})
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == at(2, "10:30")
    assert meeting.reschedule_reason == "Court"
    assert signed_in_client(cast.partner).get(url).status_code == 403


def _move(meeting, cast, **change) -> dict[str, str]:
    data = {
        "day": "04/03/2026", "starts": "10:30", "ends": "11:30", "place": meeting.place,
        "area": str(cast.area_a.pk), "reason": "Court", "seen": "",
    }  # fmt: skip
    data.update(change)
    return data


def test_the_move_form_shows_every_problem_at_once_in_its_own_words(cast):
    meeting = book(cast.om, cast.person)
    url = reverse("appointments:reschedule", args=[meeting.pk])
    response = signed_in_client(cast.om).post(url, _move(meeting, cast, day="01/03/2026",
                                                         reason=""))  # fmt: skip
    text = _text(response)
    assert response.status_code == 400
    assert '<a href="#id_day">Move the appointment to a time still to come</a>' in text
    assert '<a href="#id_reason">Say why the appointment is moving</a>' in text
    assert "Book appointments" not in text
    far = _text(signed_in_client(cast.om).post(url, _move(meeting, cast, day="03/12/9999")))
    assert "Move the appointment to a time within the next 2 years: check the year" in far
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.starts_at == at(1, "10:00")


def test_move_anyway_after_a_change_to_a_clear_time_moves(cast):
    meeting = book(cast.om, cast.person)
    book(cast.partner, cast.person, days=2, kind=DRUGS)
    client = signed_in_client(cast.om)
    url = reverse("appointments:reschedule", args=[meeting.pk])
    warned = client.post(url, _move(meeting, cast))
    assert 'role="alert"' in warned.content.decode()
    seen = re.search(r'name="seen" value="([^"]*)"', warned.content.decode())
    assert seen is not None and seen.group(1)
    moved = client.post(url, _move(meeting, cast, starts="14:00", ends="15:00",
                                   seen=seen.group(1), confirm="1"))  # fmt: skip
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2, "14:00") and meeting.sequence == 1


def test_move_anyway_after_a_change_to_another_clash_shows_the_new_warnings(cast):
    meeting = book(cast.om, cast.person)
    book(cast.partner, cast.person, days=2, kind=DRUGS)
    friday = book(cast.partner, cast.person, days=4, kind=DRUGS)
    client = signed_in_client(cast.om)
    url = reverse("appointments:reschedule", args=[meeting.pk])
    seen = re.search(r'name="seen" value="([^"]*)"', client.post(url, _move(meeting, cast))
                     .content.decode())  # fmt: skip
    assert seen is not None
    response = client.post(url, _move(meeting, cast, day="06/03/2026", seen=seen.group(1),
                                      confirm="1"))  # fmt: skip
    text = _text(response)
    assert response.status_code == 200
    assert "The warnings have changed since you last checked" in text
    assert "Friday 6 March 2026, 10:00 to 11:00" in text
    assert f'name="seen" value="overlap:{friday.pk}"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancel_needs_a_reason(cast):
    meeting = book(cast.om, cast.person)
    client = signed_in_client(cast.om)
    url = reverse("appointments:cancel", args=[meeting.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Person in hospital"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == AppointmentStatus.CANCELLED and meeting.sequence == 1
    assert signed_in_client(cast.partner).post(url, {"reason": "x"}).status_code == 403


def test_join_and_merge_from_the_appointment_page(cast):
    police = book(cast.om, cast.person, worker=cast.om)
    own = book(cast.partner, cast.person, start="14:00", end="15:00", kind=DRUGS,
               worker=cast.partner)  # fmt: skip
    client = signed_in_client(cast.partner)
    page = _text(client.get(reverse("appointments:appointment", args=[own.pk])))
    assert "Make it a joint appointment with Test Police at 10:00" in page
    response = client.post(reverse("appointments:merge", args=[own.pk]), {"into": police.pk})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == AppointmentStatus.CANCELLED
    assert "Held jointly with Test Police instead" in own.cancel_reason
    assert Participant.objects.get().appointment == police
    # The police cannot merge the drug service's appointment, nor a GET change anything.
    assert (
        signed_in_client(cast.om).post(reverse("appointments:merge", args=[own.pk]),
                                       {"into": police.pk}).status_code == 403
    )  # fmt: skip
    assert client.get(reverse("appointments:join", args=[police.pk])).status_code == 405
    # Joining one already joined: explained on the page.
    again = client.post(reverse("appointments:join", args=[police.pk]))
    assert again.status_code == 400 and "already at the appointment" in _text(again)


def test_appointment_page_shows_changes_to_those_who_see_it(cast):
    meeting = book(cast.om, cast.person, worker=cast.om)
    page = _text(signed_in_client(cast.om).get(reverse("appointments:appointment",
                                                       args=[meeting.pk])))  # fmt: skip
    assert "Changes" in page and "booked for 3 March 2026, 10:00" in page
    assert "Move the appointment" in page and "Cancel the appointment" in page


# Enforcement ------------------------------------------------------------------------------


def _second_miss(cast, clock):
    first = book(cast.om, cast.person, enforceable=True)
    second = book(cast.om, cast.person, days=8, enforceable=True)
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=first, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    # The first miss is answered with a warning letter: the second then calls for breach.
    enforcement_decide(actor=cast.om, flag=EnforcementFlag.objects.get(appointment=first),
                       action=EnforcementAction.FIRST_WARNING_LETTER,
                       reason="Warning letter sent")  # fmt: skip
    clock.move_to(at(8, "12:00"))
    outcome_record(actor=cast.om, appointment=second, outcome=Outcome.FAILED_TO_ATTEND)
    return EnforcementFlag.objects.get(appointment=second)


def test_enforcement_list_and_a_discretion_decision(cast, clock, lead):
    flag = _second_miss(cast, clock)
    client = signed_in_client(cast.om)
    page = _text(client.get(reverse("appointments:enforcement")))
    assert "Breach action must be considered" in page
    assert "A warning should be considered" not in page  # the first flag is decided
    assert "Jordan O&#x27;Neil-Smith" in page or "Jordan O'Neil-Smith" in page
    assert "unacceptable absence" in page and "failed to attend" in page
    url = reverse("appointments:decide", args=[flag.pk])
    prefix = f"flag-{flag.pk}"
    bad = client.post(url, {f"{prefix}-action": EnforcementAction.DISCRETION})
    assert bad.status_code == 400 and "Give the reason for the decision" in _text(bad)
    assert not EnforcementDecision.objects.filter(flag=flag).exists()
    done = client.post(
        url, {f"{prefix}-action": EnforcementAction.DISCRETION,
              f"{prefix}-reason": "Engaging with treatment; keep on the scheme"},
    )  # fmt: skip
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DECIDED
    assert flag.decision.action == EnforcementAction.DISCRETION
    again = client.post(url, {f"{prefix}-action": "breach_letter", f"{prefix}-reason": "x"})
    assert again.status_code == 400 and "already closed" in _text(again)
    history = _text(client.get(reverse("appointments:enforcement_history",
                                       args=[cast.person.pk])))  # fmt: skip
    assert "Discretion: no formal action" in history and "Engaging with treatment" in history


def test_enforcement_decisions_are_the_owners(cast, clock, lead):
    flag = _second_miss(cast, clock)
    url = reverse("appointments:decide", args=[flag.pk])
    data = {f"flag-{flag.pk}-action": "discretion", f"flag-{flag.pk}-reason": "x"}
    assert signed_in_client(cast.other_om).post(url, data).status_code == 404
    assert signed_in_client(cast.partner).post(url, data).status_code == 403
    assert signed_in_client(cast.viewer).get(url).status_code == 403
    assert not EnforcementDecision.objects.filter(flag=flag).exists()


def test_enforcement_history_is_withheld_without_offending(cast, clock, lead):
    _second_miss(cast, clock)
    url = reverse("appointments:enforcement_history", args=[cast.person.pk])
    text = _text(signed_in_client(cast.partner).get(url))
    assert "Withheld" in text and "Breach" not in text


# The printable diary and attendance -------------------------------------------------------


def test_printable_diary_in_plain_language(cast):
    cast.om.phone = "07700 900123"
    cast.om.save()
    book(cast.om, cast.person, worker=cast.om, enforceable=True)
    book(cast.partner, cast.person, days=2, kind=DRUGS)
    response = signed_in_client(cast.om).get(reverse("appointments:print", args=[cast.person.pk]))
    text = _text(response)
    assert "Your appointments" in text and "Monday 2 March 2026 to Sunday 29 March 2026" in text
    assert "Meeting with your offender manager" in text and "Drug service appointment" in text
    assert "You must go: this is part of your licence or order" in text
    assert "07700 900123" in text and "Who to call" in text
    assert "appointments/diary.css" in text
    event = AccessEvent.objects.latest("at")
    assert event.detail == "printable diary"


def test_attendance_page_by_agency_and_people(cast, clock):
    meetings = [book(cast.om, cast.person, days=d) for d in (1, 2, 3)]
    clock.move_to(at(4, "12:00"))
    for meeting, outcome in zip(
        meetings,
        [Outcome.ATTENDED_COMPLIED, Outcome.FAILED_TO_ATTEND, Outcome.ATTENDED_COMPLIED],
        strict=True,
    ):
        outcome_record(actor=cast.om, appointment=meeting, outcome=outcome)
    response = signed_in_client(cast.coordinator).get(reverse("appointments:attendance"))
    text = _text(response)
    assert response.status_code == 200
    assert "Test Police" in text and "67%" in text
    assert "Jordan" in text
    assert (
        signed_in_client(cast.other_om).get(reverse("appointments:attendance")).status_code == 200
    )
    assert "Jordan" not in _text(
        signed_in_client(cast.other_om).get(reverse("appointments:attendance"))
    )


def test_the_coordinator_oversees_decisions_waiting_in_their_areas(cast, clock, lead):
    flag = _second_miss(cast, clock)
    page = _text(signed_in_client(cast.coordinator).get(reverse("appointments:enforcement")))
    assert "No enforcement decisions are waiting for you" in page
    assert "Waiting for offender managers in your areas" in page
    assert reverse("appointments:decide", args=[flag.pk]) in page
    assert escape(cast.om.display_name) in page
    other = _text(signed_in_client(cast.other_om).get(reverse("appointments:enforcement")))
    assert "Waiting for offender managers" not in other and "Jordan" not in other
