"""Writes to the care plan: objectives, actions and reviews, each against a plan version.

Every write locks the plan row, compares the version the editor started from with the
plan's, and only then changes anything and bumps the version. Two people editing the same
plan therefore never overwrite each other silently: the second gets StalePlanError, nothing
is saved, and the page shows them what changed since their version (selectors.plan_changes).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.core.access import grants_for, today
from tandem.core.models import Agency, User
from tandem.core.notices import notice_send
from tandem.people.models import Person

from .. import rules
from ..models import CarePlan, ItemStatus, Objective, PlanAction, PlanReview
from ..pathways import Pathway


class StalePlanError(Exception):
    """The plan changed after the editor opened it; nothing was saved."""

    def __init__(self, plan: CarePlan, seen_version: int) -> None:
        super().__init__("The care plan was changed by someone else")
        self.plan = plan
        self.seen_version = seen_version


def _saved(obj: object, actor: User | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj.save()  # type: ignore[attr-defined]


def _review_gap() -> dt.timedelta:
    return dt.timedelta(weeks=settings.CASEWORK_REVIEW_WEEKS)


def _locked_plan(*, actor: User, person: Person, seen_version: int) -> CarePlan:
    """The person's plan, locked for this transaction and created on first use; raises
    StalePlanError if it is no longer at the version the editor started from."""
    plan = CarePlan.objects.select_for_update().filter(person=person).first()
    if plan is None:
        plan = CarePlan(
            person=person,
            version=0,
            review_every_weeks=settings.CASEWORK_REVIEW_WEEKS,
            next_review_on=today() + _review_gap(),
            created_by=actor,
        )
        try:
            with transaction.atomic():
                _saved(plan, actor)
        except IntegrityError:
            # A colleague created it at the same moment: theirs is the plan, at their version.
            plan = CarePlan.objects.select_for_update().get(person=person)
    if plan.version != seen_version:
        raise StalePlanError(plan, seen_version)
    return plan


def _bump(plan: CarePlan, actor: User) -> int:
    plan.version += 1
    _saved(plan, actor)
    return plan.version


def _status_errors(status: str, dropped_reason: str) -> dict[str, str]:
    if status not in ItemStatus.values:
        return {"status": "Choose a status"}
    if status == ItemStatus.DROPPED and not dropped_reason.strip():
        return {"dropped_reason": "Say why it was dropped"}
    return {}


@transaction.atomic
def objective_add(
    *, actor: User, person: Person, seen_version: int, pathway: str, description: str
) -> Objective:
    """Add an objective on a pathway (the plan is created with the first one)."""
    if pathway not in Pathway.values:
        raise ValidationError({"pathway": "Choose a pathway"})
    if not rules.writes_objective(actor, grants_for(actor, person), pathway):
        raise PermissionDenied
    if not description.strip():
        raise ValidationError({"description": "Describe the objective"})
    plan = _locked_plan(actor=actor, person=person, seen_version=seen_version)
    objective = Objective(
        plan=plan,
        pathway=pathway,
        description=description.strip()[:500],
        plan_version=_bump(plan, actor),
    )
    _saved(objective, actor)
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    seen_version: int,
    description: str,
    status: str,
    dropped_reason: str = "",
) -> Objective:
    """Change an objective's wording or status (dropping one needs a reason)."""
    person = objective.plan.person
    if not rules.writes_objective(actor, grants_for(actor, person), objective.pathway):
        raise PermissionDenied
    errors = _status_errors(status, dropped_reason)
    if not description.strip():
        errors["description"] = "Describe the objective"
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(actor=actor, person=person, seen_version=seen_version)
    objective = Objective.objects.get(pk=objective.pk, plan=plan)
    objective.description = description.strip()[:500]
    objective.status = status
    objective.dropped_reason = dropped_reason.strip()[:500] if status == ItemStatus.DROPPED else ""
    objective.plan_version = _bump(plan, actor)
    _saved(objective, actor)
    return objective


def _action_errors(
    *, description: str, agency: Agency, lead_officer: User | None, target_date: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Say what needs doing"
    if lead_officer is not None and (
        lead_officer.agency_id != agency.pk or not lead_officer.is_active
    ):
        errors["lead_officer"] = "The lead officer must work for the agency responsible"
    if target_date is None:
        errors["target_date"] = "Enter the target date"
    return errors


def _tell_lead(action: PlanAction, person: Person, actor: User) -> None:
    """Tell a newly named lead officer; the notice names the Tandem number and nothing more."""
    if action.lead_officer is None or action.lead_officer.pk == actor.pk:
        return
    link = reverse("casework:plan", args=[person.pk]) + f"#action-{action.pk}"
    notice_send(
        recipients=[action.lead_officer],
        subject=f"Care plan action for Tandem number {person.pk}",
        body=f"You lead an action in the care plan, due by {action.target_date:%-d %B %Y}.",
        link=link,
    )


@transaction.atomic
def plan_action_add(
    *,
    actor: User,
    objective: Objective,
    seen_version: int,
    description: str,
    agency: Agency,
    target_date: dt.date,
    lead_officer: User | None = None,
) -> PlanAction:
    """Add an action under an objective, for an agency and (optionally) a lead officer."""
    person = objective.plan.person
    if not rules.writes_action(actor, grants_for(actor, person), objective.pathway, agency):
        raise PermissionDenied
    errors = _action_errors(
        description=description, agency=agency, lead_officer=lead_officer, target_date=target_date
    )
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(actor=actor, person=person, seen_version=seen_version)
    action = PlanAction(
        objective=objective,
        description=description.strip()[:500],
        agency=agency,
        lead_officer=lead_officer,
        target_date=target_date,
        plan_version=_bump(plan, actor),
    )
    _saved(action, actor)
    _tell_lead(action, person, actor)
    return action


@transaction.atomic
def plan_action_update(
    *,
    actor: User,
    action: PlanAction,
    seen_version: int,
    description: str,
    agency: Agency,
    target_date: dt.date,
    status: str,
    lead_officer: User | None = None,
    dropped_reason: str = "",
) -> PlanAction:
    """Change an action: its wording, agency, lead, target date or status."""
    objective = action.objective
    person = objective.plan.person
    grants = grants_for(actor, person)
    # A partner changes only their own agency's actions, and cannot give one away.
    if not (
        rules.writes_action(actor, grants, objective.pathway, action.agency)
        and rules.writes_action(actor, grants, objective.pathway, agency)
    ):
        raise PermissionDenied
    errors = _action_errors(
        description=description, agency=agency, lead_officer=lead_officer, target_date=target_date
    )
    errors.update(_status_errors(status, dropped_reason))
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(actor=actor, person=person, seen_version=seen_version)
    current = PlanAction.objects.get(pk=action.pk, objective__plan=plan)
    new_lead = lead_officer is not None and lead_officer.pk != current.lead_officer_id
    current.description = description.strip()[:500]
    current.agency = agency
    current.lead_officer = lead_officer
    current.target_date = target_date
    current.status = status
    current.dropped_reason = dropped_reason.strip()[:500] if status == ItemStatus.DROPPED else ""
    current.plan_version = _bump(plan, actor)
    _saved(current, actor)
    if new_lead:
        _tell_lead(current, person, actor)
    return current


@transaction.atomic
def plan_review_record(
    *,
    actor: User,
    person: Person,
    seen_version: int,
    reviewed_on: dt.date,
    attendees: str,
    summary: str,
    next_review_on: dt.date | None = None,
) -> PlanReview:
    """Record a review of the whole plan and schedule the next (by default every six weeks)."""
    if not rules.writes_review(actor, grants_for(actor, person)):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if reviewed_on > today():
        errors["reviewed_on"] = "The review date cannot be in the future"
    if not attendees.strip():
        errors["attendees"] = "Say who took part in the review"
    if not summary.strip():
        errors["summary"] = "Summarise what the review found and agreed"
    next_review_on = next_review_on or reviewed_on + _review_gap()
    if next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(actor=actor, person=person, seen_version=seen_version)
    # The schedule runs from the latest review held, whatever order reviews are recorded in.
    latest = plan.reviews.order_by("-reviewed_on", "-id").first()
    if latest is None or reviewed_on >= latest.reviewed_on:
        plan.next_review_on = next_review_on
    review = PlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        attendees=attendees.strip()[:500],
        summary=summary.strip(),
        next_review_on=next_review_on,
        recorded_by=actor,
        plan_version=_bump(plan, actor),
    )
    review.save()
    return review
