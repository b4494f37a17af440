"""Casework writes: allocations, assessments, the care plan and the prison work record."""

from .allocation import LEAD_AGENCY_KINDS, allocations_end, lead_allocate
from .assessment import NeedInput, assessment_record, default_reassess_by
from .contact import EDIT_WINDOW, contact_note_add, contact_note_update, may_edit
from .management import (
    CO_WORKER_ROLES,
    co_worker_add,
    co_worker_end,
    lead_reallocate,
    management_set,
)
from .mentoring import (
    PAIRS_ROLES,
    may_end,
    may_log,
    may_pair,
    mentor_choices,
    mentoring_end,
    mentoring_meeting_log,
    mentoring_pair,
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
    task_create,
    tasks_done_by_referral,
    tasks_generate_for_release,
    tasks_lapse,
)

__all__ = [
    "CO_WORKER_ROLES",
    "EDIT_WINDOW",
    "LEAD_AGENCY_KINDS",
    "PAIRS_ROLES",
    "Generated",
    "NeedInput",
    "StalePlanError",
    "allocations_end",
    "assessment_record",
    "co_worker_add",
    "co_worker_end",
    "contact_note_add",
    "contact_note_update",
    "default_reassess_by",
    "lead_allocate",
    "lead_reallocate",
    "management_set",
    "may_close",
    "may_edit",
    "may_end",
    "may_log",
    "may_pair",
    "mentor_choices",
    "mentoring_end",
    "mentoring_meeting_log",
    "mentoring_pair",
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
    "task_create",
    "tasks_done_by_referral",
    "tasks_generate_for_release",
    "tasks_lapse",
]
