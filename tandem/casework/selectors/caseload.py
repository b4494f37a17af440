"""The offender manager's caseload: their people (as lead or co-worker), each with status,
next key date, scheme and strand, and everything due or overdue, most urgent first.

A fixed number of queries however long the caseload: every read is one query for all the
people, grouped in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from tandem.cohort.models import Membership
from tandem.core.access import people_for
from tandem.core.models import User
from tandem.forums.models import Action, ActionStatus
from tandem.people.models import Person, StatusEpisode
from tandem.people.status import CurrentStatus

from ..due import DUE, OVERDUE, assessment_due
from ..models import Allocation, Assessment, CarePlan, Task, TaskStatus

# A care plan review shows on the caseload from this many days before it is due.
REVIEW_DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class DueItem:
    """One thing due for a person: what, by when, and where to act on it."""

    kind: str
    text: str
    due_on: dt.date
    overdue: bool
    link: str = ""
    # A pre-release task whose release no longer applies (the custody episode ended).
    past_release: bool = False


@dataclass
class CaseloadRow:
    allocation: Allocation
    status: CurrentStatus
    membership: Membership | None
    items: list[DueItem] = field(default_factory=list)

    @property
    def person(self) -> Person:
        return self.allocation.person

    @property
    def urgent_on(self) -> dt.date | None:
        dated = [i.due_on for i in self.items if not i.past_release]
        return min(dated, default=None)

    @property
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.overdue)


def forum_actions_about(agency_id: int | None, person_ids: list[int]) -> QuerySet[Action]:
    """Open forum actions the agency owns about these people (forums is read, not changed)."""
    return Action.objects.filter(
        status=ActionStatus.OPEN, owner_agency_id=agency_id, item__person_id__in=person_ids
    ).select_related("item", "meeting")


def caseload_for(viewer: User, worker: User, on: dt.date) -> list[CaseloadRow]:
    """The worker's open allocations among the people the viewer may open, most urgent
    first: overdue (oldest first), then due soonest, then people with nothing due."""
    from tandem.cohort.selectors import members_on  # cohort imports casework
    from tandem.people.selectors import statuses_for  # people.transfers imports casework

    allocations = list(
        Allocation.objects.filter(
            worker=worker, end_date__isnull=True, person__in=people_for(viewer)
        ).select_related("person")
    )
    ids = [a.person_id for a in allocations]
    statuses = statuses_for(ids, on)
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(person_id__in=ids).select_related("scheme"):
        memberships[m.person_id].append(m)
    current = {
        m.person_id: m for m in members_on(on).filter(person_id__in=ids).select_related("scheme")
    }
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for e in StatusEpisode.objects.filter(person_id__in=ids):
        episodes[e.person_id].append(e)
    latest: dict[int, Assessment] = {}
    for a in Assessment.objects.filter(person_id__in=ids).order_by("person_id", "-assessed_on"):
        latest.setdefault(a.person_id, a)
    plans = {p.person_id: p for p in CarePlan.objects.filter(person_id__in=ids)}
    tasks: dict[int, list[Task]] = defaultdict(list)
    for t in Task.objects.filter(person_id__in=ids, status=TaskStatus.OPEN).select_related(
        "source_episode", "owner"
    ):
        tasks[t.person_id].append(t)
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in forum_actions_about(worker.agency_id, ids):
        if action.item is not None and action.item.person_id is not None:
            actions[action.item.person_id].append(action)

    rows = []
    for allocation in allocations:
        pk = allocation.person_id
        items: list[DueItem] = []
        due = assessment_due(
            on, memberships=memberships[pk], episodes=episodes[pk], latest=latest.get(pk)
        )
        if due.state in (DUE, OVERDUE) and due.due_by is not None:
            items.append(
                DueItem(
                    "Assessment",
                    due.label,
                    due.due_by,
                    due.overdue,
                    reverse("casework:assessments", args=[pk]),
                )
            )
        plan = plans.get(pk)
        if plan is not None and plan.next_review_on <= on + dt.timedelta(days=REVIEW_DUE_SOON_DAYS):
            overdue = plan.next_review_on < on
            items.append(
                DueItem(
                    "Care plan review",
                    "Review overdue" if overdue else "Review due",
                    plan.next_review_on,
                    overdue,
                    reverse("casework:plan", args=[pk]),
                )
            )
        for task in tasks[pk]:
            past = task.source_episode is not None and task.source_episode.end_date is not None
            items.append(
                DueItem(
                    "Task",
                    task.title,
                    task.due_on,
                    task.due_on < on and not past,
                    reverse("casework:task", args=[task.pk]),
                    past_release=past,
                )
            )
        for action in actions[pk]:
            items.append(
                DueItem("Forum action", action.description, action.due_on, action.due_on < on)
            )
        items.sort(key=lambda i: (i.past_release, i.due_on))
        rows.append(CaseloadRow(allocation, statuses[pk], current.get(pk), items))
    far = dt.date.max
    rows.sort(key=lambda r: (r.urgent_on is None, r.urgent_on or far, r.person.pk))
    return rows
