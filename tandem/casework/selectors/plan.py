"""Reads of the care plan: the plan as one user may see it, and what changed since a version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from tandem.core.access import PersonGrants, today
from tandem.core.categories import Category
from tandem.core.models import Agency, User
from tandem.people.models import Person

from .. import rules
from ..models import CarePlan, ItemStatus, Objective, PlanAction, PlanReview
from ..pathways import PATHWAY_CATEGORY, Pathway


@dataclass
class PathwayPlan:
    """One pathway's objectives and actions, or why they are withheld."""

    pathway: Pathway
    category: str
    readable: bool
    adds_objectives: bool
    adds_actions: bool
    objectives: list[Objective] = field(default_factory=list)


@dataclass
class PlanView:
    person: Person
    plan: CarePlan | None
    pathways: list[PathwayPlan]
    reviews: list[PlanReview]
    reads_reviews: bool
    writes_reviews: bool
    on: dt.date

    @property
    def version(self) -> int:
        return self.plan.version if self.plan else 0

    @property
    def review_overdue(self) -> bool:
        return self.plan is not None and self.plan.next_review_on < self.on

    @property
    def categories(self) -> list[str]:
        shown = [p.category for p in self.pathways if p.readable]
        return shown + ([Category.CASE_NOTES] if self.reads_reviews else [])

    @property
    def readable(self) -> bool:
        return any(p.readable for p in self.pathways) or self.reads_reviews


def _objectives() -> Prefetch:
    actions = PlanAction.objects.select_related("agency", "lead_officer").order_by(
        "target_date", "id"
    )
    return Prefetch("actions", queryset=actions)


def plan_view(actor: User, person: Person, grants: PersonGrants) -> PlanView:
    """The person's care plan filtered by the protocol: at most four queries."""
    plan = CarePlan.objects.filter(person=person).first()
    objectives: list[Objective] = []
    reviews: list[PlanReview] = []
    reads_reviews = grants.can_read(Category.CASE_NOTES)
    readable = {p.value for p in Pathway if rules.reads_pathway(grants, p.value)}
    if plan is not None and readable:
        objectives = list(
            plan.objectives.filter(pathway__in=readable).prefetch_related(_objectives())
        )
    if plan is not None and reads_reviews:
        reviews = list(plan.reviews.select_related("recorded_by"))
    pathways = []
    for pathway in Pathway:
        pathways.append(
            PathwayPlan(
                pathway=pathway,
                category=PATHWAY_CATEGORY[pathway],
                readable=pathway.value in readable,
                adds_objectives=rules.writes_objective(actor, grants, pathway.value),
                adds_actions=rules.writes_action(actor, grants, pathway.value, None),
                objectives=[o for o in objectives if o.pathway == pathway.value],
            )
        )
    return PlanView(
        person=person,
        plan=plan,
        pathways=pathways,
        reviews=reviews,
        reads_reviews=reads_reviews,
        writes_reviews=rules.writes_review(actor, grants),
        on=today(),
    )


def objective_in_plan(person: Person, objective_id: int) -> Objective | None:
    return (
        Objective.objects.filter(pk=objective_id, plan__person=person)
        .select_related("plan__person")
        .first()
    )


def action_in_plan(person: Person, action_id: int) -> PlanAction | None:
    return (
        PlanAction.objects.filter(pk=action_id, objective__plan__person=person)
        .select_related("objective__plan__person", "agency", "lead_officer")
        .first()
    )


# --- What changed since a version ---------------------------------------------------------


@dataclass
class PlanChange:
    """One change to the plan: which version it made, who, when, and what."""

    version: int
    at: dt.datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)


_STATUS = dict(ItemStatus.choices)


def _user_name(user: User | None) -> str:
    return user.display_name if user is not None else "Tandem"


def _field_changes(before: Any, after: Any, fields: list[tuple[str, str]]) -> list[str]:
    changes = []
    for name, label in fields:
        old, new = _shown(before, name), _shown(after, name)
        if old != new:
            changes.append(f"{label}: {old or 'none'} to {new or 'none'}")
    return changes


def _shown(record: Any, name: str) -> str:
    value = getattr(record, name)
    if name == "status":
        return str(_STATUS.get(value, value)).lower()
    if name == "agency":
        return str(value.name) if value is not None else ""
    if name == "lead_officer":
        return str(value.display_name) if value is not None else ""
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value or "")


_OBJECTIVE_FIELDS = [
    ("description", "Objective"), ("status", "Status"), ("dropped_reason", "Reason dropped"),
]  # fmt: skip
_ACTION_FIELDS = [
    ("description", "Action"), ("agency", "Agency"), ("lead_officer", "Lead officer"),
    ("target_date", "Target date"), ("status", "Status"), ("dropped_reason", "Reason dropped"),
]  # fmt: skip


def _history_changes(
    history: list[Any], since: int, kind: str, fields: list[tuple[str, str]], pathway_of: Any
) -> list[PlanChange]:
    """Changes from history rows after `since`, each diffed against the row before it."""
    previous: dict[int, Any] = {}
    found: list[PlanChange] = []
    for row in history:  # oldest first
        before = previous.get(row.id)
        previous[row.id] = row
        if row.plan_version <= since:
            continue
        pathway = Pathway(pathway_of(row)).label
        if before is None or row.history_type == "+":
            found.append(
                PlanChange(
                    row.plan_version, row.history_date, _user_name(row.history_user),
                    f"Added {kind} on {pathway.lower()}: {row.description}",
                )
            )  # fmt: skip
        else:
            found.append(
                PlanChange(
                    row.plan_version, row.history_date, _user_name(row.history_user),
                    f"Changed {kind} on {pathway.lower()}: {before.description}",
                    _field_changes(before, row, fields),
                )
            )  # fmt: skip
    return found


def plan_changes(plan: CarePlan, *, since: int, grants: PersonGrants) -> list[PlanChange]:
    """What changed in the plan after version `since`, oldest first, as far as the reader may
    see: changes on pathways they cannot read and reviews without case notes are left out.
    A bounded number of queries, read from the history the services write."""
    readable = {p.value for p in Pathway if rules.reads_pathway(grants, p.value)}
    objectives = {o.pk: o for o in Objective.objects.filter(plan=plan)}
    visible_objectives = [pk for pk, o in objectives.items() if o.pathway in readable]
    objective_history = list(
        Objective.history.filter(id__in=visible_objectives)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    action_history = list(
        PlanAction.history.filter(objective_id__in=visible_objectives)
        .select_related("history_user", "agency", "lead_officer")
        .order_by("history_date", "history_id")
    )
    changes = _history_changes(
        objective_history, since, "objective", _OBJECTIVE_FIELDS, lambda row: row.pathway
    )
    changes += _history_changes(
        action_history, since, "action", _ACTION_FIELDS,
        lambda row: objectives[row.objective_id].pathway,
    )  # fmt: skip
    if grants.can_read(Category.CASE_NOTES):
        for review in plan.reviews.filter(plan_version__gt=since).select_related("recorded_by"):
            changes.append(
                PlanChange(
                    review.plan_version, review.recorded_at, _user_name(review.recorded_by),
                    f"Recorded the review of {review.reviewed_on:%-d %B %Y}",
                    [f"Next review by {review.next_review_on:%-d %B %Y}"],
                )
            )  # fmt: skip
    changes.sort(key=lambda change: (change.version, change.at))
    return changes


def lead_officer_choices(agencies: list[Agency]) -> list[User]:
    """Active staff of these agencies who could lead an action, by agency and name."""
    return list(
        User.objects.filter(agency__in=agencies, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )
