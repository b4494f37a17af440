"""Mentoring: pairing, one open pairing, meetings, ending, notices and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.casework import services
from tandem.casework.models import MentoringMeeting, MentoringPairing, MentorKind
from tandem.core.access import today
from tandem.core.models import AgencyKind, Notice, Role

from ..factories import AgencyFactory, UserFactory
from ..personas import signed_in_client


@pytest.fixture
def mentor(cast):
    charity = AgencyFactory(
        name="Test Mentoring",
        kind=AgencyKind.MENTORING,
        statutory=False,
        contact="Peer mentors for adults with learning difficulties",
    )
    return UserFactory(username="mentor", agency=charity, role=Role.PARTNER_WORKER)


def _url(cast):
    return reverse("casework:mentoring", args=[cast.person.pk])


def _pair(cast, mentor, actor=None):
    return services.mentoring_pair(actor=actor or cast.om, person=cast.person, mentor=mentor,
                                   start_date=today() - dt.timedelta(days=7))  # fmt: skip


def test_pairing_with_a_volunteer_tells_them_and_lets_their_charity_open_the_record(cast, mentor):
    pairing = _pair(cast, mentor)
    assert pairing.kind == MentorKind.VOLUNTEER
    assert pairing.specialism == "Peer mentors for adults with learning difficulties"
    notice = Notice.objects.get(recipient=mentor)
    assert f"Tandem number {cast.person.pk}" in notice.subject
    assert cast.person.first_name not in notice.subject + notice.body
    html = signed_in_client(mentor).get(_url(cast)).content.decode()
    assert "Log a meeting" in html and "End the pairing" in html


def test_an_offender_manager_in_the_area_may_mentor(cast):
    assert _pair(cast, cast.om, actor=cast.coordinator).kind == MentorKind.OFFENDER_MANAGER


def test_only_offender_managers_in_the_area_or_charity_workers_may_mentor(cast):
    for user in (cast.other_om, cast.partner, cast.viewer):
        with pytest.raises(ValidationError):
            _pair(cast, user)
    assert MentoringPairing.objects.count() == 0


def test_one_open_pairing_per_person(cast, mentor):
    first = _pair(cast, mentor)
    with pytest.raises(ValidationError):
        _pair(cast, cast.om)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentoringPairing.objects.create(person=cast.person, mentor=cast.om,
                                        mentor_agency=cast.om.agency, kind="offender_manager",
                                        start_date=today())  # fmt: skip
    services.mentoring_end(actor=cast.om, pairing=first, end_date=today(), reason="Moved away")
    assert _pair(cast, cast.om).end_date is None


def test_who_may_pair(cast, mentor):
    for actor in (cast.viewer, cast.partner, mentor):
        with pytest.raises(PermissionDenied):
            _pair(cast, mentor, actor=actor)
    with pytest.raises(PermissionDenied):
        _pair(cast, mentor, actor=cast.other_om)  # out of area


def test_meetings_are_logged_by_the_mentor_or_an_offender_manager(cast, mentor):
    pairing = _pair(cast, mentor)
    for actor in (mentor, cast.om):
        services.mentoring_meeting_log(actor=actor, pairing=pairing, date=today(),
                                       place="Library", attended=True)  # fmt: skip
    for actor in (cast.coordinator, cast.viewer, cast.other_om):
        with pytest.raises(PermissionDenied):
            services.mentoring_meeting_log(actor=actor, pairing=pairing, date=today(),
                                           place="Library", attended=True)  # fmt: skip
    with pytest.raises(ValidationError):
        services.mentoring_meeting_log(actor=mentor, pairing=pairing,
                                       date=pairing.start_date - dt.timedelta(days=1),
                                       place="Library", attended=True)  # fmt: skip
    assert MentoringMeeting.objects.count() == 2


def test_ending_needs_a_reason_and_tells_the_mentor(cast, mentor):
    pairing = _pair(cast, mentor)
    with pytest.raises(ValidationError):
        services.mentoring_end(actor=cast.om, pairing=pairing, end_date=today(), reason=" ")
    with pytest.raises(PermissionDenied):
        services.mentoring_end(actor=cast.viewer, pairing=pairing, end_date=today(), reason="x")
    services.mentoring_end(actor=mentor, pairing=pairing, end_date=today(), reason="Completed")
    assert Notice.objects.filter(recipient=mentor, subject__startswith="Mentoring ended").exists()
    with pytest.raises(PermissionDenied):
        services.mentoring_meeting_log(actor=mentor, pairing=pairing, date=today(),
                                       place="Cafe", attended=True)  # fmt: skip


def test_the_page_pairs_logs_and_ends_and_bad_input_changes_nothing(cast, mentor):
    client = signed_in_client(cast.om)
    assert client.post(_url(cast), {"action": "pair"}).status_code == 400
    assert MentoringPairing.objects.count() == 0
    day = today().strftime("%d/%m/%Y")
    response = client.post(_url(cast), {"action": "pair", "mentor": mentor.pk, "start_date": day})
    assert response.status_code == 302
    assert client.post(_url(cast), {"action": "meeting"}).status_code == 400
    assert client.post(_url(cast), {"action": "meeting", "date": day, "place": "Office",
                                    "attended": "on"}).status_code == 302  # fmt: skip
    assert client.post(_url(cast), {"action": "end", "end_date": day}).status_code == 400
    assert MentoringPairing.objects.get().end_date is None
    assert client.post(_url(cast), {"action": "end", "end_date": day,
                                    "end_reason": "Done"}).status_code == 302  # fmt: skip
    pairing = MentoringPairing.objects.get()
    assert pairing.end_reason == "Done" and pairing.meetings.count() == 1
    html = client.get(_url(cast)).content.decode()
    assert "Earlier pairings" in html and "Office" in html


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("om", 200), ("other_om", 404), ("custody", 403), ("analyst", 403), ("admin", 403),
     ("partner", 200), ("other_partner", 404), ("viewer", 200), ("coordinator", 200),
     ("auditor", 200)],
)  # fmt: skip
def test_who_opens_the_mentoring_page(cast, persona, expected):
    response = signed_in_client(cast.personas()[persona]).get(_url(cast))
    assert response.status_code == expected
    if persona in {"partner", "auditor"}:  # the protocol gives them no attitudes data
        assert "Withheld" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("om", 400), ("other_om", 404), ("custody", 403), ("partner", 403), ("viewer", 403),
     ("coordinator", 400), ("auditor", 403)],
)  # fmt: skip
def test_who_gets_as_far_as_validation_when_pairing(cast, persona, expected):
    client = signed_in_client(cast.personas()[persona])
    assert client.post(_url(cast), {"action": "pair"}).status_code == expected
    assert MentoringPairing.objects.count() == 0
