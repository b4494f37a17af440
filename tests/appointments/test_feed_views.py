"""Contact details and consent, issuing and stopping calendar feeds, and the public .ics
endpoint as a calendar client sees it (parsed with icalendar)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event

from tandem.appointments.codes import AppointmentKind
from tandem.appointments.models import CalendarFeed, ContactConsent
from tandem.core.categories import Category
from tandem.core.models import AccessAction, AccessEvent

from ..personas import signed_in_client
from .conftest import MONDAY, at, book

CONSENTED = {"phone": "07700 900982", "email": "jordan@example.com", "text_reminders": "on",
             "calendar_feed": "on"}  # fmt: skip


def _token(response) -> str:
    match = re.search(
        r"/appointments/feeds/(tdmcal_[A-Za-z0-9_-]+)\.ics", response.content.decode()
    )
    assert match is not None, "the page should show the subscription link"
    return match.group(1)


def _events(body: bytes) -> dict[str, Event]:
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT") if isinstance(e, Event)}


def test_contact_details_and_consent_are_recorded_with_dates(cast):
    client = signed_in_client(cast.om)
    url = reverse("appointments:contact", args=[cast.person.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"phone": "call me", "text_reminders": "on"})
    assert bad.status_code == 400 and "Enter a phone number" in bad.content.decode()
    assert not ContactConsent.objects.exists()
    assert client.post(url, CONSENTED).status_code == 302
    consent = ContactConsent.objects.get()
    assert consent.text_reminders_since == MONDAY and consent.calendar_feed_since == MONDAY
    assert consent.email_reminders_since is None
    page = client.get(url).content.decode()
    assert "Agreed since 2 March 2026" in page and 'value="07700 900982"' in page
    assert AccessEvent.objects.filter(detail="contact details and consent").exists()


def test_a_person_feed_needs_consent_and_shows_its_link_once(cast):
    client = signed_in_client(cast.om)
    feed_url = reverse("appointments:person_feed", args=[cast.person.pk])
    refused = client.post(feed_url, {"action": "issue"})
    assert refused.status_code == 400
    assert "Record the person&#x27;s consent to a calendar feed" in refused.content.decode()
    assert not CalendarFeed.objects.exists()
    client.post(reverse("appointments:contact", args=[cast.person.pk]), CONSENTED)
    issued = client.post(feed_url, {"action": "issue"})
    assert issued.status_code == 200 and issued["Cache-Control"] == "no-store"
    token = _token(issued)
    assert "webcal://testserver/appointments/feeds/" in issued.content.decode()
    feed = CalendarFeed.objects.get()
    assert feed.person == cast.person and token.startswith(feed.prefix)
    assert (
        token
        not in client.get(reverse("appointments:contact", args=[cast.person.pk])).content.decode()
    )
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert event.actor == cast.om and event.person == cast.person
    assert Category.SUBSTANCE_MISUSE in event.categories and feed.prefix in event.detail


def test_the_feed_parses_and_follows_a_reschedule_and_a_revocation(cast):
    om = signed_in_client(cast.om)
    meeting = book(cast.om, cast.person, worker=cast.om, enforceable=True)
    book(cast.partner, cast.person, days=2, kind=AppointmentKind.DRUG_TREATMENT)
    om.post(reverse("appointments:contact", args=[cast.person.pk]), CONSENTED)
    token = _token(om.post(reverse("appointments:person_feed", args=[cast.person.pk]),
                           {"action": "issue"}))  # fmt: skip
    calendar = Client()  # a calendar client: nobody signed in
    url = reverse("appointments:feed", args=[token])
    response = calendar.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    events = _events(response.content)
    assert len(events) == 2
    uid = f"{meeting.uid}@appointments.tandem"
    assert str(events[uid]["summary"]) == "Meeting with your offender manager (Test Police)"
    assert int(events[uid]["sequence"]) == 0
    assert "part of your licence or order" in str(events[uid]["description"])
    assert CalendarFeed.objects.get().last_used_at is not None

    # Moved through the page: the same entry, a higher SEQUENCE, the new time.
    om.post(reverse("appointments:reschedule", args=[meeting.pk]), {
        "day": "05/03/2026", "starts": "14:00", "ends": "15:00", "place": meeting.place,
        "area": str(cast.area_a.pk), "reason": "Court date",
    })  # fmt: skip
    moved = _events(calendar.get(url).content)[uid]
    assert int(moved["sequence"]) == 1
    assert moved.decoded("dtstart") == at(3, "14:00")

    # Stopped: the same bare 404 as a token that never existed, naming nobody.
    om.post(reverse("appointments:person_feed", args=[cast.person.pk]), {"action": "revoke"})
    gone = calendar.get(url)
    unknown = calendar.get(reverse("appointments:feed", args=["tdmcal_nothing"]))
    assert gone.status_code == unknown.status_code == 404
    assert gone.content == unknown.content == b"Not found\n"
    assert gone["Cache-Control"] == "private, no-store"
    assert calendar.get(reverse("appointments:feed", args=["nonsense"])).status_code == 404
    assert calendar.post(url).status_code == 405


def test_withdrawing_consent_stops_the_feed(cast):
    om = signed_in_client(cast.om)
    book(cast.om, cast.person)
    om.post(reverse("appointments:contact", args=[cast.person.pk]), CONSENTED)
    token = _token(om.post(reverse("appointments:person_feed", args=[cast.person.pk]),
                           {"action": "issue"}))  # fmt: skip
    url = reverse("appointments:feed", args=[token])
    assert Client().get(url).status_code == 200
    om.post(reverse("appointments:contact", args=[cast.person.pk]), {"phone": "07700 900982"})
    assert Client().get(url).status_code == 404


def test_only_a_worker_who_sees_every_kind_issues_the_persons_feed(cast, housing_worker):
    signed_in_client(cast.om).post(reverse("appointments:contact", args=[cast.person.pk]),
                                   CONSENTED)  # fmt: skip
    client = signed_in_client(housing_worker)
    page = client.get(reverse("appointments:contact", args=[cast.person.pk])).content.decode()
    assert "Only a worker who may see every kind of appointment" in page
    response = client.post(reverse("appointments:person_feed", args=[cast.person.pk]),
                           {"action": "issue"})  # fmt: skip
    assert response.status_code == 403 and not CalendarFeed.objects.exists()


def test_my_calendar_feed(cast):
    held = book(cast.om, cast.person, worker=cast.om)
    client = signed_in_client(cast.om)
    url = reverse("appointments:my_feed")
    assert "You have no calendar feed" in client.get(url).content.decode()
    issued = client.post(url, {"action": "issue"})
    assert issued.status_code == 200 and issued["Cache-Control"] == "no-store"
    token = _token(issued)
    body = Client().get(reverse("appointments:feed", args=[token])).content
    (event,) = _events(body).values()
    assert str(event["uid"]) == f"{held.uid}@appointments.tandem"
    assert "Neil-Smith" not in body.decode() and f"Tandem number {cast.person.pk}" in body.decode()
    assert "Last read by a calendar" in client.get(url).content.decode()
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert Client().get(reverse("appointments:feed", args=[token])).status_code == 404
    for persona in (cast.viewer, cast.coordinator, cast.auditor, cast.custody):
        assert signed_in_client(persona).get(url).status_code == 403
