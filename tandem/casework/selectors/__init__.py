"""Casework reads, each scoped by the caller's access check and owning its joins."""

from .after_exit import AfterExit, after_exit_for, after_exit_of
from .allocation import current_leads
from .assessment import AssessmentRow, assessment_history, assessment_row, latest_assessment
from .caseload import CaseloadRow, DueItem, caseload_for, forum_actions_about
from .contact import NoteRow, contact_note_in, contact_notes_for, shows_sensitive
from .mentoring import MentoringView, mentoring_for
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
    "AfterExit",
    "AssessmentRow",
    "CaseloadRow",
    "CaseworkSummary",
    "DueItem",
    "MentoringView",
    "NoteRow",
    "PathwayPlan",
    "PlanChange",
    "PlanView",
    "action_in_plan",
    "after_exit_for",
    "after_exit_of",
    "assessment_history",
    "assessment_row",
    "caseload_for",
    "casework_summary",
    "contact_note_in",
    "contact_notes_for",
    "current_leads",
    "forum_actions_about",
    "latest_assessment",
    "lead_officer_choices",
    "mentoring_for",
    "objective_in_plan",
    "plan_changes",
    "plan_view",
    "prison_work_for",
    "shows_sensitive",
]
