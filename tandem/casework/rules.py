"""Who may read and change which part of casework, from the protocol's grants.

Assessments are risk data. A care plan's objectives and actions belong to their pathway's
category; its reviews are case notes. Writing follows the protocol's write level: offender
managers plan and review; a partner worker whose agency may write a pathway's category adds
and updates that pathway's actions for their own agency, and nothing else.
"""

from __future__ import annotations

from tandem.core.access import PersonGrants
from tandem.core.categories import Category
from tandem.core.models import Agency, Role, User

from .pathways import PATHWAY_CATEGORY

# Roles that plan: they write objectives, any agency's actions and reviews.
PLANNING_ROLES = frozenset({Role.OFFENDER_MANAGER})
# Roles that read who manages a person (the Management page) and open their tasks, and
# the roles that change the management.
READS_MANAGEMENT = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER})
CHANGES_MANAGEMENT = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR})


def reads_pathway(grants: PersonGrants, pathway: str) -> bool:
    return grants.can_read(PATHWAY_CATEGORY[pathway])


def writes_objective(actor: User, grants: PersonGrants, pathway: str) -> bool:
    return actor.role in PLANNING_ROLES and grants.can_write(PATHWAY_CATEGORY[pathway])


def writes_action(actor: User, grants: PersonGrants, pathway: str, agency: Agency | None) -> bool:
    """Whether the actor may add or change an action on this pathway for this agency (None:
    for some agency, as when offering the form)."""
    if not grants.can_write(PATHWAY_CATEGORY[pathway]):
        return False
    if actor.role in PLANNING_ROLES:
        return True
    return actor.role == Role.PARTNER_WORKER and (agency is None or agency.pk == actor.agency_id)


def writes_review(actor: User, grants: PersonGrants) -> bool:
    return actor.role in PLANNING_ROLES and grants.can_write(Category.CASE_NOTES)


def reads_plan(grants: PersonGrants) -> bool:
    """Whether any part of a care plan is the actor's to see."""
    return grants.can_read(Category.CASE_NOTES) or any(
        grants.can_read(category) for category in PATHWAY_CATEGORY.values()
    )
