"""Recording assessments: needs per pathway, risk of serious harm, MAPPA, OGRS3 from the
record. An assessment is never edited: a new one is recorded, and the history shows both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tandem.core.access import grants_for, today
from tandem.core.categories import Category
from tandem.core.models import User
from tandem.people.models import Person

from ..dates import add_months
from ..models import AssessedNeed, Assessment, NeedLevel, RoshLevel
from ..ogrs3 import ogrs3_from_record
from ..pathways import Pathway


@dataclass(frozen=True)
class NeedInput:
    """One pathway's need as the assessor records it."""

    level: str
    linked_to_reoffending: bool = False
    linked_to_harm: bool = False


def default_reassess_by(assessed_on: dt.date) -> dt.date:
    return add_months(assessed_on, settings.CASEWORK_REASSESSMENT_MONTHS)


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    person: Person,
    assessed_on: dt.date,
    rosh: str,
    needs: Mapping[str, NeedInput],
    mappa: bool = False,
    mappa_level: int | None = None,
    reassess_by: dt.date | None = None,
    summary: str = "",
) -> Assessment:
    """Record an assessment, with OGRS3 computed from the record as it stood that day."""
    if actor.agency is None or not grants_for(actor, person).can_write(Category.RISK):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if assessed_on > today():
        errors["assessed_on"] = "The assessment date cannot be in the future"
    if rosh not in RoshLevel.values:
        errors["rosh"] = "Choose the risk of serious harm"
    if mappa and mappa_level not in (1, 2, 3):
        errors["mappa_level"] = "Choose the MAPPA level, 1, 2 or 3"
    if not mappa and mappa_level is not None:
        errors["mappa_level"] = "Only a MAPPA case has a MAPPA level"
    reassess_by = reassess_by or default_reassess_by(assessed_on)
    if reassess_by <= assessed_on:
        errors["reassess_by"] = "The reassessment date must be after the assessment date"
    for pathway in Pathway:
        need = needs.get(pathway.value)
        if need is None or need.level not in NeedLevel.values:
            errors[f"need_{pathway.value}"] = (
                f"Choose the level of need for {pathway.label.lower()}"
            )
        elif need.level == NeedLevel.NONE and (need.linked_to_reoffending or need.linked_to_harm):
            errors[f"need_{pathway.value}"] = (
                f"{pathway.label} has no need, so it cannot be linked to reoffending or harm"
            )
    if errors:
        raise ValidationError(errors)
    ogrs3 = ogrs3_from_record(person, assessed_on)
    assessment = Assessment.objects.create(
        person=person,
        assessed_on=assessed_on,
        assessor=actor,
        assessor_agency=actor.agency,
        rosh=rosh,
        mappa=mappa,
        mappa_level=mappa_level if mappa else None,
        ogrs3_one_year=ogrs3.one_year,
        ogrs3_two_year=ogrs3.two_year,
        ogrs3_sex=ogrs3.sex,
        ogrs3_age_at_start=ogrs3.age_at_start,
        ogrs3_age_at_conviction=ogrs3.age_at_conviction,
        ogrs3_age_at_first_sanction=ogrs3.age_at_first_sanction,
        ogrs3_sanctions=ogrs3.sanctions,
        ogrs3_offence_group=ogrs3.offence_group,
        ogrs3_note=ogrs3.note,
        reassess_by=reassess_by,
        summary=summary.strip(),
    )
    AssessedNeed.objects.bulk_create(
        AssessedNeed(
            assessment=assessment,
            pathway=pathway.value,
            level=needs[pathway.value].level,
            linked_to_reoffending=needs[pathway.value].linked_to_reoffending,
            linked_to_harm=needs[pathway.value].linked_to_harm,
        )
        for pathway in Pathway
    )
    return assessment
