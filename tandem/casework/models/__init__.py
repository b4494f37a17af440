"""Casework data, one module per topic; everything importable from tandem.casework.models."""

from .allocation import Allocation, AllocationRole, AllocationTrigger
from .assessment import AssessedNeed, Assessment, NeedLevel, RoshLevel
from .plan import CarePlan, ItemStatus, Objective, PlanAction, PlanReview
from .prison import PRISON_WORK_CATEGORY, PrisonWork, PrisonWorkKind

__all__ = [
    "PRISON_WORK_CATEGORY",
    "Allocation",
    "AllocationRole",
    "AllocationTrigger",
    "AssessedNeed",
    "Assessment",
    "CarePlan",
    "ItemStatus",
    "NeedLevel",
    "Objective",
    "PlanAction",
    "PlanReview",
    "PrisonWork",
    "PrisonWorkKind",
    "RoshLevel",
]
