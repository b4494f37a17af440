"""Recording work done in custody, so community agencies can carry it on after release."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tandem.core.access import grants_for, today
from tandem.core.models import User
from tandem.people.models import Person

from ..models import PRISON_WORK_CATEGORY, PrisonWork


@transaction.atomic
def prison_work_add(
    *,
    actor: User,
    person: Person,
    kind: str,
    title: str,
    provider: str,
    establishment: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    outcome: str = "",
) -> PrisonWork:
    """Add a course, treatment, education or work spell; its kind decides who may see it."""
    if kind not in PRISON_WORK_CATEGORY:
        raise ValidationError({"kind": "Choose what kind of work it was"})
    if not grants_for(actor, person).can_write(PRISON_WORK_CATEGORY[kind]):
        raise PermissionDenied
    errors: dict[str, str] = {}
    for field, text, message in (
        ("title", title, "Enter the name of the course, treatment, education or work"),
        ("provider", provider, "Enter who provided it"),
        ("establishment", establishment, "Enter the prison where it took place"),
    ):
        if not text.strip():
            errors[field] = message
    if start_date > today():
        errors["start_date"] = "The start date cannot be in the future"
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date cannot be before the start date"
    if errors:
        raise ValidationError(errors)
    entry = PrisonWork(
        person=person,
        kind=kind,
        title=title.strip()[:200],
        provider=provider.strip()[:200],
        establishment=establishment.strip()[:200],
        start_date=start_date,
        end_date=end_date,
        outcome=outcome.strip()[:1000],
        recorded_by=actor,
    )
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    return entry
