"""Reads for the person page's Casework section, and the prison work record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tandem.core.access import PersonGrants, today
from tandem.core.categories import Category
from tandem.core.models import User
from tandem.people.models import Person

from .. import rules
from ..due import AssessmentDue, assessment_due
from ..models import PRISON_WORK_CATEGORY, CarePlan, PrisonWork, Task, TaskStatus
from .after_exit import AfterExit, after_exit_of
from .assessment import latest_assessment

if TYPE_CHECKING:
    from tandem.people.selectors import PersonRecord


@dataclass
class CaseworkSummary:
    """What the person page says of casework: assessment due, plan review, links."""

    person: Person
    grants: PersonGrants
    due: AssessmentDue | None  # None when risk is withheld
    plan: CarePlan | None
    reads_plan: bool
    reads_prison_work: bool
    # Open tasks, soonest due first, for the roles that open tasks (empty for others).
    tasks: list[Task] = field(default_factory=list)
    # A post-exit contact plan agreed at a forum and still running.
    after_exit: AfterExit | None = None

    @property
    def review_overdue(self) -> bool:
        return self.plan is not None and self.plan.next_review_on < today()


def casework_summary(record: PersonRecord, reader: User) -> CaseworkSummary:
    """The Casework section from the record the person page already loaded: at most seven
    more queries (latest assessment, cohort spells and episodes where the page did not read
    them, the plan, open tasks, a post-exit contact plan and its holder)."""
    person, grants = record.person, record.grants
    due = None
    if grants.can_read(Category.RISK):
        memberships = (
            record.memberships
            if grants.can_read(Category.IDENTITY)
            else list(person.memberships.all())
        )
        episodes = (
            record.episodes if grants.can_read(Category.OFFENDING) else list(person.episodes.all())
        )
        due = assessment_due(
            today(), memberships=memberships, episodes=episodes, latest=latest_assessment(person)
        ).for_reader(grants.can_read(Category.OFFENDING))
    reads_plan = rules.reads_plan(grants)
    plan = CarePlan.objects.filter(person=person).first() if reads_plan else None
    return CaseworkSummary(
        person=person,
        grants=grants,
        due=due,
        plan=plan,
        reads_plan=reads_plan,
        reads_prison_work=any(grants.can_read(c) for c in PRISON_WORK_CATEGORY.values()),
        tasks=list(
            Task.objects.filter(person=person, status=TaskStatus.OPEN)
            .select_related("owner", "owner_agency")
            .order_by("due_on", "id")
        )
        if reader.role in rules.READS_MANAGEMENT
        else [],
        after_exit=after_exit_of(person, today()),
    )


def prison_work_for(person: Person, grants: PersonGrants) -> list[PrisonWork]:
    """The person's prison work the reader may see (by the kind's category), newest first."""
    kinds = [kind for kind, category in PRISON_WORK_CATEGORY.items() if grants.can_read(category)]
    return list(
        PrisonWork.objects.filter(person=person, kind__in=kinds).select_related("recorded_by")
    )
