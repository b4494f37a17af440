"""The change history page: who changed what, limited to the categories a user may read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse
from django.utils.html import escape

from tandem.core.access import today
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, AccessEvent, AgencyKind, ProtocolRule, Role
from tandem.people import services

from .. import personas

# One handler for the module: each new handler loads the middleware again, and WhiteNoise
# then rescans the static files (about 0.25 s a client).
HANDLER = ClientHandler(enforce_csrf_checks=False)


def signed_in_client(user) -> Client:
    client = personas.signed_in_client(user)
    client.handler = HANDLER
    return client


MOVED_IN = today() - dt.timedelta(days=60)


def history_html(user, person) -> str:
    response = signed_in_client(user).get(reverse("people:history", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def changed(cast):
    """The offender manager adds an address and an alias for the person in area A."""
    address = services.address_add(
        actor=cast.om,
        person=cast.person,
        line1="17 Wisteria Walk",
        town="Testtown",
        postcode="te1 7ww",
        area=cast.area_a,
        start_date=MOVED_IN,
    )
    alias = services.alias_add(
        actor=cast.om, person=cast.person, first_name="Jay", last_name="Onion"
    )
    return {"address": address, "alias": alias}


def test_history_shows_changes_and_who_made_them(cast, changed):
    html = history_html(cast.om, cast.person)
    assert "Change history" in html
    assert "Added: Address" in html
    assert "17 Wisteria Walk" in html
    assert "TE1 7WW" in html  # as saved by the service
    assert MOVED_IN.strftime("%-d %b %Y") in html
    assert "Added: Alias" in html
    assert "Onion" in html
    assert f"by {escape(cast.om.display_name)}" in html  # names like O'Brien are escaped


def test_history_names_the_system_for_changes_without_an_actor(cast):
    # The cast's person and first address were created with actor=None.
    html = history_html(cast.om, cast.person)
    assert "Added: Identity" in html
    assert "by the system (import or demo set-up)" in html


def test_history_lists_newest_first(cast, changed):
    html = history_html(cast.om, cast.person)
    assert html.index("Added: Alias") < html.index("Added: Address") < html.index("Added: Identity")


def test_history_shows_field_changes_with_before_and_after(cast, changed):
    services.address_add(
        actor=cast.coordinator,
        person=cast.person,
        line1="3 Moving Lane",
        town="Testtown",
        area=cast.area_b,
        start_date=today() - dt.timedelta(days=10),
    )
    response = signed_in_client(cast.coordinator).get(
        reverse("people:history", args=[cast.person.pk])
    )
    changes = response.context["changes"]
    moved = next(c for c in changes if c.record == "Identity" and c.action == "Changed")
    assert moved.who == cast.coordinator
    assert [(f.field, f.old, f.new) for f in moved.fields] == [
        ("Residence area", "Area A", "Area B")
    ]


def test_auditor_without_accommodation_does_not_see_address_changes(cast, changed):
    html = history_html(cast.auditor, cast.person)
    assert "Added: Alias" in html  # identity is readable
    assert "Address" not in html
    assert "Wisteria" not in html
    assert "TE1 7WW" not in html


def test_partner_sees_address_changes_only_while_the_protocol_grants_accommodation(cast, changed):
    # By default the drug service may read accommodation...
    assert "Wisteria" in history_html(cast.partner, cast.person)
    # ...and once the protocol withdraws that, its workers no longer see address changes.
    ProtocolRule.objects.filter(
        agency_kind=AgencyKind.DRUG_TREATMENT,
        role=Role.PARTNER_WORKER,
        category=Category.ACCOMMODATION,
    ).update(level=Level.NONE)
    html = history_html(cast.partner, cast.person)
    assert "Added: Alias" in html
    assert "Added: Address" not in html
    assert "Wisteria" not in html


def test_partner_does_not_see_engagement_changes_without_case_notes(cast):
    assert "Added: Agency engagement" in history_html(cast.om, cast.person)
    assert "Agency engagement" not in history_html(cast.partner, cast.person)


def test_history_names_the_agency_of_an_engagement(cast):
    response = signed_in_client(cast.om).get(reverse("people:history", args=[cast.person.pk]))
    engagement = next(c for c in response.context["changes"] if c.record == "Agency engagement")
    agency = next(f for f in engagement.fields if f.field == "Agency")
    assert agency.new == "Test Drug Service"


def test_viewing_history_is_logged(cast, changed):
    signed_in_client(cast.partner).get(reverse("people:history", args=[cast.person.pk]))
    event = AccessEvent.objects.get(action=AccessAction.VIEW_HISTORY)
    assert event.actor == cast.partner
    assert event.person == cast.person
    assert event.categories == ["accommodation", "identity", "risk"]
    assert event.path == reverse("people:history", args=[cast.person.pk])


# Same matrix as the person page (tests/people/test_person_access.py).
HISTORY_STATUS = {
    "om": 200,
    "other_om": 404,
    "viewer": 200,
    "coordinator": 200,
    "partner": 200,
    "other_partner": 404,
    "custody": 403,
    "analyst": 403,
    "auditor": 200,
    "admin": 403,
}


def test_history_by_persona(cast):
    url = reverse("people:history", args=[cast.person.pk])
    for name, user in cast.personas().items():
        response = signed_in_client(user).get(url)
        assert response.status_code == HISTORY_STATUS[name], name
        logged = AccessEvent.objects.filter(actor=user, action=AccessAction.VIEW_HISTORY)
        assert logged.count() == (1 if HISTORY_STATUS[name] == 200 else 0), name


def test_history_of_a_missing_person_is_404(cast):
    response = signed_in_client(cast.auditor).get(reverse("people:history", args=[999_999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_history_sends_anonymous_to_sign_in(cast, client):
    response = client.get(reverse("people:history", args=[cast.person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))
