"""Reading a person's mentoring: the open pairing, earlier ones and their meetings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from tandem.people.models import Person

from ..models import MentoringMeeting, MentoringPairing


@dataclass(frozen=True)
class MentoringView:
    current: MentoringPairing | None
    past: list[MentoringPairing]


def mentoring_for(person: Person) -> MentoringView:
    """The person's pairings with their meetings (newest first); the caller checked access."""
    pairings = list(
        MentoringPairing.objects.filter(person=person)
        .select_related("mentor", "mentor_agency")
        .prefetch_related(
            Prefetch("meetings", queryset=MentoringMeeting.objects.select_related("recorded_by"))
        )
    )
    current = next((p for p in pairings if p.end_date is None), None)
    return MentoringView(current=current, past=[p for p in pairings if p is not current])
