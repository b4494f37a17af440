"""The diary as each reader may see it, the printable diary, and the engagement reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tandem.appointments.codes import AppointmentKind, Outcome
from tandem.appointments.selectors import (
    appointment_row_for,
    attendance_rates,
    attendance_rates_by_agency,
    diary_for,
    enforcement_for,
    not_engaging,
    open_flags_for,
    printable_diary,
)
from tandem.appointments.services import appointment_cancel, appointment_join, outcome_record
from tandem.core.categories import Category
from tandem.core.models import User
from tandem.people.models import Consent

from ..factories import make_person
from .conftest import MONDAY, at, book

WEEK = (at(0, "00:00"), at(7, "00:00"))
DRUGS = AppointmentKind.DRUG_TREATMENT


def _titles(user, person):
    return {r.title: r for r in diary_for(user, person, *WEEK)}


def test_a_drug_appointment_shows_only_as_appointment_to_agencies_without_the_category(
    cast, housing_worker
):
    book(cast.partner, cast.person, kind=DRUGS, worker=cast.partner, details="Bring your script")
    book(housing_worker, cast.person, days=2, kind=AppointmentKind.HOUSING)
    seen = _titles(housing_worker, cast.person)
    masked = seen["Appointment — Test Drug Service"]
    assert not masked.detailed
    assert (masked.kind, masked.place, masked.worker_name, masked.details) == (None,) * 4
    assert masked.area_name == "Area A" and masked.starts_at == at(1, "10:00")
    assert seen["Housing"].detailed
    # Police and probation read substance misuse; so does the partnership coordinator.
    for reader in (cast.om, cast.coordinator):
        assert _titles(reader, cast.person)["Drug treatment"].details == "Bring your script"


def test_own_agency_always_sees_detail_and_others_need_consent(cast):
    own = book(cast.partner, cast.person, kind=DRUGS)
    test = book(cast.om, cast.person, days=2, kind=AppointmentKind.DRUG_TEST)
    # No consent recorded: the drug service sees its own appointment, not the police drug test.
    seen = _titles(cast.partner, cast.person)
    assert seen["Drug treatment"].appointment_id == own.pk
    assert seen["Appointment — Test Police"].appointment_id == test.pk
    Consent.objects.create(person=cast.person, category=Category.SUBSTANCE_MISUSE, given_on=MONDAY)
    partner = User.objects.get(pk=cast.partner.pk)
    assert "Drug test" in _titles(partner, cast.person)


def test_joining_agencies_see_the_detail(cast, housing_worker):
    meeting = book(cast.partner, cast.person, kind=DRUGS)
    assert not appointment_row_for(housing_worker, meeting.pk).detailed
    appointment_join(
        actor=cast.partner, appointment=meeting, agency=housing_worker.agency,
        worker=housing_worker,
    )  # fmt: skip
    row = appointment_row_for(housing_worker, meeting.pk)
    assert row.detailed and row.joint
    assert row.participants == (f"{housing_worker.display_name} (Test Housing)",)


def test_auditors_see_only_when_and_with_whom(cast):
    book(cast.om, cast.person)
    (row,) = diary_for(cast.auditor, cast.person, *WEEK)
    assert row.title == "Appointment — Test Police" and row.place is None


@pytest.mark.parametrize("persona", ["other_om", "other_partner", "custody", "analyst"])
def test_out_of_scope_is_404(cast, persona):
    meeting = book(cast.om, cast.person)
    with pytest.raises(Http404):
        diary_for(getattr(cast, persona), cast.person, *WEEK)
    with pytest.raises(Http404):
        appointment_row_for(getattr(cast, persona), meeting.pk)
    with pytest.raises(Http404):
        printable_diary(getattr(cast, persona), cast.person)


def _count(user_pk: int, person) -> int:
    user = User.objects.get(pk=user_pk)  # a fresh user: no protocol cached on it
    with CaptureQueriesContext(connection) as queries:
        rows = diary_for(user, person, at(0, "00:00"), at(28, "00:00"))
    assert rows
    return len(queries)


def test_diary_queries_are_bounded(cast, clock, housing_worker):
    book(cast.om, cast.person, worker=cast.om)
    few = _count(housing_worker.pk, cast.person)
    for day in range(7, 21):
        meeting = book(cast.partner, cast.person, days=day, kind=DRUGS, worker=cast.partner,
                       confirm=True)  # fmt: skip
        appointment_join(actor=cast.om, appointment=meeting, agency=cast.om.agency, worker=cast.om)
    clock.move_to(at(10, "12:00"))
    # The drug service held it (the police only joined), so the drug service records it.
    outcome_record(actor=cast.partner, appointment=meeting_on(cast, 7),
                   outcome=Outcome.FAILED_TO_ATTEND)  # fmt: skip
    assert _count(housing_worker.pk, cast.person) == few
    assert _count(cast.om.pk, cast.person) <= few


def meeting_on(cast, day: int):
    return cast.person.appointments.get(starts_at=at(day, "10:00"))


def test_printable_diary_next_four_weeks_in_plain_language(cast, housing_worker):
    police = cast.om.agency
    police.contact = "0121 496 0000"
    police.save()
    cast.om.phone = "07700 900123"
    cast.om.save()
    drugs = cast.partner.agency
    drugs.contact = "0121 496 0999"
    drugs.save()
    book(cast.om, cast.person, worker=cast.om, enforceable=True)
    book(cast.om, cast.person, days=27, start="09:00", end="09:30")  # no worker: agency number
    book(cast.om, cast.person, days=28)  # a day too far
    cancelled = book(cast.om, cast.person, days=3)
    appointment_cancel(actor=cast.om, appointment=cancelled, reason="Bank holiday")
    book(cast.partner, cast.person, days=2, kind=DRUGS)
    diary = printable_diary(cast.om, cast.person)
    assert diary.period == "Monday 2 March 2026 to Sunday 29 March 2026"
    assert [d.label for d in diary.days] == [
        "Tuesday 3 March 2026",
        "Wednesday 4 March 2026",
        "Sunday 29 March 2026",
    ]
    first = diary.days[0].entries[0]
    assert first.what == "Meeting with your offender manager" and first.must_attend
    assert first.call == "07700 900123" and first.time == "10:00 to 11:00"
    assert first.where.startswith("Probation office") and "Test Police" in first.with_whom
    assert diary.days[2].entries[0].call == "0121 496 0000"
    assert diary.days[1].entries[0].what == "Drug service appointment"
    # Printed by a housing worker, the drug service appointment says only whose it is.
    entry = printable_diary(housing_worker, cast.person).days[1].entries[0]
    assert entry.what == "Appointment with Test Drug Service"
    assert entry.call == "0121 496 0999" and "will tell you where" in entry.where


def _outcomes(cast, clock, outcomes, *, person=None, actor=None, enforceable=False):
    """Book one appointment a day from tomorrow and record each outcome after them all."""
    person = person or cast.person
    actor = actor or cast.om
    clock.move_to(at(0, "08:00"))
    meetings = [
        book(actor, person, days=1 + n, enforceable=enforceable, confirm=True)
        for n in range(len(outcomes))
    ]
    clock.move_to(at(len(outcomes) + 1, "08:00"))
    for meeting, (outcome, reason) in zip(meetings, outcomes, strict=True):
        outcome_record(actor=actor, appointment=meeting, outcome=outcome, absence_reason=reason)
    return meetings


def test_attendance_rates_per_person_and_agency(cast, clock):
    _outcomes(cast, clock, [
        (Outcome.ATTENDED_COMPLIED, ""), (Outcome.SENT_HOME_BEHAVIOUR, ""),
        (Outcome.FAILED_TO_ATTEND, ""), (Outcome.ACCEPTABLE_ABSENCE, "medical"),
    ])  # fmt: skip
    rates = attendance_rates([cast.person.pk, cast.person_b.pk])
    rate = rates[cast.person.pk]
    assert (rate.attended, rate.complied, rate.missed, rate.acceptable) == (2, 1, 1, 1)
    assert rate.percent == "67%" and cast.person_b.pk not in rates
    by_agency = attendance_rates_by_agency()
    assert by_agency[cast.om.agency_id].expected == 3
    assert attendance_rates_by_agency([cast.partner.agency_id]) == {}


def test_not_engaging_for_the_forum(cast, clock, lead):
    _outcomes(cast, clock, [(Outcome.FAILED_TO_ATTEND, ""), (Outcome.UNACCEPTABLE_ABSENCE, "")])
    flagged = make_person(area=cast.area_a)
    _outcomes(cast, clock, [(Outcome.FAILED_TO_ATTEND, "")], person=flagged, enforceable=True)
    once = make_person(area=cast.area_a)
    _outcomes(cast, clock, [(Outcome.FAILED_TO_ATTEND, "")], person=once)
    on = at(5, "00:00").date()
    rows = not_engaging(cast.area_a, on)
    assert [(r.person_id, r.missed, r.open_flags) for r in rows] == [
        (cast.person.pk, 2, ()),
        (flagged.pk, 1, ("warning",)),
    ]
    assert rows[0].last_missed_on == at(2, "00:00").date()
    assert not_engaging(cast.area_b, on) == []
    # Eight weeks on, the misses have aged out; the open flag has not.
    later = not_engaging(cast.area_a, on + dt.timedelta(weeks=9))
    assert [r.person_id for r in later] == [flagged.pk]


def test_open_flags_and_the_enforcement_record(cast, clock, lead):
    _outcomes(cast, clock, [(Outcome.FAILED_TO_ATTEND, "")], enforceable=True)
    unled = make_person(area=cast.area_a)
    _outcomes(cast, clock, [(Outcome.FAILED_TO_ATTEND, "")], person=unled, enforceable=True)
    assert [f.person_id for f in open_flags_for(lead)] == [cast.person.pk]
    assert [f.person_id for f in open_flags_for(cast.coordinator)] == [unled.pk]
    assert not open_flags_for(cast.partner).exists()
    record = enforcement_for(cast.om, cast.person)
    assert len(record.open_flags) == 1 and record.good_progress == []
    with pytest.raises(Http404):
        enforcement_for(cast.other_om, cast.person)
