"""Casework reads, each scoped by the caller's access check and owning its joins."""

from .allocation import current_leads
from .assessment import AssessmentRow, assessment_history, assessment_row, latest_assessment
from .plan import (
    PathwayPlan,
    PlanChange,
    PlanView,
    action_in_plan,
    lead_officer_choices,
    objective_in_plan,
    plan_changes,
    plan_view,
)
from .summary import CaseworkSummary, casework_summary, prison_work_for

__all__ = [
    "AssessmentRow",
    "CaseworkSummary",
    "PathwayPlan",
    "PlanChange",
    "PlanView",
    "action_in_plan",
    "assessment_history",
    "assessment_row",
    "casework_summary",
    "current_leads",
    "latest_assessment",
    "lead_officer_choices",
    "objective_in_plan",
    "plan_changes",
    "plan_view",
    "prison_work_for",
]
