"""Persona tests for the people pages: who can open what, and what each sees."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tandem.core.models import AccessAction, AccessEvent

from ..personas import signed_in_client

# persona -> expected status for the person in area A (engaged with the drug service)
DETAIL_STATUS = {
    "om": 200,  # same area
    "other_om": 404,  # other agency, other area: looks exactly like a missing record
    "viewer": 200,  # read-only, same area
    "coordinator": 200,
    "partner": 200,  # their agency is engaged
    "other_partner": 404,  # not engaged
    "custody": 403,  # role never opens records
    "analyst": 403,
    "auditor": 200,  # identity only
    "admin": 403,
}


@pytest.mark.parametrize(("persona", "expected"), DETAIL_STATUS.items())
def test_person_page_by_persona(cast, persona, expected):
    client = signed_in_client(cast.personas()[persona])
    response = client.get(reverse("people:detail", args=[cast.person.pk]))
    assert response.status_code == expected
    viewed = AccessEvent.objects.filter(
        actor=cast.personas()[persona], person=cast.person, action=AccessAction.VIEW_PERSON
    )
    assert viewed.count() == (1 if expected == 200 else 0)


def test_out_of_scope_and_missing_look_identical(cast):
    client = signed_in_client(cast.other_om)
    out_of_scope = client.get(reverse("people:detail", args=[cast.person.pk]))
    missing = client.get(reverse("people:detail", args=[999999]))
    assert out_of_scope.status_code == missing.status_code == 404
    assert _without_csrf(out_of_scope.content) == _without_csrf(missing.content)


def _without_csrf(html: bytes) -> bytes:
    """Page bytes with the per-render CSRF token blanked out."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_anonymous_is_sent_to_sign_in(cast, client):
    response = client.get(reverse("people:detail", args=[cast.person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


def test_partner_sees_only_granted_sections(cast):
    response = signed_in_client(cast.partner).get(reverse("people:detail", args=[cast.person.pk]))
    html = response.content.decode()
    assert "O&#x27;Neil-Smith" in html or "O'Neil-Smith" in html
    # Drug treatment partner workers are not granted offending or case notes by default.
    assert "Withheld." in html
    assert "no access to offending data" in html
    event = AccessEvent.objects.get(actor=cast.partner, person=cast.person)
    assert "offending" not in event.categories
    assert "identity" in event.categories


def test_auditor_sees_identity_only(cast):
    html = (
        signed_in_client(cast.auditor)
        .get(reverse("people:detail", args=[cast.person.pk]))
        .content.decode()
    )
    assert "Jordan" in html
    # status, offending, substance misuse, addresses, agencies
    # status, offending, local intelligence, substance misuse, addresses, agencies, and in
    # Casework the assessment (risk) and the care plan
    assert html.count("Withheld.") == 8
