"""Writes to the cohort: adoption and exit, always with a recorded basis or reason."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.core.access import today
from tandem.core.models import Area, User
from tandem.people.models import Person

from .models import EndReason, Membership, Scheme, Strand


@transaction.atomic
def membership_start(
    *,
    actor: User | None,
    person: Person,
    area: Area,
    scheme: Scheme,
    strand: str,
    start_date: dt.date,
    basis: str,
    between_forums: bool = False,
    moved_from: Membership | None = None,
) -> Membership:
    """Adopt a person into a scheme's cohort in an area.

    `basis` is the forum decision or, between forums, the coordinator's reason; adoption
    between forums is marked so that the next forum ratifies it.
    """
    errors: dict[str, str] = {}
    if not basis.strip():
        errors["basis"] = "Say why the person is being adopted"
    if strand not in Strand.values:
        errors["strand"] = "Choose a strand"
    if start_date > today():
        errors["start_date"] = "Adoption cannot be dated in the future"
    if not scheme.accepts_new_members and moved_from is None:
        errors["scheme"] = f"{scheme.name} takes no new members"
    if errors:
        raise ValidationError(errors)
    membership = Membership(
        person=person,
        area=area,
        scheme=scheme,
        strand=strand,
        start_date=start_date,
        basis=basis.strip(),
        between_forums=between_forums,
        moved_from=moved_from,
        started_by=actor,
    )
    membership._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"person": "This person is already in a cohort: end that membership first"}
        ) from None
    return membership


@transaction.atomic
def membership_end(
    *,
    actor: User | None,
    membership: Membership,
    end_date: dt.date,
    end_reason: str,
    note: str = "",
) -> Membership:
    """End a spell in the cohort on `end_date` (from that day the person is not a member)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    errors: dict[str, str] = {}
    if membership.end_date is not None:
        errors["end_date"] = "This membership has already ended"
    elif end_date < membership.start_date:
        errors["end_date"] = "The end cannot be before the start"
    elif end_date > today():
        errors["end_date"] = "The end cannot be dated in the future"
    if end_reason not in EndReason.values:
        errors["end_reason"] = "Choose why the membership ends"
    elif end_reason == EndReason.OTHER and not note.strip():
        errors["end_note"] = "Say why the membership ends"
    if errors:
        raise ValidationError(errors)
    membership.end_date = end_date
    membership.end_reason = end_reason
    membership.end_note = note.strip()
    membership.ended_by = actor
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    return membership
