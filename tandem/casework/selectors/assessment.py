"""Reads of assessments: a person's history, newest first, each beside what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tandem.people.models import Person
from tandem.selection.ogrs3 import probation_band

from ..models import AssessedNeed, Assessment
from ..pathways import Pathway


@dataclass
class AssessmentRow:
    """One assessment with its needs by pathway and the changes from the one before."""

    assessment: Assessment
    needs: list[AssessedNeed]
    changes: list[str] = field(default_factory=list)
    first: bool = False

    @property
    def ogrs3_band(self) -> str:
        two = self.assessment.ogrs3_two_year
        return probation_band(two) if two is not None else ""

    @property
    def needs_count(self) -> int:
        return sum(1 for need in self.needs if need.level != "none")


def _needs_by_pathway(assessment: Assessment) -> list[AssessedNeed]:
    found = {need.pathway: need for need in assessment.needs.all()}
    return [found[p.value] for p in Pathway if p.value in found]


def _percent(value: float | None) -> str:
    return "not computed" if value is None else f"{value * 100:.0f}%"


def _need_text(need: AssessedNeed | None) -> str:
    if need is None:
        return "not recorded"
    links = [
        label
        for flag, label in (
            (need.linked_to_reoffending, "linked to reoffending"),
            (need.linked_to_harm, "linked to harm"),
        )
        if flag
    ]
    return need.get_level_display().lower() + (f" ({', '.join(links)})" if links else "")


def assessment_changes(current: Assessment, previous: Assessment) -> list[str]:
    """What this assessment says differently from the one before, in words."""
    changes: list[str] = []
    if current.rosh != previous.rosh:
        changes.append(
            f"Risk of serious harm: {previous.get_rosh_display().lower()} to "
            f"{current.get_rosh_display().lower()}"
        )
    before = "level " + str(previous.mappa_level) if previous.mappa else "not a MAPPA case"
    after = "level " + str(current.mappa_level) if current.mappa else "not a MAPPA case"
    if before != after:
        changes.append(f"MAPPA: {before} to {after}")
    if _percent(current.ogrs3_two_year) != _percent(previous.ogrs3_two_year):
        changes.append(
            f"OGRS3 two-year: {_percent(previous.ogrs3_two_year)} to "
            f"{_percent(current.ogrs3_two_year)}"
        )
    old = {need.pathway: need for need in previous.needs.all()}
    for need in current.needs.all():
        was, now = _need_text(old.get(need.pathway)), _need_text(need)
        if was != now:
            changes.append(f"{need.get_pathway_display()}: {was} to {now}")
    return changes


def _assessments(person: Person) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(person=person)
        .select_related("assessor", "assessor_agency")
        .prefetch_related(Prefetch("needs", queryset=AssessedNeed.objects.order_by("id")))
    )


def assessment_history(person: Person) -> list[AssessmentRow]:
    """Every assessment of the person, newest first, with changes from the previous: three
    queries whatever the number."""
    assessments = list(_assessments(person))
    rows = []
    for index, assessment in enumerate(assessments):
        previous = assessments[index + 1] if index + 1 < len(assessments) else None
        rows.append(
            AssessmentRow(
                assessment=assessment,
                needs=_needs_by_pathway(assessment),
                changes=assessment_changes(assessment, previous) if previous else [],
                first=previous is None,
            )
        )
    return rows


def assessment_row(person: Person, assessment_id: object) -> AssessmentRow:
    """One assessment of this person with the changes from the one before; Http404 if none."""
    try:
        pk = int(str(assessment_id))
    except (TypeError, ValueError):
        raise Http404 from None
    assessment = _assessments(person).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    previous = (
        _assessments(person)
        .filter(assessed_on__lte=assessment.assessed_on)
        .exclude(pk=pk)
        .exclude(assessed_on=assessment.assessed_on, pk__gt=pk)
        .first()
    )
    return AssessmentRow(
        assessment=assessment,
        needs=_needs_by_pathway(assessment),
        changes=assessment_changes(assessment, previous) if previous else [],
        first=previous is None,
    )


def latest_assessment(person: Person) -> Assessment | None:
    return Assessment.objects.filter(person=person).order_by("-assessed_on", "-id").first()
