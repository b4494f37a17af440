"""The access log: what access_record writes, and that the database keeps it append-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError
from django.test import RequestFactory

from tandem.core.audit import access_record
from tandem.core.models import AccessAction, AccessEvent
from tandem.people.models import Person


@pytest.fixture
def event(cast) -> AccessEvent:
    return access_record(
        actor=cast.om, action=AccessAction.VIEW_PERSON, person=cast.person, categories=["identity"]
    )


def test_access_record_writes_who_what_whom_and_where(cast):
    request = RequestFactory().get(f"/people/{cast.person.pk}/", REMOTE_ADDR="203.0.113.9")
    access_record(
        actor=cast.om,
        action=AccessAction.VIEW_PERSON,
        person=cast.person,
        categories=["risk", "identity", "offending", "risk"],
        request=request,
    )
    saved = AccessEvent.objects.get()
    assert saved.actor == cast.om
    assert saved.actor_agency == cast.om.agency
    assert saved.actor_role == "offender_manager"
    assert saved.action == "view_person"
    assert saved.person == cast.person
    assert saved.categories == ["identity", "offending", "risk"]
    assert saved.ip_address == "203.0.113.9"
    assert saved.path == f"/people/{cast.person.pk}/"
    assert saved.at is not None


def test_access_record_keeps_the_role_at_the_time(cast):
    access_record(actor=cast.om, action=AccessAction.SEARCH)
    cast.om.role = "viewer"
    cast.om.save()
    assert AccessEvent.objects.get().actor_role == "offender_manager"


def test_access_record_without_request_or_person(cast):
    access_record(actor=cast.auditor, action=AccessAction.SEARCH, detail="x" * 600, result_count=3)
    saved = AccessEvent.objects.get()
    assert saved.person is None
    assert saved.ip_address is None
    assert saved.path == ""
    assert saved.categories == []
    assert saved.detail == "x" * 500
    assert saved.result_count == 3


def test_access_record_truncates_long_paths(cast):
    request = RequestFactory().get("/" + "p" * 400)
    access_record(actor=cast.om, action=AccessAction.SEARCH, request=request)
    assert len(AccessEvent.objects.get().path) == 300


def _blocked(change) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def test_saving_a_changed_event_is_refused(event):
    event.detail = "tampered"
    _blocked(event.save)
    event.refresh_from_db()
    assert event.detail == ""


def test_queryset_update_is_refused(event):
    _blocked(lambda: AccessEvent.objects.filter(pk=event.pk).update(detail="tampered"))
    assert AccessEvent.objects.get(pk=event.pk).detail == ""


def test_deleting_an_event_is_refused(event):
    _blocked(event.delete)
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_queryset_delete_is_refused(event):
    _blocked(AccessEvent.objects.all().delete)
    assert AccessEvent.objects.count() == 1


def test_raw_sql_update_is_refused(event):
    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_accessevent SET detail = 'tampered'")

    _blocked(raw_update)
    assert AccessEvent.objects.get(pk=event.pk).detail == ""


def test_appending_still_works_after_a_refusal(event, cast):
    _blocked(event.delete)
    access_record(actor=cast.om, action=AccessAction.SEARCH)
    assert AccessEvent.objects.count() == 2


def test_a_person_with_access_events_cannot_be_deleted(event, cast):
    with pytest.raises(ProtectedError), transaction.atomic():
        cast.person.delete()
    assert Person.objects.filter(pk=cast.person.pk).exists()


def test_access_log_is_not_in_the_admin():
    assert not admin.site.is_registered(AccessEvent)
    assert not admin.site.is_registered(Person)
