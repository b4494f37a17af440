"""Contact consent and the private calendar feeds, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar, Event

from tandem.appointments.codes import AppointmentKind
from tandem.appointments.feeds import (
    contact_consent_set,
    feed_calendar,
    feed_issue_for_person,
    feed_issue_for_worker,
    feed_revoke,
)
from tandem.appointments.models import CalendarFeed
from tandem.appointments.services import (
    appointment_cancel,
    appointment_join,
    appointment_reschedule,
)

from .conftest import MONDAY, at, book


def consent(cast, *, feed: bool = True, texts: bool = False, emails: bool = False):
    return contact_consent_set(
        actor=cast.om, person=cast.person, phone="07700 900982", email="jordan@example.com",
        text_reminders=texts, email_reminders=emails, calendar_feed=feed,
    )  # fmt: skip


def events(body: bytes) -> dict[str, Event]:
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT") if isinstance(e, Event)}


def test_consent_is_dated_kept_and_withdrawn(cast, clock):
    record = consent(cast, texts=True)
    assert record.text_reminders_since == MONDAY and record.calendar_feed_since == MONDAY
    assert record.email_reminders_since is None
    clock.move_to(at(3, "09:00"))
    record = consent(cast, texts=True, emails=True)
    assert record.text_reminders_since == MONDAY  # kept, not re-dated
    assert record.email_reminders_since == at(3, "09:00").date()
    record = consent(cast, feed=False)
    assert record.calendar_feed_since is None and record.history.count() == 3


def test_consent_checks_its_input_and_who_records_it(cast):
    with pytest.raises(ValidationError) as error:
        contact_consent_set(
            actor=cast.om, person=cast.person, phone="call me", email="nope",
            text_reminders=False, email_reminders=False, calendar_feed=False,
        )  # fmt: skip
    assert {"phone", "email"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        contact_consent_set(
            actor=cast.om, person=cast.person, phone="", email="",
            text_reminders=True, email_reminders=True, calendar_feed=False,
        )  # fmt: skip
    assert {"text_reminders", "email_reminders"} <= set(error.value.message_dict)
    for persona in (cast.viewer, cast.other_om, cast.other_partner, cast.custody):
        with pytest.raises(PermissionDenied):
            contact_consent_set(
                actor=persona, person=cast.person, phone="", email="",
                text_reminders=False, email_reminders=False, calendar_feed=False,
            )  # fmt: skip


def test_person_feed_needs_consent_and_a_worker_who_may_read_it_all(cast, housing_worker):
    with pytest.raises(ValidationError):
        feed_issue_for_person(actor=cast.om, person=cast.person)
    consent(cast)
    # The housing worker may not read substance misuse: a feed would show it to them.
    with pytest.raises(PermissionDenied):
        feed_issue_for_person(actor=housing_worker, person=cast.person)
    feed, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    assert token.startswith("tdmcal_") and feed.prefix == token[:12]
    assert token not in feed.key_hash and len(feed.key_hash) == 64
    # A new feed replaces the old one.
    _, newer = feed_issue_for_person(actor=cast.om, person=cast.person)
    assert feed_calendar(token) is None and feed_calendar(newer) is not None
    assert CalendarFeed.objects.filter(person=cast.person, revoked_at__isnull=True).count() == 1


def test_person_feed_in_plain_language_with_london_times(cast):
    cast.om.phone = "07700 900123"
    cast.om.save()
    consent(cast)
    meeting = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    book(cast.partner, cast.person, days=2, kind=AppointmentKind.DRUG_TEST)
    _, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    body = feed_calendar(token)
    assert body is not None
    calendar = Calendar.from_ical(body)
    assert str(calendar["x-wr-calname"]) == "My appointments"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    found = events(body)
    event = found[f"{meeting.uid}@appointments.tandem"]
    assert str(event["summary"]) == "Meeting with your offender manager (Test Police)"
    assert event["sequence"] == 0 and str(event["status"]) == "CONFIRMED"
    start = event.decoded("dtstart")
    assert start == at(1, "10:00") and str(start.tzinfo) == "Europe/London"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    description = str(event["description"])
    assert "you must go" in description and "call 07700 900123" in description
    assert str(event["location"]).startswith("Probation office")
    assert any(str(e["summary"]) == "Drug test (Test Drug Service)" for e in found.values())


def test_reschedule_and_cancel_update_the_same_entry(cast):
    consent(cast)
    meeting = book(cast.om, cast.person)
    _, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    uid = f"{meeting.uid}@appointments.tandem"
    appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=at(2, "14:00"),
                           ends_at=at(2, "15:00"), reason="Room double-booked")  # fmt: skip
    event = events(feed_calendar(token) or b"")[uid]
    assert event["sequence"] == 1 and event.decoded("dtstart") == at(2, "14:00")
    appointment_cancel(actor=cast.om, appointment=meeting, reason="Worker ill")
    event = events(feed_calendar(token) or b"")[uid]
    assert event["sequence"] == 2 and str(event["status"]) == "CANCELLED"
    assert str(event["summary"]).startswith("Cancelled: ")


def test_summer_time_is_kept_as_local_time(cast):
    consent(cast)
    meeting = book(cast.om, cast.person, days=28)  # Monday 30 March: British Summer Time
    _, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    event = events(feed_calendar(token) or b"")[f"{meeting.uid}@appointments.tandem"]
    start = event.decoded("dtstart")
    assert (start.hour, start.utcoffset()) == (10, dt.timedelta(hours=1))


def test_feed_stops_when_consent_is_withdrawn_or_revoked(cast):
    consent(cast)
    feed, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    assert feed_calendar(token) is not None
    consent(cast, feed=False)
    assert feed_calendar(token) is None
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    consent(cast)
    feed, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    feed_revoke(actor=cast.partner, feed=feed)
    assert feed_calendar(token) is None
    assert feed_calendar("tdmcal_guess") is None and feed_calendar("nonsense") is None


def test_worker_feed_names_people_by_number_and_initials(cast):
    held = book(cast.om, cast.person, worker=cast.om)
    joined = book(cast.partner, cast.person, days=2, kind=AppointmentKind.DRUG_TREATMENT)
    appointment_join(actor=cast.om, appointment=joined, agency=cast.om.agency, worker=cast.om)
    book(cast.partner, cast.person, days=3, kind=AppointmentKind.DRUG_TREATMENT)  # not theirs
    feed, token = feed_issue_for_worker(actor=cast.om)
    body = feed_calendar(token) or b""
    found = events(body)
    assert set(found) == {f"{a.uid}@appointments.tandem" for a in (held, joined)}
    # The surname is the person's alone (a worker's random first name might be Jordan).
    assert "Neil-Smith" not in body.decode()
    summary = str(found[f"{held.uid}@appointments.tandem"]["summary"])
    assert summary == f"Offender manager supervision: Tandem number {cast.person.pk} (J.O.)"
    for persona in (cast.viewer, cast.coordinator, cast.analyst):
        with pytest.raises(PermissionDenied):
            feed_issue_for_worker(actor=persona)
    with pytest.raises(PermissionDenied):
        feed_revoke(actor=cast.partner, feed=feed)
    feed_revoke(actor=cast.om, feed=feed)
    assert feed_calendar(token) is None
