"""Casework writes: allocations, assessments, the care plan and the prison work record."""

from .allocation import LEAD_AGENCY_KINDS, allocations_end, lead_allocate
from .assessment import NeedInput, assessment_record, default_reassess_by
from .plan import (
    StalePlanError,
    objective_add,
    objective_update,
    plan_action_add,
    plan_action_update,
    plan_review_record,
)
from .prison import prison_work_add

__all__ = [
    "LEAD_AGENCY_KINDS",
    "NeedInput",
    "StalePlanError",
    "allocations_end",
    "assessment_record",
    "default_reassess_by",
    "lead_allocate",
    "objective_add",
    "objective_update",
    "plan_action_add",
    "plan_action_update",
    "plan_review_record",
    "prison_work_add",
]
