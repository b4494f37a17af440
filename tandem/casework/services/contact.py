"""Contacts and case notes: added by whoever may write the note's category, never deleted."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.core.access import grants_for, today
from tandem.core.categories import Category
from tandem.core.models import User
from tandem.people.models import Person

from ..models import ContactNote, ContactType

# After this, a note stands as written; a correction is a new note that refers to it.
EDIT_WINDOW = dt.timedelta(hours=24)


def _check(contact_type: str, contact_date: dt.date, text: str) -> None:
    errors: dict[str, str] = {}
    if contact_type not in ContactType.values:
        errors["contact_type"] = "Choose the type of contact"
    if contact_date > today():
        errors["contact_date"] = "The date of the contact cannot be in the future"
    if not text.strip():
        errors["text"] = "Enter the note"
    elif len(text.strip()) > 5000:
        errors["text"] = "Use 5,000 characters or fewer"
    if errors:
        raise ValidationError(errors)


def may_edit(note: ContactNote, actor: User) -> bool:
    """Whether the actor may still change this note: its author, within 24 hours."""
    return note.author_id == actor.pk and timezone.now() - note.recorded_at < EDIT_WINDOW


@transaction.atomic
def contact_note_add(
    *,
    actor: User,
    person: Person,
    contact_type: str,
    contact_date: dt.date,
    text: str,
    category: str = Category.CASE_NOTES,
    sensitive: bool = False,
    corrects: ContactNote | None = None,
) -> ContactNote:
    """Add a contact or case note of a category the actor may write under the protocol."""
    if category not in Category.values:
        raise ValidationError({"category": "Choose the kind of data the note holds"})
    if actor.agency_id is None or not grants_for(actor, person).can_write(category):
        raise PermissionDenied
    _check(contact_type, contact_date, text)
    if corrects is not None and corrects.person_id != person.pk:
        raise ValidationError({"corrects": "A correction must be to a note about the same person"})
    return ContactNote.objects.create(
        person=person,
        contact_type=contact_type,
        contact_date=contact_date,
        author=actor,
        author_agency_id=actor.agency_id,
        category=category,
        text=text.strip(),
        sensitive=sensitive,
        corrects=corrects,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def contact_note_update(
    *,
    actor: User,
    note: ContactNote,
    contact_type: str,
    contact_date: dt.date,
    text: str,
    sensitive: bool,
) -> ContactNote:
    """Change a note within 24 hours of writing it; only its author may, and only then."""
    note = ContactNote.objects.select_for_update().get(pk=note.pk)
    if note.author_id != actor.pk:
        raise PermissionDenied
    if not may_edit(note, actor):
        raise ValidationError(
            "A note cannot be changed more than 24 hours after it was written; "
            "add a new note that corrects it"
        )
    _check(contact_type, contact_date, text)
    note.contact_type = contact_type
    note.contact_date = contact_date
    note.text = text.strip()
    note.sensitive = sensitive
    note.updated_at = timezone.now()
    note.save()
    return note
