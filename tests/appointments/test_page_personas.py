"""Every diary page and action for every persona, and anonymous: who opens it, who is
refused and how (403 for a role that may not, 404 out of scope, as if nothing were there).

The scene: the person (area A, the drug service engaged) has a police supervision tomorrow
(the police offender manager leads the case) and a drug treatment appointment the day
after; a past police appointment missed twice over has an enforcement flag open.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from tandem.appointments.codes import AppointmentKind, AppointmentStatus, Outcome
from tandem.appointments.feeds import contact_consent_set, feed_issue_for_person
from tandem.appointments.models import (
    Appointment,
    Attendance,
    CalendarFeed,
    ContactConsent,
    EnforcementDecision,
    EnforcementFlag,
    GoodProgress,
    Participant,
)
from tandem.appointments.services import outcome_record

from ..personas import signed_in_client
from .conftest import at, book

PERSONAS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner",
    "custody", "analyst", "auditor", "admin",
]  # fmt: skip
NO_RECORDS = {"custody": 403, "analyst": 403, "admin": 403}
# Roles that open the person's record; the other area's and the unengaged agency's do not.
READS = {"om": 200, "viewer": 200, "coordinator": 200, "partner": 200, "auditor": 200,
         "other_om": 404, "other_partner": 404, **NO_RECORDS}  # fmt: skip
# Working the case: booking roles and the coordinator (contact, printing).
CASE = {**READS, "viewer": 403, "auditor": 403}
BOOKS = {**CASE, "coordinator": 403}
# The police appointment's own agency only (the police offender manager).
HOLDER = {**BOOKS, "partner": 403}
ENFORCEMENT = {p: 403 for p in PERSONAS} | {"om": 200, "other_om": 200, "coordinator": 200}
DECIDES = {**ENFORCEMENT, "other_om": 404}
FEED_OWNERS = {p: 403 for p in PERSONAS} | {
    "om": 200, "other_om": 200, "partner": 200, "other_partner": 200
}  # fmt: skip

EXPECTED_GET = {
    "diary": READS,
    "enforcement_history": READS,
    "appointment": READS,
    "book": BOOKS,
    "print": CASE,
    "contact": CASE,
    # Recording the outcome: an agency that was there (before the start, the page says when).
    "outcome": HOLDER,
    "reschedule": HOLDER,
    "cancel": HOLDER,
    "enforcement": ENFORCEMENT,
    "decide": DECIDES,
    "attendance": ENFORCEMENT,
    "my_feed": FEED_OWNERS,
}


@dataclass
class Scene:
    police: Appointment
    drugs: Appointment
    missed: Appointment
    flag: EnforcementFlag


@pytest.fixture
def scene(cast, clock, lead) -> Scene:
    first = book(cast.om, cast.person, enforceable=True, start="09:00", end="09:30")
    missed = book(cast.om, cast.person, days=2, enforceable=True, start="09:00", end="09:30")
    clock.move_to(at(1, "12:00"))
    outcome_record(actor=cast.om, appointment=first, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    clock.move_to(at(2, "12:00"))
    outcome_record(actor=cast.om, appointment=missed, outcome=Outcome.FAILED_TO_ATTEND)
    police = book(cast.om, cast.person, days=3, worker=cast.om)
    drugs = book(cast.partner, cast.person, days=4, kind=AppointmentKind.DRUG_TREATMENT,
                 worker=cast.partner, start="14:00", end="15:00")  # fmt: skip
    return Scene(police, drugs, missed, EnforcementFlag.objects.get(appointment=missed))


def _urls(cast, s: Scene) -> dict[str, str]:
    pk = cast.person.pk
    return {
        "diary": reverse("appointments:diary", args=[pk]),
        "enforcement_history": reverse("appointments:enforcement_history", args=[pk]),
        "appointment": reverse("appointments:appointment", args=[s.police.pk]),
        "book": reverse("appointments:book", args=[pk]),
        "print": reverse("appointments:print", args=[pk]),
        "contact": reverse("appointments:contact", args=[pk]),
        "outcome": reverse("appointments:outcome", args=[s.police.pk]),
        "reschedule": reverse("appointments:reschedule", args=[s.police.pk]),
        "cancel": reverse("appointments:cancel", args=[s.police.pk]),
        "enforcement": reverse("appointments:enforcement"),
        "decide": reverse("appointments:decide", args=[s.flag.pk]),
        "attendance": reverse("appointments:attendance"),
        "my_feed": reverse("appointments:my_feed"),
    }


def test_every_page_for_every_persona(cast, scene):
    urls = _urls(cast, scene)
    assert set(urls) == set(EXPECTED_GET)
    for persona in PERSONAS:
        client = signed_in_client(cast.personas()[persona])
        for name, url in urls.items():
            expected = EXPECTED_GET[name][persona]
            assert client.get(url).status_code == expected, (persona, name)


def test_every_page_sends_anonymous_to_sign_in(cast, scene):
    client = Client()
    urls = [*_urls(cast, scene).values(),
            reverse("appointments:join", args=[scene.police.pk]),
            reverse("appointments:merge", args=[scene.drugs.pk]),
            reverse("appointments:person_feed", args=[cast.person.pk])]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:sign_in")), url
    for url in urls:
        response = client.post(url, {"action": "issue", "into": scene.police.pk})
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    assert not Participant.objects.exists() and not CalendarFeed.objects.exists()


def _state() -> tuple:
    return (
        list(Appointment.objects.order_by("pk").values("pk", "status", "sequence", "starts_at")),
        list(Attendance.objects.order_by("pk").values("pk", "outcome")),
        list(Participant.objects.order_by("pk").values("pk")),
        list(EnforcementDecision.objects.values("pk")),
        list(GoodProgress.objects.values("pk")),
        list(ContactConsent.objects.values("pk")),
        list(CalendarFeed.objects.values("pk")),
    )


# Posting an empty form: those who may get as far as validation (400, nothing saved).
EXPECTED_EMPTY_POST = {
    "diary": {**CASE, "om": 400, "coordinator": 400, "partner": 400, "viewer": 403,
              "auditor": 403},  # good progress
    "book": {**BOOKS, "om": 400, "partner": 400},
    "outcome": {**HOLDER, "om": 400},  # not started yet: refused with the reason
    "reschedule": {**HOLDER, "om": 400},
    "cancel": {**HOLDER, "om": 400},
    "contact": {**CASE, "om": 400, "coordinator": 400, "partner": 400},  # texts without a phone
    "decide": {**DECIDES, "om": 400, "coordinator": 400},
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_posting_by_persona_changes_nothing_without_valid_input(cast, scene, persona):
    urls = _urls(cast, scene)
    client = signed_in_client(cast.personas()[persona])
    before = _state()
    for name, expected in EXPECTED_EMPTY_POST.items():
        data = {"text_reminders": "on"} if name == "contact" else {}
        if name == "outcome":
            data = {"outcome": Outcome.ATTENDED_COMPLIED}
        assert client.post(urls[name], data).status_code == expected[persona], (persona, name)
    assert _state() == before
    # Read-only pages refuse a POST whoever asks.
    for name in ("appointment", "enforcement_history", "print", "enforcement", "attendance"):
        assert client.post(urls[name]).status_code in {403, 404, 405}, (persona, name)


JOIN = {**BOOKS, "om": 400, "partner": 302}  # the police are already there
MERGE = {**BOOKS, "om": 403, "partner": 302}  # the drug service's own appointment


@pytest.mark.parametrize("persona", PERSONAS)
def test_join_and_merge_by_persona(cast, scene, persona):
    client = signed_in_client(cast.personas()[persona])
    joined = client.post(reverse("appointments:join", args=[scene.police.pk]))
    assert joined.status_code == JOIN[persona]
    assert Participant.objects.exists() == (persona == "partner")
    Participant.objects.all().delete()
    merged = client.post(reverse("appointments:merge", args=[scene.drugs.pk]),
                         {"into": scene.police.pk})  # fmt: skip
    assert merged.status_code == MERGE[persona]
    scene.drugs.refresh_from_db()
    assert (scene.drugs.status == AppointmentStatus.CANCELLED) == (persona == "partner")


# Issuing the person's feed without recorded consent: explained to those who could issue it;
# refused to the drug worker, who may not read every appointment the feed would show (no
# consent to share substance misuse data is recorded in this scene).
PERSON_FEED = {**CASE, "om": 400, "coordinator": 400, "partner": 403}
# Stopping a feed: anyone working the case (a lost phone cannot wait for the lead).
REVOKES = {**CASE, "om": 302, "coordinator": 302, "partner": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_feed_by_persona(cast, scene, persona):
    client = signed_in_client(cast.personas()[persona])
    url = reverse("appointments:person_feed", args=[cast.person.pk])
    assert client.post(url, {"action": "issue"}).status_code == PERSON_FEED[persona]
    assert client.get(url).status_code in {403, 404, 405}
    assert not CalendarFeed.objects.exists()
    contact_consent_set(
        actor=cast.om, person=cast.person, phone="", email="", text_reminders=False,
        email_reminders=False, calendar_feed=True,
    )  # fmt: skip
    feed, _ = feed_issue_for_person(actor=cast.om, person=cast.person)
    stopped = client.post(url, {"action": "revoke"})
    feed.refresh_from_db()
    assert stopped.status_code == REVOKES[persona]
    assert (feed.revoked_at is not None) == (REVOKES[persona] == 302)


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_the_public_feed_needs_only_the_token(cast, scene, persona):
    contact_consent_set(
        actor=cast.om, person=cast.person, phone="", email="", text_reminders=False,
        email_reminders=False, calendar_feed=True,
    )  # fmt: skip
    _, token = feed_issue_for_person(actor=cast.om, person=cast.person)
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    assert client.get(reverse("appointments:feed", args=[token])).status_code == 200
    assert client.get(reverse("appointments:feed", args=["tdmcal_x"])).status_code == 404
