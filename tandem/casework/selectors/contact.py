"""Reading contacts and case notes: by category, with sensitive notes' text kept close."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.core.access import PersonGrants
from tandem.core.models import Role, User
from tandem.people.models import Person

from ..models import ContactNote
from ..services.contact import may_edit


@dataclass(frozen=True)
class NoteRow:
    note: ContactNote
    shows_text: bool  # false: a sensitive note from another agency; its existence only
    editable: bool


def shows_sensitive(note: ContactNote, reader: User) -> bool:
    """A sensitive note's text is for the author's agency and the coordinator."""
    return (
        not note.sensitive
        or note.author_agency_id == reader.agency_id
        or reader.role == Role.COORDINATOR
    )


def contact_notes_for(
    person: Person, grants: PersonGrants, reader: User, *, category: str = ""
) -> list[NoteRow]:
    """The notes the reader may see (by category), newest first, optionally of one category."""
    categories = [c for c in grants.readable if not category or c == category]
    notes = ContactNote.objects.filter(person=person, category__in=categories).select_related(
        "author", "author_agency", "corrects"
    )
    return [
        NoteRow(note=n, shows_text=shows_sensitive(n, reader), editable=may_edit(n, reader))
        for n in notes
    ]


def contact_note_in(person: Person, grants: PersonGrants, note_id: object) -> ContactNote | None:
    """One of the person's notes if the reader may read its category; None otherwise."""
    try:
        pk = int(str(note_id))
    except (TypeError, ValueError):
        return None
    return ContactNote.objects.filter(person=person, pk=pk, category__in=grants.readable).first()
