"""Writes to allocations: leads change hands only by ending one spell and starting the next."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.core.access import today
from tandem.core.models import Role, User
from tandem.people.models import Person

from ..models import Allocation, AllocationRole, AllocationTrigger
from .tasks import tasks_lapse

LEAD_AGENCY_KINDS = {"police", "probation", "prison"}


@transaction.atomic
def lead_allocate(
    *,
    actor: User | None,
    person: Person,
    worker: User,
    start_date: dt.date,
    trigger: str,
    note: str = "",
) -> Allocation:
    """Make `worker` the person's lead offender manager from `start_date`.

    Any current lead's spell ends the same day with the same trigger: a handover, never a
    gap and never two leads.
    """
    errors: dict[str, str] = {}
    if worker.role != Role.OFFENDER_MANAGER or worker.agency_kind not in LEAD_AGENCY_KINDS:
        errors["worker"] = "The lead must be a police, probation or prison offender manager"
    if trigger not in AllocationTrigger.values:
        errors["trigger"] = "Say what prompted the allocation"
    if start_date > today():
        errors["start_date"] = "An allocation cannot start in the future"
    current = (
        Allocation.objects.select_for_update()
        .filter(person=person, role=AllocationRole.LEAD, end_date__isnull=True)
        .first()
    )
    if current is not None and current.worker_id == worker.pk:
        errors["worker"] = "This offender manager is already the lead"
    elif current is not None and start_date < current.start_date:
        errors["start_date"] = "The new lead cannot start before the current lead did"
    if errors:
        raise ValidationError(errors)
    if current is not None:
        _end(current, actor=actor, end_date=start_date, trigger=trigger)
    # A co-worker who becomes lead ends the co-working spell the same day.
    co_working = Allocation.objects.filter(person=person, worker=worker, end_date__isnull=True)
    for spell in co_working:
        _end(spell, actor=actor, end_date=start_date, trigger=trigger)
    allocation = Allocation(
        person=person,
        worker=worker,
        agency=worker.agency,
        role=AllocationRole.LEAD,
        start_date=start_date,
        start_trigger=trigger,
        note=note.strip(),
        recorded_by=actor,
    )
    allocation._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError:
        raise ValidationError(
            {"worker": "Someone else changed the lead at the same time"}
        ) from None
    return allocation


def _end(allocation: Allocation, *, actor: User | None, end_date: dt.date, trigger: str) -> None:
    allocation.end_date = end_date
    allocation.end_trigger = trigger
    allocation._history_user = actor  # type: ignore[attr-defined]
    allocation.save()


@transaction.atomic
def allocations_end(*, actor: User | None, person: Person, end_date: dt.date, trigger: str) -> int:
    """End every open allocation of a person (as when they leave the cohort); how many."""
    if trigger not in AllocationTrigger.values:
        raise ValidationError({"trigger": "Say why the allocations end"})
    spells = list(
        Allocation.objects.select_for_update().filter(person=person, end_date__isnull=True)
    )
    for spell in spells:
        _end(spell, actor=actor, end_date=max(end_date, spell.start_date), trigger=trigger)
    if trigger == AllocationTrigger.EXIT:
        # Out of the cohort, nobody's caseload shows the person's tasks: close them, saying
        # why, rather than leave them overdue with no one to act on them.
        tasks_lapse(
            actor=actor, person_id=person.pk, reason=f"Left the cohort on {end_date:%-d %B %Y}"
        )
    return len(spells)
