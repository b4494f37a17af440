"""Tasks: generated ahead of a release from sentenced custody, then done or cancelled.

`tasks_generate_for_release` is idempotent per (episode, kind): run daily, it creates the
tasks the timeline calls for once, re-dates open ones when the expected release moves, and
leaves the tasks of an ended episode alone (the caseload marks them past).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core.access import today
from tandem.core.models import Role, User
from tandem.people.models import EpisodeKind, StatusEpisode

from ..models import Allocation, AllocationRole, Task, TaskStatus


def pre_release_timeline() -> list[tuple[int, str, str]]:
    return [(int(w), str(k), str(t)) for w, k, t in settings.CASEWORK_PRE_RELEASE_TIMELINE]


def longest_lead_time() -> dt.timedelta:
    return dt.timedelta(weeks=max((w for w, _, _ in pre_release_timeline()), default=0))


@dataclass(frozen=True)
class Generated:
    created: int = 0
    redated: int = 0


@transaction.atomic
def tasks_generate_for_release(episode: StatusEpisode) -> Generated:
    """Create the timeline's tasks for an open sentenced episode with an expected release,
    owned by the person's lead offender manager; re-date open ones if the release moved."""
    if (
        episode.kind != EpisodeKind.SENTENCED
        or episode.expected_end_date is None
        or episode.end_date is not None
    ):
        return Generated()
    release = episode.expected_end_date
    existing = {t.kind: t for t in Task.objects.select_for_update().filter(source_episode=episode)}
    lead = (
        Allocation.objects.filter(
            person_id=episode.person_id, role=AllocationRole.LEAD, end_date__isnull=True
        )
        .select_related("worker")
        .first()
    )
    created, redated = [], 0
    for weeks, kind, title in pre_release_timeline():
        due_on = release - dt.timedelta(weeks=weeks)
        task = existing.get(kind)
        if task is None:
            created.append(
                Task(
                    person_id=episode.person_id,
                    kind=kind,
                    title=title,
                    due_on=due_on,
                    owner=lead.worker if lead else None,
                    owner_agency_id=lead.agency_id if lead else None,
                    source_episode=episode,
                )
            )
        elif task.status == TaskStatus.OPEN and task.due_on != due_on:
            task.due_on = due_on
            task._history_user = None  # type: ignore[attr-defined]
            task.save(update_fields=["due_on"])
            redated += 1
    for task in created:
        task._history_user = None  # type: ignore[attr-defined]
        task.save()
    return Generated(created=len(created), redated=redated)


def pre_release_tasks_run(on: dt.date | None = None) -> Generated:
    """Generate for every open sentenced episode of a current cohort member released within
    the longest lead time, and re-date the open tasks of any episode whose release moved."""
    on = on or today()
    from tandem.cohort.selectors import members_on  # cohort imports casework

    members = members_on(on).values("person_id")
    in_window = StatusEpisode.objects.filter(
        kind=EpisodeKind.SENTENCED,
        end_date__isnull=True,
        expected_end_date__gte=on,
        expected_end_date__lte=on + longest_lead_time(),
        person_id__in=members,
    )
    with_open_tasks = StatusEpisode.objects.filter(
        end_date__isnull=True,
        pk__in=Task.objects.filter(status=TaskStatus.OPEN).values("source_episode_id"),
    )
    created = redated = 0
    for episode in (in_window | with_open_tasks).distinct().order_by("pk"):
        result = tasks_generate_for_release(episode)
        created += result.created
        redated += result.redated
    return Generated(created=created, redated=redated)


def task_create(
    *,
    actor: User | None,
    person_id: int,
    kind: str,
    title: str,
    due_on: dt.date,
    owner: User | None,
) -> Task:
    """A task on a person's case for other capabilities (a re-engagement after a missed
    appointment, say), owned by a worker and their agency; it shows on their caseload
    until done or cancelled, and the owner is told."""
    from django.urls import reverse

    from tandem.core.notices import notice_send

    task = Task(
        person_id=person_id,
        kind=kind,
        title=title[:200],
        due_on=due_on,
        owner=owner,
        owner_agency_id=owner.agency_id if owner is not None else None,
    )
    task._history_user = actor  # type: ignore[attr-defined]
    task.save()
    if owner is not None and owner != actor:
        notice_send(
            recipients=[owner],
            subject=f"New task for Tandem number {person_id}: {title}"[:200],
            link=reverse("casework:task", args=[task.pk]),
        )
    return task


def may_close(actor: User, task: Task) -> bool:
    """The task's owner, the person's lead offender manager or the coordinator."""
    if actor.role == Role.COORDINATOR or (task.owner_id is not None and task.owner_id == actor.pk):
        return True
    return Allocation.objects.filter(
        person_id=task.person_id, worker=actor, role=AllocationRole.LEAD, end_date__isnull=True
    ).exists()


def _close(actor: User, task: Task, status: str, reason: str = "") -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not may_close(actor, task):
        raise PermissionDenied
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"status": "This task is already closed"})
    return _closed(actor, task, status, reason)


def _closed(actor: User | None, task: Task, status: str, reason: str) -> Task:
    task.status = status
    task.done_at = timezone.now()
    task.closed_by = actor
    task.cancel_reason = reason[:500]
    task._history_user = actor  # type: ignore[attr-defined]
    task.save()
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    return _close(actor, task, TaskStatus.DONE)


@transaction.atomic
def task_cancel(*, actor: User, task: Task, reason: str) -> Task:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the task is cancelled"})
    return _close(actor, task, TaskStatus.CANCELLED, reason.strip()[:500])


# The pre-release task a referral on each pathway answers (the timeline's kinds).
TASK_FOR_REFERRAL = {
    "accommodation": "housing_referral",
    "drugs_alcohol": "drug_treatment_continuity",
    "ete": "ete_referral",
}


@transaction.atomic
def tasks_done_by_referral(*, actor: User, person_id: int, pathway: str) -> int:
    """Sending a referral on a pathway does the open pre-release task that asked for it
    ("Make the housing referral"); how many were marked done."""
    kind = TASK_FOR_REFERRAL.get(pathway)
    if kind is None:
        return 0
    tasks = Task.objects.select_for_update().filter(
        person_id=person_id, kind=kind, status=TaskStatus.OPEN
    )
    for task in tasks:
        _closed(actor, task, TaskStatus.DONE, "")
    return len(tasks)


@transaction.atomic
def tasks_lapse(*, actor: User | None, person_id: int, reason: str) -> int:
    """Cancel every open task on a person's case with the reason, as when they leave the
    cohort and nobody's caseload holds them any more; how many."""
    tasks = Task.objects.select_for_update().filter(person_id=person_id, status=TaskStatus.OPEN)
    for task in tasks:
        _closed(actor, task, TaskStatus.CANCELLED, reason)
    return len(tasks)
