"""Casework data, one module per topic; everything importable from tandem.casework.models."""

from .allocation import Allocation, AllocationRole, AllocationTrigger
from .assessment import AssessedNeed, Assessment, NeedLevel, RoshLevel
from .management import CaseManagement, ManagementModel
from .plan import CarePlan, ItemStatus, Objective, PlanAction, PlanReview
from .prison import PRISON_WORK_CATEGORY, PrisonWork, PrisonWorkKind
from .task import Task, TaskStatus

__all__ = [
    "PRISON_WORK_CATEGORY",
    "Allocation",
    "AllocationRole",
    "AllocationTrigger",
    "AssessedNeed",
    "Assessment",
    "CarePlan",
    "CaseManagement",
    "ItemStatus",
    "ManagementModel",
    "NeedLevel",
    "Objective",
    "PlanAction",
    "PlanReview",
    "PrisonWork",
    "PrisonWorkKind",
    "RoshLevel",
    "Task",
    "TaskStatus",
]
