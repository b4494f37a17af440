"""The one diary in Chromium, as new users would use it: an offender manager and a drug
worker book appointments for the same person and are warned of the clash and of too many in
the week; the drug worker joins the police appointment instead, and folds a second one into
another; the offender manager prints the person's diary, records their consent, issues the
calendar feed and a calendar client fetches it (parsed with icalendar), moves an appointment
(the feed follows), records outcomes the next days, and meets a second unacceptable absence
with a recorded decision to use discretion.

The clock is Tandem's own (time-machine, ticking) so that appointments can be booked ahead
and their outcomes recorded after they start; each user signs in once in their own browser
context (django-otp refuses a TOTP code used again within its 30 seconds), and sessions are
allowed to last the few days the journey spans.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from collections.abc import Iterator

import pytest
import time_machine
from icalendar import Calendar, Event
from playwright.sync_api import Browser

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
    EnforcementDecision,
    EnforcementFlag,
    Participant,
)
from tandem.appointments.rules import LONDON
from tandem.appointments.services import appointment_book, outcome_record
from tandem.casework.models import AllocationTrigger
from tandem.casework.services import lead_allocate

from ..browser_harness import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Monday at least a week ahead of the real date: cookies age by the browser's real clock.
_today = dt.date.today()
MONDAY = _today + dt.timedelta(days=7 + (7 - _today.weekday()) % 7)


def at(days: int, hhmm: str) -> dt.datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(
        MONDAY + dt.timedelta(days=days), dt.time(hours, minutes), tzinfo=LONDON
    )


def _date(days: int) -> str:
    return f"{MONDAY + dt.timedelta(days=days):%d/%m/%Y}"


@pytest.fixture
def clock(settings) -> Iterator[time_machine.Traveller]:
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 7 * 24 * 3600
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    with time_machine.travel(at(-21, "08:00"), tick=True) as traveller:
        yield traveller


def _book(actor, person, days: int, start: str, end: str, **extra) -> Appointment:
    return appointment_book(
        actor=actor, person=person, kind=extra.pop("kind", AppointmentKind.SUPERVISION),
        starts_at=at(days, start), ends_at=at(days, end),
        place="Police station, 2 Low Road, Testtown", area=person.residence_area,
        confirm_warnings=True, **extra,
    )  # fmt: skip


@pytest.fixture
def history(cast, clock) -> dict[str, Appointment]:
    """The police lead the case; three weeks ago the person missed an enforceable
    supervision (a first warning letter was sent); this week the police already see them on
    Monday afternoon, Wednesday (a licence requirement), Thursday and Friday."""
    lead_allocate(
        actor=None, person=cast.person, worker=cast.om,
        start_date=MONDAY - dt.timedelta(days=60), trigger=AllocationTrigger.ADOPTION,
    )  # fmt: skip
    missed = _book(cast.om, cast.person, -20, "10:00", "11:00", enforceable=True, worker=cast.om)
    clock.move_to(at(-20, "12:00"))
    outcome_record(actor=cast.om, appointment=missed, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    first = EnforcementFlag.objects.get()
    enforcement_decide(
        actor=cast.om, flag=first, action=EnforcementAction.FIRST_WARNING_LETTER,
        reason="First missed requirement: warning letter sent",
    )  # fmt: skip
    clock.move_to(at(0, "08:00"))
    week = {
        "monday": _book(cast.om, cast.person, 0, "15:00", "15:30", worker=cast.om),
        "wednesday": _book(cast.om, cast.person, 2, "10:00", "11:00", enforceable=True,
                           worker=cast.om),
        "thursday": _book(cast.om, cast.person, 3, "10:00", "11:00", worker=cast.om),
        "friday": _book(cast.om, cast.person, 4, "10:00", "11:00", worker=cast.om),
    }  # fmt: skip
    return week


def _signed_in(browser: Browser, base_url: str, name: str, user) -> Journey:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    journey = Journey(context.new_page(), base_url, name)
    journey.sign_in(user)
    return journey


def _fill_booking(journey: Journey, kind: str, days: int, start: str, end: str) -> None:
    page = journey.page
    page.get_by_label("Kind of appointment").select_option(label=kind)
    page.get_by_label("Date", exact=True).fill(_date(days))
    page.get_by_label("Start time").fill(start)
    page.get_by_label("End time").fill(end)
    page.get_by_label("Where", exact=True).fill("Clearwater, 12 Market Street, Testtown")


def _click(journey: Journey, role: str, name: str, label: str) -> None:
    journey.page.get_by_role(role, name=name).click()
    journey.page.wait_for_load_state()
    journey.check(label)


def test_one_diary_from_booking_to_a_discretion_decision(
    cast, history, clock, journey, browser, live_server
):
    pk = cast.person.pk
    diary = f"/appointments/people/{pk}/"
    om = journey
    om.sign_in(cast.om)
    om.visit(diary)
    assert om.page.get_by_role("heading", name="Appointments").is_visible()

    # The offender manager books Tuesday's supervision, a licence requirement.
    om.page.locator("a.govuk-button", has_text="Book an appointment").click()
    om.page.wait_for_load_state()
    om.check("book")
    om.page.get_by_role("button", name="Check and book").click()  # nothing filled in
    om.page.wait_for_load_state()
    om.check("book-errors")
    assert om.page.locator(".govuk-error-summary").is_visible()
    _fill_booking(om, "Offender manager supervision", 1, "10:00", "11:00")
    om.page.get_by_label("Where", exact=True).fill("Police station, 2 Low Road, Testtown")
    om.page.get_by_label("A licence or order requirement").check()
    _click(om, "button", "Check and book", "booked")
    assert om.page.get_by_text("Appointment booked").is_visible()
    tuesday = Appointment.objects.get(starts_at=at(1, "10:00"))
    assert tuesday.enforceable and tuesday.agency == cast.om.agency

    # The drug worker books treatment at 10:30 the same day: the clash and the sixth
    # appointment in the week are shown, with the alternatives; nothing is saved.
    drugs = _signed_in(browser, live_server.url, "appointments drug worker", cast.partner)
    drugs.visit(f"/appointments/people/{pk}/book/")
    _fill_booking(drugs, "Drug treatment", 1, "10:30", "11:30")
    _click(drugs, "button", "Check and book", "drugs-warned")
    warnings = drugs.page.locator("#warnings")
    assert warnings.get_by_text("This overlaps the offender manager supervision").is_visible()
    assert warnings.get_by_text("This would be appointment 6 in the week").is_visible()
    assert Appointment.objects.count() == 6
    # One meeting instead of two: join the police appointment.
    _click(drugs, "button", "Make it a joint appointment with Test Police at 10:00", "joined")
    assert drugs.page.get_by_text("Joint appointment: Test Drug Service will be at").is_visible()
    joined = Participant.objects.get()
    assert joined.appointment == tuesday and joined.worker == cast.partner
    assert Appointment.objects.count() == 6

    # A second booking on Thursday afternoon: too many in the week; booked anyway, then
    # folded into the police appointment that morning from its page.
    drugs.visit(f"/appointments/people/{pk}/book/")
    _fill_booking(drugs, "Drug treatment", 3, "14:00", "15:00")
    _click(drugs, "button", "Check and book", "thursday-warned")
    assert drugs.page.get_by_text("This would be appointment 6 in the week").is_visible()
    _click(drugs, "button", "Book anyway", "thursday-booked")
    own = Appointment.objects.get(starts_at=at(3, "14:00"))
    assert own.agency == cast.partner.agency
    _click(drugs, "button", "Make it a joint appointment with Test Police at 10:00", "merged")
    own.refresh_from_db()
    assert own.status == AppointmentStatus.CANCELLED
    assert Participant.objects.filter(appointment=history["thursday"]).exists()

    # The offender manager sees the one diary, and prints the person's copy.
    om.visit(diary)
    assert om.page.get_by_text("Joint").first.is_visible()
    _click(om, "link", "Printable diary for the person", "print")
    page = om.page
    assert page.get_by_role("heading", name="Your appointments").is_visible()
    assert page.get_by_text("Meeting with your offender manager").first.is_visible()
    assert page.get_by_text("You must go: this is part of your licence or order").first.is_visible()
    assert page.get_by_text("Also there:").first.is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".tandem-diary-links").is_visible()
    assert not page.locator(".govuk-service-navigation").is_visible()
    om.check("print-media")
    page.emulate_media(media="screen")

    # Consent, then the feed: the link is shown once; a calendar client fetches it.
    om.visit(f"/appointments/people/{pk}/contact/")
    page.get_by_label("Mobile phone number (optional)").fill("07700 900982")
    page.get_by_label("The person agrees to a calendar feed of their appointments").check()
    _click(om, "button", "Save contact details and consent", "consent")
    _click(om, "button", "Issue a calendar link", "feed-issued")
    url = page.locator("#feed-url").inner_text().strip()
    assert re.fullmatch(r"http://[^/]+/appointments/feeds/tdmcal_[A-Za-z0-9_-]+\.ics", url)

    def fetch() -> dict[str, Event]:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - the live test server
            assert response.headers["Content-Type"].startswith("text/calendar")
            assert response.headers["Cache-Control"] == "private, no-store"
            calendar = Calendar.from_ical(response.read())
        return {str(e["uid"]): e for e in calendar.walk("VEVENT") if isinstance(e, Event)}

    events = fetch()
    joint = events[f"{tuesday.uid}@appointments.tandem"]
    assert str(joint["summary"]) == "Meeting with your offender manager (Test Police)"
    assert "Also there: Test Drug Service" in str(joint["description"])
    friday_uid = f"{history['friday'].uid}@appointments.tandem"
    assert int(events[friday_uid]["sequence"]) == 0

    # Moving Friday's appointment: the feed shows the same entry at the new time.
    om.visit(f"/appointments/{history['friday'].pk}/reschedule/")
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("End time").fill("15:00")
    page.get_by_label("Why is it moving?").fill("The person starts work that morning")
    _click(om, "button", "Check and move", "moved")
    moved = fetch()[friday_uid]
    assert int(moved["sequence"]) == 1 and moved.decoded("dtstart") == at(4, "14:00")

    # Tuesday, after the meeting: both agencies were there; the police record it.
    clock.move_to(at(1, "11:30"))
    om.visit(f"/appointments/{tuesday.pk}/")
    _click(om, "link", "Record the outcome", "outcome-form")
    page.get_by_label("Attended – complied").check()
    _click(om, "button", "Save the outcome", "outcome-saved")
    assert page.get_by_text("Outcome recorded").is_visible()

    # Wednesday: a licence requirement missed, the second within 12 months.
    clock.move_to(at(2, "12:00"))
    om.visit(f"/appointments/{history['wednesday'].pk}/outcome/")
    page.get_by_label("Unacceptable absence").check()
    page.get_by_label("Note (optional)").fill("No contact; not at the hostel")
    _click(om, "button", "Save the outcome", "missed")
    assert page.get_by_text("an enforcement decision is needed").is_visible()
    flag = EnforcementFlag.objects.get(status=FlagStatus.OPEN)
    assert flag.level == "breach" and flag.missed_count == 2

    # The decision: discretion to keep the person on the scheme, with the reason.
    om.visit("/appointments/enforcement/")
    assert page.get_by_text("Breach action must be considered", exact=True).is_visible()
    page.get_by_role("button", name=re.compile("Record the decision")).click()  # no choice
    page.wait_for_load_state()
    om.check("decision-errors")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Discretion: no formal action, keep the person on the scheme").check()
    page.get_by_label("Reason for the decision").fill(
        "In treatment and joint meetings are working; the absence followed an eviction. "
        "Kept on the scheme, reviewed weekly."
    )
    _click(om, "button", "Record the decision for Tandem number", "decided")
    assert page.get_by_text("Decision recorded: Discretion").is_visible()
    decision = EnforcementDecision.objects.get(flag=flag)
    assert decision.action == EnforcementAction.DISCRETION and decision.decided_by == cast.om
    om.visit(f"/appointments/people/{pk}/enforcement/")
    assert page.get_by_text("Discretion: no formal action").is_visible()
    assert page.get_by_text("First warning letter").is_visible()
    drugs.page.context.close()
