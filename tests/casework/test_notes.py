"""Contacts and case notes: who reads which notes, sensitive notes, the 24-hour rule."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tandem.casework import services
from tandem.casework.models import ContactNote
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent

from ..personas import signed_in_client


def _note(cast, text="Saw him at home; tenancy going well", **kwargs):
    return services.contact_note_add(
        actor=kwargs.pop("actor", cast.om), person=cast.person, contact_type="home_visit",
        contact_date=today(), text=text, **kwargs,
    )  # fmt: skip


def _url(cast):
    return reverse("casework:notes", args=[cast.person.pk])


def test_a_note_is_read_only_by_those_granted_its_category(cast):
    _note(cast, "A case note")
    _note(cast, "Housing note", category="accommodation")
    om = signed_in_client(cast.om).get(_url(cast)).content.decode()
    assert "A case note" in om and "Housing note" in om
    # The drug service reads accommodation, not case notes.
    partner = signed_in_client(cast.partner).get(_url(cast)).content.decode()
    assert "Housing note" in partner and "A case note" not in partner
    assert "Add a contact or case note" not in partner
    event = AccessEvent.objects.filter(actor=cast.partner).latest("at")
    assert event.action == AccessAction.VIEW_PERSON and "case_notes" not in event.categories
    # Filtering by category.
    filtered = signed_in_client(cast.om).get(_url(cast), {"category": "accommodation"})
    assert "Housing note" in filtered.content.decode()
    assert "A case note" not in filtered.content.decode()


def test_a_sensitive_note_is_shown_only_to_the_authors_agency_and_the_coordinator(cast):
    _note(cast, "Disclosed something private", sensitive=True)
    for user in (cast.om, cast.viewer, cast.coordinator):  # viewer: same agency (police)
        html = signed_in_client(user).get(_url(cast)).content.decode()
        assert "Disclosed something private" in html, user.username
    from tests.factories import UserFactory

    probation_om = UserFactory(
        username="probation_a", agency=cast.other_om.agency, role="offender_manager",
        areas=[cast.area_a],
    )  # fmt: skip
    html = signed_in_client(probation_om).get(_url(cast)).content.decode()
    assert "Disclosed something private" not in html
    assert "A sensitive note" in html and "Test Police" in html


def test_writers_are_those_who_may_write_the_category(cast):
    with pytest.raises(PermissionDenied):
        _note(cast, actor=cast.viewer)
    with pytest.raises(PermissionDenied):
        _note(cast, actor=cast.partner, category="accommodation")
    # Health is the drug service's to write only with the person's recorded consent.
    with pytest.raises(PermissionDenied):
        _note(cast, actor=cast.partner, category="health")
    assert _note(cast, category="offending").author_agency == cast.om.agency


def test_bad_input_is_refused_and_changes_nothing(cast):
    with pytest.raises(ValidationError):
        _note(cast, "")
    with pytest.raises(ValidationError):
        services.contact_note_add(
            actor=cast.om, person=cast.person, contact_type="home_visit",
            contact_date=today() + dt.timedelta(days=1), text="Tomorrow",
        )  # fmt: skip
    client = signed_in_client(cast.om)
    assert client.post(_url(cast), {}).status_code == 400
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(_url(cast), {"contact_type": "phone", "contact_date": tomorrow,
                                        "category": "case_notes", "text": "x"})  # fmt: skip
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert ContactNote.objects.count() == 0


def test_adding_through_the_page(cast):
    response = signed_in_client(cast.om).post(
        _url(cast), {"contact_type": "office", "contact_date": today().strftime("%d/%m/%Y"),
                     "category": "case_notes", "text": "Reported on time"},
    )  # fmt: skip
    assert response.status_code == 302
    note = ContactNote.objects.get()
    assert (note.author, note.contact_type, note.sensitive) == (cast.om, "office", False)


def test_a_note_is_changed_by_its_author_within_24_hours_then_corrected(cast):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        note = _note(cast, "Frist draft")
        services.contact_note_update(actor=cast.om, note=note, contact_type="phone",
                                     contact_date=note.contact_date, text="First draft",
                                     sensitive=False)  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.contact_note_update(actor=cast.coordinator, note=note, contact_type="phone",
                                         contact_date=note.contact_date, text="No",
                                         sensitive=False)  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 1, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError):
            services.contact_note_update(actor=cast.om, note=note, contact_type="phone",
                                         contact_date=note.contact_date, text="Too late",
                                         sensitive=False)  # fmt: skip
        client = signed_in_client(cast.om)
        response = client.post(_url(cast), {
            "note": note.pk, "contact_type": "phone", "text": "Too late",
            "contact_date": note.contact_date.strftime("%d/%m/%Y"),
        })  # fmt: skip
        assert response.status_code == 400
        correction = services.contact_note_add(
            actor=cast.om, person=cast.person, contact_type="phone",
            contact_date=note.contact_date, text="Correction", corrects=note,
        )  # fmt: skip
    note.refresh_from_db()
    assert note.text == "First draft" and correction.corrects == note


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("om", 200), ("other_om", 404), ("custody", 403), ("analyst", 403), ("admin", 403),
     ("partner", 200), ("other_partner", 404), ("viewer", 200), ("coordinator", 200)],
)  # fmt: skip
def test_who_opens_the_notes_page(cast, persona, expected):
    assert signed_in_client(cast.personas()[persona]).get(_url(cast)).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("om", 400), ("other_om", 404), ("custody", 403), ("analyst", 403), ("admin", 403),
     ("partner", 403), ("viewer", 403), ("coordinator", 400), ("auditor", 403)],
)  # fmt: skip
def test_who_gets_as_far_as_validation_when_adding(cast, persona, expected):
    # The coordinator writes identity data, so may add a note of that category.
    assert signed_in_client(cast.personas()[persona]).post(_url(cast), {}).status_code == expected
    assert ContactNote.objects.count() == 0
