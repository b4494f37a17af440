"""Casework data, one module per topic; everything importable from tandem.casework.models."""

from .allocation import Allocation, AllocationRole, AllocationTrigger
from .assessment import AssessedNeed, Assessment, NeedLevel, RoshLevel
from .contact import ContactNote, ContactType
from .management import CaseManagement, ManagementModel
from .mentoring import MENTORING_CATEGORY, MentoringMeeting, MentoringPairing, MentorKind
from .plan import CarePlan, ItemStatus, Objective, PlanAction, PlanReview
from .prison import PRISON_WORK_CATEGORY, PrisonWork, PrisonWorkKind
from .task import Task, TaskStatus

__all__ = [
    "MENTORING_CATEGORY",
    "PRISON_WORK_CATEGORY",
    "Allocation",
    "AllocationRole",
    "AllocationTrigger",
    "AssessedNeed",
    "Assessment",
    "CarePlan",
    "CaseManagement",
    "ContactNote",
    "ContactType",
    "ItemStatus",
    "ManagementModel",
    "MentorKind",
    "MentoringMeeting",
    "MentoringPairing",
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
