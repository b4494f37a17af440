"""The caseload: the worker's people, what is due, most urgent first, in bounded queries."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.casework.models import AllocationTrigger, CarePlan, Task
from tandem.casework.services import co_worker_add, lead_allocate
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.forums.models import Action, AgendaItem, ItemKind, Meeting
from tandem.people.models import StatusEpisode

from ..factories import make_person
from ..personas import signed_in_client


def _person_with_work(cast, n: int):
    """A person in area A led by om, with an overdue task, a plan review and a forum action."""
    person = make_person(area=cast.area_a)
    lead_allocate(actor=None, person=person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    episode = StatusEpisode.objects.create(
        person=person, kind="sentenced", start_date=today() - dt.timedelta(days=30),
        expected_end_date=today() + dt.timedelta(weeks=20),
    )  # fmt: skip
    Task.objects.create(person=person, kind="k", title=f"Task {n}", source_episode=episode,
                        due_on=today() - dt.timedelta(days=n), owner=cast.om)  # fmt: skip
    CarePlan.objects.create(person=person, review_every_weeks=6,
                            next_review_on=today() + dt.timedelta(days=3))  # fmt: skip
    meeting = Meeting.objects.create(area=cast.area_a, starts_at=timezone.now(), place="Here")
    item = AgendaItem.objects.create(meeting=meeting, position=1, kind=ItemKind.values[0],
                                     person=person, title="Item")  # fmt: skip
    Action.objects.create(
        meeting=meeting, item=item, description="Police check", owner_agency=cast.om.agency,
        due_on=today() + dt.timedelta(days=5),
    )  # fmt: skip
    return person


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("casework:caseload")).status_code == 200
    return len(queries)


def test_caseload_order_and_bounded_queries(cast):
    client = signed_in_client(cast.om)
    _person_with_work(cast, 1)
    _person_with_work(cast, 5)
    _queries(client)  # the first request also sets up the session
    few = _queries(client)
    for n in range(2, 5):
        _person_with_work(cast, n)
    # The person with nothing due: led by om and in area A, no tasks.
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    assert _queries(client) == few
    page = client.get(reverse("casework:caseload")).content.decode()
    # Overdue oldest first: task 5 (five days overdue) before task 1; nothing due last.
    order = [page.index(f"Task {n}<") for n in (5, 4, 3, 2, 1)]
    assert order == sorted(order)
    assert page.index("Task 1<") < page.index(f"Tandem number {cast.person.pk} ")
    assert "Police check" in page and "Review due" in page
    event = (
        AccessEvent.objects.filter(action=AccessAction.VIEW_LIST, actor=cast.om)
        .order_by("-pk")
        .first()
    )
    assert event is not None and event.result_count == 6


def test_caseload_includes_co_working_and_past_release(cast):
    co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.om)
    episode = StatusEpisode.objects.create(
        person=cast.person, kind="sentenced", start_date=today() - dt.timedelta(days=60),
        end_date=today() - dt.timedelta(days=1), expected_end_date=today(),
    )  # fmt: skip
    Task.objects.create(person=cast.person, kind="k", title="Old task", source_episode=episode,
                        due_on=today() - dt.timedelta(days=20))  # fmt: skip
    page = signed_in_client(cast.om).get(reverse("casework:caseload")).content.decode()
    assert "Co-worker" in page and "Old task" in page and "Release past" in page


def test_coordinator_sees_a_workers_caseload(cast):
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    client = signed_in_client(cast.coordinator)
    url = reverse("casework:caseload")
    page = client.get(url, {"worker": cast.om.pk})
    assert page.status_code == 200 and f"Tandem number {cast.person.pk} " in page.content.decode()
    assert client.get(url, {"worker": cast.partner.pk}).status_code == 404  # no areas
    assert signed_in_client(cast.om).get(url, {"worker": cast.other_om.pk}).status_code == 200


def test_referral_clocks_and_partner_steps_show_on_the_caseload(cast):
    from tandem.casework.pathways import Pathway
    from tandem.referrals.models import PartnerService, Referral
    from tandem.referrals.services import progress_record, referral_create, referral_step

    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    service = PartnerService.objects.create(
        agency=cast.other_partner.agency, name="Housing options", contact="0100",
        pathways=[Pathway.ACCOMMODATION], offer="Tenancies",
    )  # fmt: skip
    service.areas.set([cast.area_a])
    referral = referral_create(actor=cast.om, person=cast.person, service=service,
                               pathway=Pathway.ACCOMMODATION, reason="Homeless")  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    # Sent three weeks ago and never acknowledged: overdue on the offender manager's list.
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - dt.timedelta(days=21))
    client = signed_in_client(cast.om)
    page = client.get(reverse("casework:caseload")).content.decode()
    assert "Housing options: acknowledgement" in page and "Overdue" in page
    assert "Nothing new" in page  # the partner has done nothing yet
    referral_step(actor=cast.other_partner, referral=referral, step="accept")
    progress_record(actor=cast.other_partner, referral=referral, note="Viewing on Friday")
    page = client.get(reverse("casework:caseload")).content.decode()
    assert "Housing options accepted" in page and "Housing options recorded progress" in page
    assert "Housing options: start of the work" in page  # the start clock now runs
    assert "Viewing on Friday" not in page  # the note itself stays on the referral
    # Back in custody: the start clock waits for release, so nothing is due on the caseload.
    from tandem.people.models import EpisodeKind
    from tandem.people.services import episode_add

    episode_add(actor=None, person=cast.person, kind=EpisodeKind.REMAND, start_date=today())
    page = client.get(reverse("casework:caseload")).content.decode()
    assert "Housing options: start of the work" not in page


def test_appointments_and_attendance_show_on_the_caseload(cast):
    from tandem.appointments.models import Appointment, Attendance

    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip

    def appointment(hours: float, **extra) -> Appointment:
        starts = timezone.now() + dt.timedelta(hours=hours)
        return Appointment.objects.create(
            person=cast.person, agency=extra.pop("agency", cast.om.agency), kind="supervision",
            place="Office", area=cast.area_a, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1), **extra,
        )  # fmt: skip

    held = appointment(-50)
    Attendance.objects.create(
        appointment=held, outcome="failed_to_attend", recorded_by=cast.om,
        recorded_agency=cast.om.agency, recorded_at=timezone.now(),
    )  # fmt: skip
    appointment(-26)  # held by the police yesterday, no outcome yet
    appointment(-30, agency=cast.partner.agency)  # another agency's: theirs to record
    appointment(48, enforceable=True)
    appointment(72)  # only the next one shows
    page = signed_in_client(cast.om).get(reverse("casework:caseload")).content.decode()
    assert page.count("Record the outcome: Test Police") == 1
    assert page.count("Next appointment") == 1 and "(a requirement)" in page
    assert "0%" in page and "0 attended, 1 missed" in page
    assert "Test Police: 0%" not in page  # one agency: the split would say nothing more
    # Attended at the drug service: the rate per agency shows beside the person's.
    drugs = appointment(-70, agency=cast.partner.agency)
    Attendance.objects.create(
        appointment=drugs, outcome="attended_complied", recorded_by=cast.partner,
        recorded_agency=cast.partner.agency, recorded_at=timezone.now(),
    )  # fmt: skip
    page = signed_in_client(cast.om).get(reverse("casework:caseload")).content.decode()
    assert "50%" in page and "Test Drug Service: 100%" in page and "Test Police: 0%" in page
