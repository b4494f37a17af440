"""Forum pages by persona: who opens a meeting, what each sees, decisions and views in the
browser flow, the minutes and their PDF, and bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.forums import services
from tandem.forums.models import Decision, ItemKind
from tandem.people.models import EpisodeKind, StatusEpisode
from tandem.selection.models import NominationSource
from tandem.selection.nominations import nomination_create

from ..cohort.test_membership import adopt
from ..factories import make_person
from ..personas import signed_in_client

EXPECTED = {
    "coordinator": 200,
    "om": 200,
    "viewer": 200,
    "partner": 200,
    "other_partner": 200,
    "other_om": 404,
    "custody": 403,
    "analyst": 403,
    "auditor": 403,
    "admin": 403,
}


@pytest.fixture
def agenda(cast, meeting):
    nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Rising",
    )
    adopt(cast, person=cast.person_b, start_date=today() - dt.timedelta(days=30))
    StatusEpisode.objects.create(
        person=cast.person_b,
        kind=EpisodeKind.SENTENCED,
        start_date=today() - dt.timedelta(days=9),
        expected_end_date=today() + dt.timedelta(weeks=3),
        establishment="HMP Test",
    )
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    return meeting


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_who_opens_a_meeting(cast, agenda, persona):
    client = signed_in_client(cast.personas()[persona])
    url = reverse("forums:meeting", args=[agenda.pk])
    assert client.get(url).status_code == EXPECTED[persona]
    assert client.get(reverse("forums:minutes", args=[agenda.pk])).status_code == EXPECTED[persona]


def test_the_page_logs_the_people_listed_and_hides_offending_from_those_without_it(cast, agenda):
    page = signed_in_client(cast.coordinator).get(reverse("forums:meeting", args=[agenda.pk]))
    html = page.content.decode()
    assert "Nomination: O&#x27;NEIL-SMITH, Jordan" in html or "Nomination: O'NEIL-SMITH" in html
    assert "Expected release" in html
    event = AccessEvent.objects.get(action=AccessAction.VIEW_LIST, actor=cast.coordinator)
    assert event.result_count == 2 and "offending" in event.categories
    # The housing officer sees who is discussed, but custody dates are offending data.
    housing = signed_in_client(cast.other_partner).get(reverse("forums:meeting", args=[agenda.pk]))
    text = housing.content.decode()
    assert "Release due" in text and "Expected release" not in text
    assert "Custody dates are offending information" in text
    # Names link to records only where the reader may open them.
    assert reverse("people:detail", args=[cast.person_b.pk]) not in text


def test_the_coordinator_decides_in_the_page_and_bad_input_changes_nothing(cast, agenda):
    client = signed_in_client(cast.coordinator)
    item = agenda.items.get(kind=ItemKind.NOMINATION)
    url = reverse("forums:decide", args=[agenda.pk, item.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"outcome": "adopt", "rationale": ""})
    assert bad.status_code == 400
    page = bad.content.decode()
    # Every problem at once: the missing rationale and the strand adoption needs.
    assert "Record why the forum decided this" in page
    assert "Choose the strand the person joins" in page
    assert "<title>Error: Record the decision" in page
    assert not Decision.objects.exists()
    good = client.post(
        url,
        {"outcome": "adopt", "rationale": "Agreed", "strand": "catch_convict", "lead": cast.om.pk},
    )
    assert good.status_code == 302 and Decision.objects.get().membership_started is not None
    assert signed_in_client(cast.om).get(url).status_code == 403


def test_the_decision_page_asks_for_what_each_decision_needs(cast, agenda):
    """Every item offering exit asks the reason and the contact plan, every item offering
    adoption the strand, and an item added by hand about a member shows their exit criteria."""
    client = signed_in_client(cast.coordinator)
    item = services.item_add(
        actor=cast.coordinator, meeting=agenda, title="Exit?", person=cast.person_b
    )
    html = client.get(reverse("forums:decide", args=[agenda.pk, item.pk])).content.decode()
    for label in ("Reason for leaving", "Contact after exit", "Strand (when adopting)"):
        assert label in html, label
    assert "Exit criteria:" in html and "At least 3 months on the scheme" in html
    release = agenda.items.get(kind=ItemKind.RELEASE)  # continue or noted: neither field
    html = client.get(reverse("forums:decide", args=[agenda.pk, release.pk])).content.decode()
    assert "Reason for leaving" not in html and "Extended to" not in html


def test_an_agency_adds_its_view_and_is_told_of_a_colleagues_change(cast, agenda):
    item = agenda.items.get(kind=ItemKind.NOMINATION)
    url = reverse("forums:agency_view", args=[agenda.pk, item.pk])
    client = signed_in_client(cast.other_partner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Hostel place available", "version": ""}).status_code == 302
    stale = client.post(url, {"text": "My words", "version": ""})
    assert stale.status_code == 400
    assert "Hostel place available" in stale.content.decode()
    assert signed_in_client(cast.custody).get(url).status_code == 403


def test_minutes_pdf_is_a_pdf_and_its_download_is_logged(cast, agenda):
    response = signed_in_client(cast.other_partner).get(
        reverse("forums:minutes_pdf", args=[agenda.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT, actor=cast.other_partner).exists()


def test_meeting_page_queries_do_not_grow_with_the_agenda(cast, agenda):
    client = signed_in_client(cast.coordinator)
    url = reverse("forums:meeting", args=[agenda.pk])
    client.get(url)  # the first request of a session reads the sign-in state
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(6):
        person = make_person(area=cast.area_a)
        item = services.item_add(
            actor=cast.coordinator, meeting=agenda, title=f"Item {n}", person=person
        )
        services.view_save(actor=cast.partner, item=item, text="View")
        services.action_add(
            actor=cast.coordinator,
            meeting=agenda,
            description="Do",
            item=item,
            owner_agency=cast.partner.agency,
            due_on=agenda.day,
        )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
