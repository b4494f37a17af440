"""After exit: a post-exit contact plan agreed at a forum stays with the last lead offender
manager (on their caseload and the person page) until its date; open tasks show on the
person page for the roles that work them."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tandem.casework.models import AllocationTrigger
from tandem.casework.selectors import after_exit_for, after_exit_of
from tandem.casework.services import lead_allocate, task_create
from tandem.cohort.models import EndReason
from tandem.core.access import today
from tandem.core.models import Agency
from tandem.forums import services as forums
from tandem.forums.models import ItemKind, Meeting, Outcome

from ..cohort.test_membership import adopt
from ..personas import signed_in_client

PLAN = "A monthly phone call to check on the tenancy"


def _exit_with_plan(cast, until_days: int = 90):
    adopt(cast, start_date=today() - dt.timedelta(days=200))
    lead_allocate(actor=None, person=cast.person, worker=cast.om,
                  start_date=today() - dt.timedelta(days=200),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    for agency in Agency.objects.all():
        agency.areas.add(cast.area_a, cast.area_b)
    starts = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(area=cast.area_a, starts_at=starts, place="Room 1")
    forums.invite_agencies(meeting)
    forums.agenda_build(actor=cast.coordinator, meeting=meeting)
    return forums.decision_record(
        actor=cast.coordinator, item=meeting.items.get(kind=ItemKind.REVIEW),
        outcome=Outcome.EXIT, rationale="Progress", end_reason=EndReason.EXIT_CRITERIA_MET,
        post_exit_contact=PLAN, post_exit_until=today() + dt.timedelta(days=until_days),
    )  # fmt: skip


def test_the_last_lead_holds_the_contact_plan_on_their_caseload_until_it_ends(cast):
    _exit_with_plan(cast)
    [row] = after_exit_for(cast.om, cast.om, today())
    assert row.person == cast.person and row.contact == PLAN
    assert row.last_lead is not None and row.last_lead.end_date is not None
    assert after_exit_for(cast.other_om, cast.other_om, today()) == []
    # The coordinator looking at the offender manager's caseload sees it too.
    assert len(after_exit_for(cast.coordinator, cast.om, today())) == 1
    page = signed_in_client(cast.om).get(reverse("casework:caseload")).content.decode()
    assert "Contact after exit" in page and escape(PLAN) in page
    assert escape(cast.person.full_name) in page
    assert after_exit_for(cast.om, cast.om, today() + dt.timedelta(days=91)) == []


def test_the_person_page_says_what_contact_was_agreed_and_who_holds_it(cast):
    _exit_with_plan(cast, until_days=30)
    page = signed_in_client(cast.viewer).get(reverse("people:detail", args=[cast.person.pk]))
    text = page.content.decode()
    assert "Contact after exit" in text and escape(PLAN) in text
    assert escape(cast.om.get_full_name()) in text and "the last lead offender manager" in text
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        assert after_exit_of(cast.person, today()) is None


def test_a_person_back_in_the_cohort_is_no_longer_under_the_exit_plan(cast):
    _exit_with_plan(cast)
    adopt(cast, start_date=today())
    lead_allocate(actor=None, person=cast.person, worker=cast.other_om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    assert after_exit_of(cast.person, today()) is None
    assert after_exit_for(cast.om, cast.om, today()) == []


def test_open_tasks_show_on_the_person_page_to_those_who_work_them(cast):
    task = task_create(actor=None, person_id=cast.person.pk, kind="re_engagement",
                       title="Re-engage after a missed appointment",
                       due_on=today() - dt.timedelta(days=1), owner=cast.om)  # fmt: skip
    url = reverse("people:detail", args=[cast.person.pk])
    text = signed_in_client(cast.om).get(url).content.decode()
    assert "Open tasks" in text and reverse("casework:task", args=[task.pk]) in text
    assert "Overdue" in text and "Re-engage after a missed appointment" in text
    partner_page = signed_in_client(cast.partner).get(url).content.decode()
    assert "Open tasks" not in partner_page
    assert reverse("casework:task", args=[task.pk]) not in partner_page
