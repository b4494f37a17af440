"""OGRS3 from a person's offending record, as the assessment stores it.

The inputs are derived exactly as selection's scoring derives them for everyone
(tandem/selection/scoring.py `aggregate` and `score_people`): sanctions known on the day,
the first sanction's date, and the OGRS3 group of the offence sanctioned last (ties broken
by offence date, then by the latest record), with the age at the start of follow-up taken on
the assessment date. The formula itself is the one implementation,
`tandem.selection.ogrs3.ogrs3_probabilities`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min

from tandem.offending.models import SANCTION_OUTCOMES, Offence
from tandem.people.models import Person
from tandem.selection.ogrs3 import Ogrs3InputError, ogrs3_probabilities


@dataclass(frozen=True)
class Ogrs3FromRecord:
    """The inputs read from the record, the probabilities, or why there are none."""

    sex: str
    age_at_start: int
    sanctions: int
    age_at_conviction: int | None = None
    age_at_first_sanction: int | None = None
    offence_group: str = ""
    one_year: float | None = None
    two_year: float | None = None
    note: str = ""


def ogrs3_from_record(person: Person, on: dt.date) -> Ogrs3FromRecord:
    """OGRS3 as of `on` from the person's sanctions then known: two queries."""
    sanctions = Offence.objects.filter(
        person=person,
        outcome__in=SANCTION_OUTCOMES,
        sanction_date__isnull=False,
        sanction_date__lte=on,
        offence_date__lte=on,
    )
    counts = sanctions.aggregate(n=Count("id"), first=Min("sanction_date"))
    base = {"sex": person.sex, "age_at_start": person.age_on(on), "sanctions": counts["n"]}
    if not counts["n"]:
        return Ogrs3FromRecord(**base, note="No sanction is recorded, so OGRS3 does not apply")
    last = (
        sanctions.order_by("-sanction_date", "-offence_date", "-id")
        .select_related("offence_type")
        .first()
    )
    assert last is not None and last.sanction_date is not None
    inputs = Ogrs3FromRecord(
        **base,
        age_at_conviction=person.age_on(last.sanction_date),
        age_at_first_sanction=person.age_on(counts["first"]),
        offence_group=last.offence_type.ogrs3_group,
    )
    try:
        one, two = ogrs3_probabilities(
            sex=inputs.sex,
            age_at_start=inputs.age_at_start,
            age_at_conviction=inputs.age_at_conviction,  # type: ignore[arg-type]
            age_at_first_sanction=inputs.age_at_first_sanction,  # type: ignore[arg-type]
            sanctions=inputs.sanctions,
            offence_group=inputs.offence_group,
        )
    except Ogrs3InputError as error:
        # The message names the input at fault, never a value from the record.
        return Ogrs3FromRecord(**{**inputs.__dict__, "note": f"OGRS3 not computed: {error}"})
    return Ogrs3FromRecord(**{**inputs.__dict__, "one_year": one, "two_year": two})
