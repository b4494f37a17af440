"""The offender manager's caseload: their people (as lead or co-worker), each with status,
next key date, scheme and strand, and everything due or overdue, most urgent first.

A fixed number of queries however long the caseload: every read is one query for all the
people, grouped in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.urls import reverse

from tandem.appointments.selectors import AttendanceRate, attendance_rates, open_flags_for
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
# Partner agencies' steps on referrals show on the caseload for this many days.
RECENT_REFERRAL_DAYS = 14


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


@dataclass(frozen=True)
class ReferralUpdate:
    """A step a receiving agency took on a referral: "Housing options accepted"."""

    text: str
    at: dt.datetime
    link: str


@dataclass
class CaseloadRow:
    allocation: Allocation
    status: CurrentStatus
    membership: Membership | None
    items: list[DueItem] = field(default_factory=list)
    # What partner agencies did on this person's referrals lately, newest first.
    updates: list[ReferralUpdate] = field(default_factory=list)
    # Recorded appointment outcomes (tandem.appointments), None when there are none yet.
    attendance: AttendanceRate | None = None

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

    timers, updates = _referrals(viewer, ids, on)
    appointments = _appointments(worker, ids)
    rates = attendance_rates(ids)

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
        items += timers[pk] + appointments[pk]
        items.sort(key=lambda i: (i.past_release, i.due_on))
        rows.append(
            CaseloadRow(
                allocation, statuses[pk], current.get(pk), items, updates[pk][:3], rates.get(pk)
            )
        )
    far = dt.date.max
    rows.sort(key=lambda r: (r.urgent_on is None, r.urgent_on or far, r.person.pk))
    return rows


def _appointments(worker: User, ids: list[int]) -> dict[int, list[DueItem]]:
    """Each person's next appointment within APPOINTMENTS_CASELOAD_DAYS, by agency only (the
    diary shows the kind to those who may see it), and the worker's agency's past
    appointments still waiting for an outcome, overdue: one query."""
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from tandem.appointments.codes import AppointmentStatus
    from tandem.appointments.models import Appointment

    now = timezone.now()
    horizon = now + dt.timedelta(days=settings.APPOINTMENTS_CASELOAD_DAYS)
    found: dict[int, list[DueItem]] = defaultdict(list)
    coming: set[int] = set()
    for a in (
        Appointment.objects.filter(person_id__in=ids, status=AppointmentStatus.BOOKED)
        .filter(
            Q(starts_at__gte=now, starts_at__lte=horizon)
            | Q(starts_at__lt=now, agency_id=worker.agency_id, attendance__isnull=True)
        )
        .select_related("agency")
        .order_by("starts_at")
    ):
        day = timezone.localdate(a.starts_at)
        link = reverse("appointments:appointment", args=[a.pk])
        if a.starts_at < now:
            found[a.person_id].append(
                DueItem("Appointment", f"Record the outcome: {a.agency.name}", day, True, link)
            )
        elif a.person_id not in coming:
            coming.add(a.person_id)
            what = f"{a.agency.name}, {timezone.localtime(a.starts_at):%H:%M}"
            if a.enforceable:
                what += " (a requirement)"
            found[a.person_id].append(DueItem("Next appointment", what, day, False, link))
    # Enforcement decisions waiting on this worker after missed appointments.
    for flag in open_flags_for(worker).filter(person_id__in=ids):
        found[flag.person_id].append(
            DueItem(
                "Enforcement decision",
                flag.get_level_display(),
                flag.decide_by,
                flag.decision_overdue(timezone.localdate()),
                reverse("appointments:decide", args=[flag.pk]),
            )
        )
    return found


def _referrals(
    viewer: User, ids: list[int], on: dt.date
) -> tuple[dict[int, list[DueItem]], dict[int, list[ReferralUpdate]]]:
    """Referral clocks running (acknowledgement or start due) and the receiving agencies'
    recent steps, for referrals on pathways the viewer may read: three queries (one of them
    for the custody spells that hold start clocks)."""
    from tandem.core.access import protocol_levels
    from tandem.core.categories import Level
    from tandem.referrals.models import ProgressNote, Referral, ReferralEvent
    from tandem.referrals.timers import timers_for

    from ..pathways import PATHWAY_CATEGORY

    levels = protocol_levels(viewer)
    readable = [p for p, c in PATHWAY_CATEGORY.items() if levels.get(c) != Level.NONE]
    timers: dict[int, list[DueItem]] = defaultdict(list)
    waiting = list(
        Referral.objects.filter(
            person_id__in=ids, pathway__in=readable, state__in=["sent", "accepted"]
        ).select_related("service")
    )
    running = timers_for(waiting, on)
    for referral in waiting:
        timer = running[referral.pk]
        # A start clock waiting for release is not yet due: nothing to chase.
        if timer is not None and timer.due_on is not None:
            timers[referral.person_id].append(
                DueItem(
                    "Referral",
                    f"{referral.service.name}: "
                    + ("acknowledgement" if timer.kind == "acknowledge" else "start of the work"),
                    timer.due_on,
                    timer.overdue,
                    reverse("referrals:detail", args=[referral.pk]),
                )
            )
    since = on - dt.timedelta(days=RECENT_REFERRAL_DAYS)
    updates: dict[int, list[ReferralUpdate]] = defaultdict(list)
    events = (
        ReferralEvent.objects.filter(
            referral__person_id__in=ids,
            referral__pathway__in=readable,
            at__date__gte=since,
            actor__agency_id=F("referral__to_agency_id"),
        )
        .select_related("referral__service")
        .order_by("-at", "-id")
    )
    for event in events:
        referral = event.referral
        updates[referral.person_id].append(
            ReferralUpdate(
                f"{referral.service.name}: {event.label.lower()}"
                if event.kind == "outcome"
                else f"{referral.service.name} {event.label.lower()}",
                event.at,
                reverse("referrals:detail", args=[referral.pk]),
            )
        )
    notes = ProgressNote.objects.filter(
        referral__person_id__in=ids,
        referral__pathway__in=readable,
        written_on__gte=since,
        author__agency_id=F("referral__to_agency_id"),
    ).select_related("referral__service")
    for note in notes:
        referral = note.referral
        updates[referral.person_id].append(
            ReferralUpdate(
                f"{referral.service.name} recorded progress",
                note.created_at,
                reverse("referrals:detail", args=[referral.pk]),
            )
        )
    for found in updates.values():
        found.sort(key=lambda u: u.at, reverse=True)
    return timers, updates
