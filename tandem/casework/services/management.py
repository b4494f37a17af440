"""Who manages a person, changed by a colleague: the management model, reallocating the
lead, co-workers joining and leaving. Every change tells the people it affects; a notice
names the person by Tandem number only."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.core.access import people_for, today
from tandem.core.models import Role, User
from tandem.core.notices import notice_send
from tandem.people.models import Person

from ..models import Allocation, AllocationRole, AllocationTrigger, CaseManagement, ManagementModel
from .allocation import _end, lead_allocate

# Roles that work a case alongside the lead: offender managers and partner workers.
CO_WORKER_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.PARTNER_WORKER})


def _link(person: Person) -> str:
    return reverse("casework:management", args=[person.pk])


def _lead(person: Person) -> Allocation | None:
    return (
        Allocation.objects.filter(person=person, role=AllocationRole.LEAD, end_date__isnull=True)
        .select_related("worker")
        .first()
    )


@transaction.atomic
def management_set(*, actor: User | None, person: Person, model: str) -> CaseManagement:
    """Set the person's management model (police-led, probation-led or joint)."""
    if model not in ManagementModel.values:
        raise ValidationError({"model": "Choose how the person is managed"})
    current = CaseManagement.objects.select_for_update().filter(person=person).first()
    if current is not None and current.model == model:
        raise ValidationError({"model": "The person is already managed this way"})
    management = current or CaseManagement(person=person)
    management.model = model
    management.set_by = actor
    management.set_at = timezone.now()
    management._history_user = actor  # type: ignore[attr-defined]
    management.save()
    lead = _lead(person)
    label = ManagementModel(model).label.lower()
    notice_send(
        recipients=[lead.worker if lead else None],
        subject=f"Management model changed for Tandem number {person.pk}",
        body=f"The person is now managed {label}.",
        link=_link(person),
    )
    return management


@transaction.atomic
def lead_reallocate(*, actor: User, person: Person, worker: User, note: str = "") -> Allocation:
    """A colleague hands the lead to another offender manager today; the old and new leads
    (and the co-workers) are told."""
    old = _lead(person)
    allocation = lead_allocate(
        actor=actor, person=person, worker=worker, start_date=today(),
        trigger=AllocationTrigger.USER, note=note,
    )  # fmt: skip
    subject = f"Lead offender manager changed for Tandem number {person.pk}"
    notice_send(
        recipients=[worker],
        subject=subject,
        body="You are now the lead offender manager."
        + (f" Note: {note.strip()}" if note.strip() else ""),
        link=_link(person),
    )
    if old is not None:
        notice_send(
            recipients=[old.worker],
            subject=subject,
            body=f"You are no longer the lead offender manager; {worker.get_full_name()} is.",
            link=_link(person),
        )
    co_workers = User.objects.filter(
        allocations__person=person,
        allocations__role=AllocationRole.CO_WORKER,
        allocations__end_date__isnull=True,
    ).exclude(pk__in=[worker.pk, old.worker_id if old else 0])
    notice_send(
        recipients=co_workers,
        subject=subject,
        body=f"{worker.get_full_name()} is now the lead offender manager.",
        link=_link(person),
    )
    return allocation


@transaction.atomic
def co_worker_add(*, actor: User, person: Person, worker: User, note: str = "") -> Allocation:
    """Add a co-worker from today: an active offender manager or partner worker of any
    agency, justice or not, who may open the person's record."""
    errors: dict[str, str] = {}
    if not worker.is_active or worker.agency_id is None or worker.role not in CO_WORKER_ROLES:
        errors["worker"] = "A co-worker must be an active offender manager or partner worker"
    elif not people_for(worker).filter(pk=person.pk).exists():
        errors["worker"] = "This worker cannot open the person's record"
    elif Allocation.objects.filter(person=person, worker=worker, end_date__isnull=True).exists():
        errors["worker"] = "This worker already works with the person"
    if errors:
        raise ValidationError(errors)
    allocation = Allocation(
        person=person, worker=worker, agency=worker.agency, role=AllocationRole.CO_WORKER,
        start_date=today(), start_trigger=AllocationTrigger.USER, note=note.strip(),
        recorded_by=actor,
    )  # fmt: skip
    allocation._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError:
        raise ValidationError({"worker": "This worker already works with the person"}) from None
    lead = _lead(person)
    notice_send(
        recipients=[worker],
        subject=f"Co-worker for Tandem number {person.pk}",
        body="You have been added as a co-worker."
        + (f" Note: {note.strip()}" if note.strip() else ""),
        link=_link(person),
    )
    notice_send(
        recipients=[lead.worker if lead and lead.worker_id != actor.pk else None],
        subject=f"New co-worker for Tandem number {person.pk}",
        body=f"{worker.get_full_name()} ({worker.agency}) now co-works the case.",
        link=_link(person),
    )
    return allocation


@transaction.atomic
def co_worker_end(*, actor: User, allocation: Allocation) -> Allocation:
    """End a co-working spell today; the co-worker and the lead are told."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.role != AllocationRole.CO_WORKER or allocation.end_date is not None:
        raise ValidationError({"allocation": "This is not a current co-working spell"})
    _end(allocation, actor=actor, end_date=today(), trigger=AllocationTrigger.USER)
    person = allocation.person
    notice_send(
        recipients=[allocation.worker if allocation.worker_id != actor.pk else None],
        subject=f"Co-working ended for Tandem number {person.pk}",
        body="You are no longer a co-worker.",
        link=_link(person),
    )
    lead = _lead(person)
    notice_send(
        recipients=[lead.worker if lead and lead.worker_id != actor.pk else None],
        subject=f"Co-working ended for Tandem number {person.pk}",
        body=f"{allocation.worker.get_full_name()} no longer co-works the case.",
        link=_link(person),
    )
    return allocation
