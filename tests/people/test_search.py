"""Searching for people: forgiving names, aliases, dates of birth, identifiers, and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.models import AccessAction, AccessEvent
from tandem.people import services
from tandem.people.search import parse_query

from ..factories import make_person
from ..personas import signed_in_client


@pytest.fixture
def om_client(cast):
    return signed_in_client(cast.om)


def _search(client, q: str) -> str:
    response = client.post(reverse("people:search"), {"q": q}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "Jordan O'Neil-Smith",
        "jordan oneil smith",
        "JORDAN ONEILSMITH",
        "o'neil",
        "ONEIL-SMITH",
        "O Neil Smith",
        "oneil smith jordan",
        "J O'Neil",
        "  jordan   o’neil  ",
    ],
)
def test_names_are_forgiving(om_client, cast, q):
    html = _search(om_client, q)
    assert reverse("people:detail", args=[cast.person.pk]) in html


def test_aliases_are_searched(om_client, cast):
    services.alias_add(actor=None, person=cast.person, first_name="Jay", last_name="McAllister")
    html = _search(om_client, "jay mcallister")
    assert reverse("people:detail", args=[cast.person.pk]) in html
    assert "Also known as Jay McAllister" in html


def test_date_of_birth_alone_and_with_a_name(om_client, cast):
    dob = cast.person.date_of_birth
    typed = f"{dob.day}/{dob.month}/{dob.year}"
    assert reverse("people:detail", args=[cast.person.pk]) in _search(om_client, typed)
    assert reverse("people:detail", args=[cast.person.pk]) in _search(om_client, f"jordan {typed}")
    other_day = dob + dt.timedelta(days=1)
    html = _search(om_client, f"jordan {other_day:%d/%m/%Y}")
    assert reverse("people:detail", args=[cast.person.pk]) not in html


@pytest.mark.parametrize(
    ("kind", "stored", "typed"),
    [
        ("pnc", "2004/0123456A", "2004/0123456a"),
        ("pnc", "2004/0123456A", "20040123456A"),
        ("local", "SC-000123", "sc 000123"),
    ],
)
def test_identifiers(om_client, cast, kind, stored, typed):
    services.identifier_add(actor=None, person=cast.person, kind=kind, value=stored)
    assert reverse("people:detail", args=[cast.person.pk]) in _search(om_client, typed)


def test_search_stays_in_scope(cast):
    outsider = signed_in_client(cast.other_om)  # probation, area B only
    html = _search(outsider, "jordan")
    assert reverse("people:detail", args=[cast.person.pk]) not in html
    assert "No one found" in html
    partner = signed_in_client(cast.other_partner)  # housing, not engaged
    assert "No one found" in _search(partner, "o'neil")
    engaged = signed_in_client(cast.partner)
    assert reverse("people:detail", args=[cast.person.pk]) in _search(engaged, "o'neil")


def test_roles_without_records_cannot_search(cast):
    for persona in ("custody", "analyst", "admin"):
        response = signed_in_client(cast.personas()[persona]).post(
            reverse("people:search"), {"q": "jordan"}
        )
        assert response.status_code == 403
    assert not AccessEvent.objects.filter(action=AccessAction.SEARCH).exists()


def test_every_search_is_logged(om_client, cast):
    _search(om_client, "jordan")
    event = AccessEvent.objects.get(action=AccessAction.SEARCH)
    assert event.actor == cast.om
    assert event.detail == "jordan"
    assert event.result_count == 1


def test_empty_search_gives_guidance_and_logs_nothing(om_client):
    html = _search(om_client, "   ")
    assert "Enter something to search for" in html
    assert not AccessEvent.objects.exists()


def test_impossible_date_is_explained(om_client):
    html = _search(om_client, "31/02/2001")
    assert "There is a problem" in html
    assert "Enter a real date of birth" in html


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE people_person; --",
        "%",
        "_",
        "\\",
        "<script>alert(1)</script>",
        "🙂" * 50,
        "a" * 5000,
        "\x00",
        "((((",
        "2004/",
    ],
)
def test_odd_input_is_safe(om_client, q):
    response = om_client.post(reverse("people:search"), {"q": q}, follow=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_parser_never_fails(text):
    parsed = parse_query(text)
    assert len(parsed.text) <= 200


def test_search_query_count_does_not_grow_with_results(cast):
    client = signed_in_client(cast.om)

    def count_queries() -> int:
        """Queries of the results page (the POST before it only stores the search text)."""
        results_url = client.post(reverse("people:search"), {"q": "smith"})["Location"]
        client.get(results_url)  # warm up: the session's first request is recorded
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(results_url).status_code == 200
        return len(ctx.captured_queries)

    make_person(area=cast.area_a, first_name="Alex", last_name="Smith")
    few = count_queries()
    for i in range(25):
        person = make_person(area=cast.area_a, first_name=f"Sam{i}", last_name="Smith")
        services.alias_add(actor=None, person=person, last_name=f"Smyth{i}")
        services.identifier_add(actor=None, person=person, kind="pnc", value=f"2001/{i:07d}B")
    many = count_queries()
    assert many == few
    assert many <= 14


def test_search_text_never_appears_in_a_url(om_client, cast):
    response = om_client.post(reverse("people:search"), {"q": "Jordan O'Neil"})
    assert response.status_code == 302
    assert "jordan" not in response["Location"].lower()
    assert "neil" not in response["Location"].lower()
    html = om_client.get(response["Location"]).content.decode()
    assert reverse("people:detail", args=[cast.person.pk]) in html
    assert 'value="Jordan O&#x27;Neil"' in html  # the box keeps what was typed


def test_a_search_link_from_another_session_has_expired(om_client, cast):
    response = om_client.post(reverse("people:search"), {"q": "jordan"})
    other = signed_in_client(cast.viewer)
    html = other.get(response["Location"]).content.decode()
    assert "That search has expired" in html
    assert reverse("people:detail", args=[cast.person.pk]) not in html
    assert not AccessEvent.objects.filter(actor=cast.viewer).exists()
