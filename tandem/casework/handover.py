"""The release handover pack: one person's casework gathered for the agencies and the person.

"They come out… it all seems to be lost": the pack carries the assessed needs, the open plan,
the work done in prison and the people to contact across the gate, to agencies and to the
person without an account. It is built for one reader under the protocol, with the same
rules as the assessment, care plan and prison work pages, so a PDF never carries more than
its reader could see on screen; each section the reader may not see says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string

from tandem.core.access import PersonGrants, today
from tandem.core.categories import Category
from tandem.core.models import Role, User
from tandem.people.models import Person
from tandem.people.selectors import statuses_for
from tandem.people.status import CurrentStatus

from . import rules
from .models import (
    PRISON_WORK_CATEGORY,
    Allocation,
    AllocationRole,
    AssessedNeed,
    Assessment,
    ItemStatus,
    Objective,
    PlanAction,
    PrisonWork,
    PrisonWorkKind,
)
from .pathways import PATHWAY_CATEGORY, Pathway

# The roles a pack is made for: the people who hand a case across the gate. Custody
# officers, analysts, viewers, auditors and administrators never hand over a case.
HANDOVER_ROLES = (Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.PARTNER_WORKER)

CLOSED = (ItemStatus.DONE, ItemStatus.DROPPED)


@dataclass
class Contact:
    """Someone the agencies and the person can call, and why they are in the pack."""

    user: User
    agency: str
    roles: list[str] = field(default_factory=list)
    plain_roles: list[str] = field(default_factory=list)  # the same, in the person's words

    @property
    def name(self) -> str:
        return self.user.display_name


@dataclass
class OpenObjective:
    """An objective still being worked on, with its actions still open."""

    objective: Objective
    actions: list[PlanAction]


@dataclass
class PathwayPlan:
    """One pathway's open objectives, each with its open actions."""

    pathway: Pathway
    objectives: list[OpenObjective]

    @property
    def actions(self) -> list[PlanAction]:
        return [action for objective in self.objectives for action in objective.actions]


@dataclass
class HandoverPack:
    """Everything the pack shows one reader, and what it withholds from them and why."""

    person: Person
    grants: PersonGrants
    on: dt.date
    shows_identity: bool
    status: CurrentStatus | None  # None when offending data is withheld
    reads_risk: bool
    assessment: Assessment | None
    needs: list[AssessedNeed]
    plan_pathways: list[PathwayPlan]  # the pathways the reader may see, in pathway order
    reads_prison_work: bool
    prison_work: list[PrisonWork]
    contacts: list[Contact]
    # Open referrals on the pathways the reader may see (tandem.referrals).
    referrals: list[Any] = field(default_factory=list)
    # Appointments arrive with their own capability; until then the pack says none are
    # booked rather than leaving the heading out.
    appointments: list[Any] = field(default_factory=list)
    withheld: list[tuple[str, str]] = field(default_factory=list)  # (section, reason)

    @property
    def expected_release(self) -> dt.date | None:
        if self.status is None or not self.status.in_custody or self.status.episode is None:
            return None
        return self.status.episode.expected_end_date

    @property
    def quiet_pathways(self) -> list[str]:
        """The readable pathways with no open objective, named once rather than each empty."""
        return [p.pathway.label for p in self.plan_pathways if not p.objectives]

    @property
    def plan_actions(self) -> list[PlanAction]:
        return [action for pathway in self.plan_pathways for action in pathway.actions]

    @property
    def categories(self) -> list[str]:
        """The categories the agency pack shows, for the access log."""
        shown: list[str] = [Category.IDENTITY] if self.shows_identity else []
        if self.status is not None:
            shown.append(Category.OFFENDING)
        if self.reads_risk:
            shown.append(Category.RISK)
        shown += [PATHWAY_CATEGORY[p.pathway] for p in self.plan_pathways]
        shown += self.prison_work_categories
        return sorted(set(shown))

    @property
    def person_categories(self) -> list[str]:
        """The categories the person's own copy shows: no offending or risk."""
        shown: list[str] = [Category.IDENTITY] if self.shows_identity else []
        shown += [PATHWAY_CATEGORY[p.pathway] for p in self.plan_pathways]
        shown += self.prison_work_categories
        return sorted(set(shown))

    @property
    def prison_work_categories(self) -> list[str]:
        return [c for c in set(PRISON_WORK_CATEGORY.values()) if self.grants.can_read(c)]


def _reason(grants: PersonGrants, category: str) -> str:
    withheld = grants.withheld.get(category)
    return withheld.reason if withheld is not None else "The sharing protocol withholds it."


def _needs(person: Person) -> tuple[Assessment | None, list[AssessedNeed]]:
    assessment = (
        Assessment.objects.filter(person=person)
        .select_related("assessor", "assessor_agency")
        .prefetch_related("needs")
        .order_by("-assessed_on", "-id")
        .first()
    )
    if assessment is None:
        return None, []
    found = {need.pathway: need for need in assessment.needs.all()}
    return assessment, [found[p.value] for p in Pathway if p.value in found]


def _plan(person: Person, readable: list[str]) -> list[PathwayPlan]:
    """Open objectives on readable pathways with their open actions: two queries."""
    actions = (
        PlanAction.objects.exclude(status__in=CLOSED)
        .select_related("agency", "lead_officer__agency")
        .order_by("target_date", "id")
    )
    objectives = list(
        Objective.objects.filter(plan__person=person, pathway__in=readable)
        .exclude(status__in=CLOSED)
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="open_actions"))
        .order_by("id")
    )
    return [
        PathwayPlan(
            pathway=p,
            objectives=[
                OpenObjective(objective=o, actions=o.open_actions)
                for o in objectives
                if o.pathway == p.value
            ],
        )
        for p in Pathway
        if p.value in readable
    ]


def _referrals(person: Person, readable: list[str]) -> list[Any]:
    """Referrals still open (a referral made in custody carries on after release), on the
    pathways the reader may see, with the service and who holds it."""
    from tandem.referrals.models import OPEN_STATES, Referral, ReferralState

    return list(
        Referral.objects.filter(person=person, pathway__in=readable, state__in=OPEN_STATES)
        .exclude(state=ReferralState.DRAFT)
        .select_related("service", "to_agency", "worker")
        .order_by("sent_at", "id")
    )


def _contacts(person: Person, plan: list[PathwayPlan], referrals: list[Any]) -> list[Contact]:
    """The lead offender manager, co-workers, the lead officers on open plan actions and
    the workers holding open referrals, each once, in that order."""
    contacts: dict[int, Contact] = {}
    allocations = (
        Allocation.objects.filter(person=person, end_date__isnull=True)
        .select_related("worker", "agency")
        .order_by("start_date", "id")
    )
    # The lead first: the one number to ring when nobody else answers.
    for allocation in sorted(allocations, key=lambda a: a.role != AllocationRole.LEAD):
        contact = contacts.setdefault(
            allocation.worker_id, Contact(user=allocation.worker, agency=allocation.agency.name)
        )
        contact.roles.append(allocation.get_role_display())
        contact.plain_roles.append(
            "Your offender manager and main contact"
            if allocation.role == AllocationRole.LEAD
            else "Works with your offender manager"
        )
    for pathway in plan:
        for action in pathway.actions:
            officer = action.lead_officer
            if officer is None:
                continue
            agency = officer.agency.name if officer.agency else action.agency.name
            contact = contacts.setdefault(officer.pk, Contact(user=officer, agency=agency))
            role = f"Leads plan actions: {pathway.pathway.label.lower()}"
            if role not in contact.roles:
                contact.roles.append(role)
                contact.plain_roles.append(f"Helps you with {pathway.pathway.label.lower()}")
    for referral in referrals:
        worker = referral.worker
        if worker is None:
            continue
        contact = contacts.setdefault(
            worker.pk, Contact(user=worker, agency=referral.to_agency.name)
        )
        label = referral.get_pathway_display().lower()
        role = f"Holds the referral to {referral.service.name}"
        if role not in contact.roles:
            contact.roles.append(role)
            contact.plain_roles.append(f"Helps you with {label}")
    return list(contacts.values())


def handover_pack(person: Person, grants: PersonGrants) -> HandoverPack:
    """The pack for a reader already allowed to open the person (person_for), filtered by
    their grants: a fixed number of queries however long the plan or the record."""
    on = today()
    withheld: list[tuple[str, str]] = []
    shows_identity = grants.can_read(Category.IDENTITY)
    if not shows_identity:
        withheld.append(("Identity and contacts", _reason(grants, Category.IDENTITY)))

    status = None
    if grants.can_read(Category.OFFENDING):
        status = statuses_for([person.pk], on)[person.pk]
    else:
        withheld.append(("Status and release date", _reason(grants, Category.OFFENDING)))

    # Assessed needs are part of the assessment, which is risk data: the assessment page's
    # rule, so the pack shows needs exactly when the reader could open the assessment.
    reads_risk = grants.can_read(Category.RISK)
    assessment, needs = _needs(person) if reads_risk else (None, [])
    if not reads_risk:
        withheld.append(("Assessed needs", _reason(grants, Category.RISK)))

    readable = [p.value for p in Pathway if rules.reads_pathway(grants, p.value)]
    for p in Pathway:
        if p.value not in readable:
            reason = _reason(grants, PATHWAY_CATEGORY[p.value])
            withheld.append((f"Care plan: {p.label.lower()}", reason))
    plan = _plan(person, readable) if readable else []

    prison_kinds = [k for k, c in PRISON_WORK_CATEGORY.items() if grants.can_read(c)]
    labels = dict(PrisonWorkKind.choices)
    for kind, category in PRISON_WORK_CATEGORY.items():
        if kind not in prison_kinds:
            withheld.append((f"Prison work: {labels[kind].lower()}", _reason(grants, category)))
    prison_work = (
        list(PrisonWork.objects.filter(person=person, kind__in=prison_kinds))
        if prison_kinds
        else []
    )

    # Who manages the person is what the custody check tells any officer, so it goes with
    # identity; lead officers come only from the actions the reader may see.
    referrals = _referrals(person, readable)
    contacts = _contacts(person, plan, referrals) if shows_identity else []

    return HandoverPack(
        person=person,
        grants=grants,
        on=on,
        shows_identity=shows_identity,
        status=status,
        reads_risk=reads_risk,
        assessment=assessment,
        needs=needs,
        plan_pathways=plan,
        reads_prison_work=bool(prison_kinds),
        prison_work=prison_work,
        contacts=contacts,
        referrals=referrals,
        withheld=withheld,
    )


def handover_pdf(context: dict[str, Any], *, base_url: str) -> bytes:
    """The pack as a PDF: the same body as the page, in a standalone document template."""
    # Imported here: WeasyPrint loads Pango when imported, which only this download needs.
    from weasyprint import HTML

    html = render_to_string("casework/handover_document.html", {**context, "for_pdf": True})
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf
