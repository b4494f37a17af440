"""Recording and ending agency engagements from the person page, and what they open up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

from tandem.core.access import today
from tandem.people import services
from tandem.people.models import Engagement

from .. import personas

# One handler for the module: each new handler loads the middleware again, and WhiteNoise
# then rescans the static files (about 0.25 s a client).
HANDLER = ClientHandler(enforce_csrf_checks=False)


def signed_in_client(user) -> Client:
    client = personas.signed_in_client(user)
    client.handler = HANDLER
    return client


def add_url(person) -> str:
    return reverse("people:engagement_add", args=[person.pk])


def end_url(person, engagement) -> str:
    return reverse("people:engagement_end", args=[person.pk, engagement.pk])


def detail_status(user, person) -> int:
    return signed_in_client(user).get(reverse("people:detail", args=[person.pk])).status_code


@pytest.fixture
def housing(cast):
    return cast.other_partner.agency


def test_om_records_an_engagement_and_the_agencys_worker_can_then_open_the_person(cast, housing):
    assert detail_status(cast.other_partner, cast.person) == 404
    response = signed_in_client(cast.om).post(
        add_url(cast.person),
        {"agency": housing.pk, "start_date": "01/02/2025", "purpose": "Tenancy support"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[cast.person.pk])
    engagement = Engagement.objects.get(agency=housing)
    assert engagement.person == cast.person
    assert engagement.start_date == dt.date(2025, 2, 1)
    assert engagement.end_date is None
    assert engagement.purpose == "Tenancy support"
    assert engagement.recorded_by == cast.om
    assert detail_status(cast.other_partner, cast.person) == 200


def test_success_message_names_the_agency(cast, housing):
    response = signed_in_client(cast.om).post(
        add_url(cast.person), {"agency": housing.pk, "start_date": "01/02/2025"}, follow=True
    )
    assert "Test Housing can now see this record" in response.content.decode()


def test_person_page_offers_only_partner_agencies(cast):
    response = signed_in_client(cast.om).get(reverse("people:detail", args=[cast.person.pk]))
    choices = {a.name for a in response.context["engagement_form"].fields["agency"].queryset}
    assert choices == {"Test Drug Service", "Test Housing"}


@pytest.mark.parametrize("persona", ["viewer", "partner"])
def test_roles_without_case_notes_write_cannot_record_engagements(cast, housing, persona):
    before = Engagement.objects.count()
    response = signed_in_client(cast.personas()[persona]).post(
        add_url(cast.person), {"agency": housing.pk, "start_date": "01/02/2025"}
    )
    assert response.status_code == 403
    assert Engagement.objects.count() == before


@pytest.mark.parametrize(("persona", "expected"), [("other_om", 404), ("custody", 403)])
def test_out_of_scope_cannot_record_engagements(cast, housing, persona, expected):
    response = signed_in_client(cast.personas()[persona]).post(
        add_url(cast.person), {"agency": housing.pk, "start_date": "01/02/2025"}
    )
    assert response.status_code == expected
    assert not Engagement.objects.filter(agency=housing).exists()


def test_engagement_add_refuses_get(cast):
    assert signed_in_client(cast.om).get(add_url(cast.person)).status_code == 405


def _tomorrow() -> str:
    return (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")


INVALID = {
    "no agency": ({"start_date": "01/02/2025"}, "Choose the agency working with this person"),
    "no start date": ({"agency": "HOUSING"}, "Enter the date the agency started working"),
    "future date": ({"agency": "HOUSING", "start_date": "TOMORROW"}, "cannot be in the future"),
    "impossible date": ({"agency": "HOUSING", "start_date": "32/13/2025"}, "day/month/year"),
    "justice agency": ({"agency": "POLICE", "start_date": "01/02/2025"}, "Select a valid choice"),
    "no such agency": ({"agency": "999999", "start_date": "01/02/2025"}, "Select a valid choice"),
    "not a number": ({"agency": "abc", "start_date": "01/02/2025"}, "Select a valid choice"),
}


@pytest.mark.parametrize(("data", "message"), INVALID.values(), ids=INVALID.keys())
def test_invalid_engagement_is_refused_with_an_error_summary(cast, housing, data, message):
    replacements = {
        "HOUSING": str(housing.pk),
        "POLICE": str(cast.om.agency.pk),
        "TOMORROW": _tomorrow(),
    }
    data = {key: replacements.get(value, value) for key, value in data.items()}
    before = Engagement.objects.count()
    response = signed_in_client(cast.om).post(add_url(cast.person), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert Engagement.objects.count() == before


def test_ending_an_engagement_keeps_the_worker_in_the_grace_period(cast):
    engagement = Engagement.objects.get(person=cast.person, agency=cast.partner.agency)
    response = signed_in_client(cast.om).post(end_url(cast.person, engagement))
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.end_date == today()
    assert detail_status(cast.partner, cast.person) == 200


def test_ending_twice_keeps_the_first_end_date(cast):
    engagement = Engagement.objects.get(person=cast.person, agency=cast.partner.agency)
    services.engagement_end(actor=cast.om, engagement=engagement, end_date=dt.date(2025, 1, 1))
    signed_in_client(cast.om).post(end_url(cast.person, engagement))
    engagement.refresh_from_db()
    assert engagement.end_date == dt.date(2025, 1, 1)


def test_ending_another_persons_engagement_is_404(cast, housing):
    theirs = services.engagement_start(
        actor=None, agency=housing, person=cast.person_b, start_date=dt.date(2025, 1, 1)
    )
    response = signed_in_client(cast.om).post(end_url(cast.person, theirs))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.end_date is None


@pytest.mark.parametrize("persona", ["viewer", "partner"])
def test_roles_without_case_notes_write_cannot_end_engagements(cast, persona):
    engagement = Engagement.objects.get(person=cast.person, agency=cast.partner.agency)
    response = signed_in_client(cast.personas()[persona]).post(end_url(cast.person, engagement))
    assert response.status_code == 403
    engagement.refresh_from_db()
    assert engagement.end_date is None


def test_ending_an_engagement_that_has_not_started_yet_is_not_a_server_error(cast, housing):
    planned = services.engagement_start(
        actor=None, agency=housing, person=cast.person, start_date=today() + dt.timedelta(days=7)
    )
    response = signed_in_client(cast.om).post(end_url(cast.person, planned))
    assert response.status_code in {302, 400}
