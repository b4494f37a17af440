"""Casework writes: allocations, assessments, the care plan and the prison work record."""

from .allocation import LEAD_AGENCY_KINDS, allocations_end, lead_allocate
from .assessment import NeedInput, assessment_record, default_reassess_by
from .management import (
    CO_WORKER_ROLES,
    co_worker_add,
    co_worker_end,
    lead_reallocate,
    management_set,
)
from .plan import (
    StalePlanError,
    objective_add,
    objective_update,
    plan_action_add,
    plan_action_update,
    plan_review_record,
)
from .prison import prison_work_add
from .tasks import (
    Generated,
    may_close,
    pre_release_tasks_run,
    pre_release_timeline,
    task_cancel,
    task_complete,
    tasks_generate_for_release,
)

__all__ = [
    "CO_WORKER_ROLES",
    "LEAD_AGENCY_KINDS",
    "Generated",
    "NeedInput",
    "StalePlanError",
    "allocations_end",
    "assessment_record",
    "co_worker_add",
    "co_worker_end",
    "default_reassess_by",
    "lead_allocate",
    "lead_reallocate",
    "management_set",
    "may_close",
    "objective_add",
    "objective_update",
    "plan_action_add",
    "plan_action_update",
    "plan_review_record",
    "pre_release_tasks_run",
    "pre_release_timeline",
    "prison_work_add",
    "task_cancel",
    "task_complete",
    "tasks_generate_for_release",
]
