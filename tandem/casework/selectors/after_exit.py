"""Light-touch contact after exit: a forum may agree a post-exit contact plan for a set
period when a person leaves the cohort. Exit ends every allocation, so the plan is held by
the person's last lead offender manager: it shows on their caseload and on the person page
until the agreed date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tandem.core.access import people_for
from tandem.core.models import User
from tandem.forums.models import Decision, Outcome
from tandem.people.models import Person

from ..models import Allocation, AllocationRole


@dataclass(frozen=True)
class AfterExit:
    """A post-exit contact plan in force: what was agreed, until when, and who holds it."""

    decision: Decision
    last_lead: Allocation | None

    @property
    def person(self) -> Person:
        person = self.decision.item.person
        assert person is not None  # exit decisions are always about a person
        return person

    @property
    def contact(self) -> str:
        return self.decision.post_exit_contact

    @property
    def until(self) -> dt.date:
        assert self.decision.post_exit_until is not None
        return self.decision.post_exit_until

    @property
    def decided_on(self) -> dt.date:
        meeting = self.decision.item.meeting
        return meeting.held_on or meeting.day


def _plans_in_force(on: dt.date) -> dict[int, Decision]:
    """The latest exit decision with a contact plan still running, per person."""
    decisions = (
        Decision.objects.filter(outcome=Outcome.EXIT, post_exit_until__gte=on)
        .exclude(post_exit_contact="")
        .select_related("item__person", "item__meeting")
        .order_by("item__person_id", "-decided_at", "-id")
    )
    return {d.item.person_id: d for d in decisions if d.item.person_id is not None}


def _last_leads(person_ids: set[int]) -> dict[int, Allocation]:
    last: dict[int, Allocation] = {}
    for spell in Allocation.objects.filter(
        person_id__in=person_ids, role=AllocationRole.LEAD
    ).select_related("worker", "agency"):  # newest first (the model's ordering)
        last.setdefault(spell.person_id, spell)
    return last


def after_exit_for(viewer: User, worker: User, on: dt.date) -> list[AfterExit]:
    """Contact plans the worker holds as the person's last lead, among the people the
    viewer may open, ending soonest first: three queries however many. A person back in
    the cohort (an open lead again) is on the caseload proper instead."""
    plans = _plans_in_force(on)
    if not plans:
        return []
    allowed = set(people_for(viewer).filter(pk__in=plans).values_list("pk", flat=True))
    leads = _last_leads(allowed)
    rows = [
        AfterExit(plans[pk], lead)
        for pk, lead in leads.items()
        if lead.worker_id == worker.pk and lead.end_date is not None
    ]
    return sorted(rows, key=lambda row: (row.until, row.person.pk))


def after_exit_of(person: Person, on: dt.date) -> AfterExit | None:
    """The person's post-exit contact plan in force, if any, and who holds it."""
    decision = (
        Decision.objects.filter(outcome=Outcome.EXIT, post_exit_until__gte=on, item__person=person)
        .exclude(post_exit_contact="")
        .select_related("item__person", "item__meeting")
        .order_by("-decided_at", "-id")
        .first()
    )
    if decision is None:
        return None
    lead = _last_leads({person.pk}).get(person.pk)
    if lead is not None and lead.end_date is None:
        return None  # back in the cohort with a lead: the plan no longer applies
    return AfterExit(decision, lead)
