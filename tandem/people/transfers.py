"""Transfers between areas: proposed when the responsibility rules point away from the area
a cohort member is managed in; accepted by both areas, or decided by the coordinator.

A transfer moves the membership as a forum's transfer decision does (the old spell ends
"transferred", a new one starts in the receiving area, linked to it and marked for that
area's next forum to ratify) and hands over the lead. Nobody is left without a lead: if the
lead does not work in the receiving area they stay lead until that area allocates one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.casework.models import AllocationTrigger
from tandem.casework.selectors import current_leads
from tandem.casework.services import LEAD_AGENCY_KINDS, lead_allocate
from tandem.cohort.models import EndReason, Membership
from tandem.cohort.services import membership_end, membership_start
from tandem.core.access import today
from tandem.core.models import Area, Role, User
from tandem.core.notices import notice_send

from .models import (
    OPEN_TRANSFER_STATUSES,
    Person,
    TransferProposal,
    TransferResolution,
    TransferResponse,
    TransferStatus,
)
from .responsibility import Responsibility, responsibilities

SENDING, RECEIVING = "sending", "receiving"
SIDES = {SENDING: "from_area", RECEIVING: "to_area"}
ACTING_ROLES = (Role.OFFENDER_MANAGER, Role.COORDINATOR)


def _link(proposal: TransferProposal) -> str:
    return reverse("people:transfer", args=[proposal.pk])


def _saved(obj: object, actor: User | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj.save()  # type: ignore[attr-defined]


def coordinators_of(*areas: Area) -> list[User]:
    """Active coordinators working in any of the areas."""
    return list(
        User.objects.filter(role=Role.COORDINATOR, is_active=True, areas__in=areas)
        .distinct()
        .order_by("pk")
    )


def acts_for(actor: User, area: Area | int) -> bool:
    """Offender managers and coordinators act for the areas they work in."""
    area_id = area if isinstance(area, int) else area.pk
    return actor.role in ACTING_ROLES and actor.areas.filter(pk=area_id).exists()


def may_resolve(actor: User, proposal: TransferProposal) -> bool:
    """The partnership coordinator, covering both areas, decides disputes."""
    return (
        actor.role == Role.COORDINATOR
        and actor.areas.filter(pk__in=[proposal.from_area_id, proposal.to_area_id]).count() == 2
    )


def leads_in(*areas: Area) -> QuerySet[User]:
    """Offender managers who can lead a case and work in any of the areas."""
    return (
        User.objects.filter(
            role=Role.OFFENDER_MANAGER,
            is_active=True,
            agency__kind__in=LEAD_AGENCY_KINDS,
            areas__in=areas,
        )
        .distinct()
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
    )


def _check_lead(lead: User | None, area: Area, field: str = "lead") -> dict[str, str]:
    if lead is None:
        return {}
    works_there = lead.areas.filter(pk=area.pk).exists()
    if lead.role != Role.OFFENDER_MANAGER or lead.agency_kind not in LEAD_AGENCY_KINDS:
        return {field: "The lead must be a police, probation or prison offender manager"}
    if not works_there:
        return {field: f"Choose an offender manager who works in {area.name}"}
    return {}


# Proposing


@transaction.atomic
def transfer_propose(
    *,
    actor: User | None,
    membership: Membership,
    to_area: Area,
    rule: str,
    reason: str,
) -> TransferProposal | None:
    """Propose moving a current membership to `to_area`; `actor` None means Tandem did.

    Idempotent: an open proposal to the same area is returned as it is. An open proposal
    to another area is withdrawn first. A coordinator's decision to keep the person where
    they are stands for this membership and destination: nothing is proposed (None).
    """
    membership = Membership.objects.select_for_update().select_related("area").get(pk=membership.pk)
    if membership.end_date is not None:
        raise ValidationError("This membership has ended: there is nothing to transfer")
    if to_area.pk == membership.area_id:
        raise ValidationError("The person is already managed in that area")
    existing = TransferProposal.objects.filter(
        membership=membership, status__in=OPEN_TRANSFER_STATUSES
    ).first()
    if existing is not None:
        if existing.to_area_id == to_area.pk:
            return existing
        _withdraw(actor, existing, "The rules now point to another area")
    if TransferProposal.objects.filter(
        membership=membership,
        to_area=to_area,
        status=TransferStatus.RESOLVED,
        resolution=TransferResolution.STAY,
    ).exists():
        return None
    proposal = TransferProposal(
        person_id=membership.person_id,
        membership=membership,
        from_area=membership.area,
        to_area=to_area,
        rule=rule,
        reason=reason[:500],
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            _saved(proposal, actor)
    except IntegrityError:
        # Someone (or the nightly run) proposed it at the same moment: theirs stands.
        return TransferProposal.objects.get(
            membership=membership, status__in=OPEN_TRANSFER_STATUSES
        )
    lead = current_leads([membership.person_id]).get(membership.person_id)
    notice_send(
        recipients=[lead.worker if lead else None, *coordinators_of(membership.area, to_area)],
        subject=f"Transfer proposed from {membership.area.name} to {to_area.name}",
        body=f"Tandem number {membership.person_id}: both areas are asked to accept or "
        "dispute the transfer.",
        link=_link(proposal),
    )
    return proposal


def _withdraw(actor: User | None, proposal: TransferProposal, note: str) -> None:
    proposal.status = TransferStatus.WITHDRAWN
    proposal.closed_at = timezone.now()
    proposal.closed_note = note
    _saved(proposal, actor)


def _current_membership(person_id: int, on: dt.date) -> Membership | None:
    return (
        Membership.objects.filter(person_id=person_id, start_date__lte=on, end_date__isnull=True)
        .select_related("area")
        .first()
    )


def _review(
    actor: User | None, membership: Membership, found: Responsibility
) -> tuple[str, TransferProposal | None]:
    """Propose, keep or withdraw for one membership; says which it did."""
    if found.area is None or found.area_id == membership.area_id:
        stale = TransferProposal.objects.filter(
            membership=membership, status=TransferStatus.PROPOSED
        ).first()
        if stale is not None:
            # A dispute stays with the coordinator, who decides on the facts as they are.
            _withdraw(actor, stale, "The rules now point to the area managing the person")
            return "withdrawn", None
        return "unchanged", None
    before = TransferProposal.objects.filter(
        membership=membership, status__in=OPEN_TRANSFER_STATUSES, to_area=found.area
    ).exists()
    proposal = transfer_propose(
        actor=actor,
        membership=membership,
        to_area=found.area,
        rule=found.rule,
        reason=found.reason,
    )
    if proposal is None:
        return "decided", None
    return ("open" if before else "proposed"), proposal


@transaction.atomic
def transfer_review(*, actor: User | None, person: Person) -> TransferProposal | None:
    """Apply the responsibility rules to a member now; propose a transfer if they point
    elsewhere, withdraw an unanswered proposal if they no longer do."""
    day = today()
    membership = _current_membership(person.pk, day)
    if membership is None:
        return None
    found = responsibilities([person.pk], day)[person.pk]
    return _review(actor, membership, found)[1]


@dataclass(frozen=True)
class ReviewSummary:
    members: int
    proposed: int
    already_open: int
    withdrawn: int
    decided: int


@transaction.atomic
def transfers_propose_all(*, actor: User | None = None) -> ReviewSummary:
    """Review every current member (the nightly `tandem transfers propose`)."""
    day = today()
    memberships = list(
        Membership.objects.filter(start_date__lte=day, end_date__isnull=True)
        .select_related("area")
        .order_by("pk")
    )
    found = responsibilities([m.person_id for m in memberships], day)
    counts = {"proposed": 0, "open": 0, "withdrawn": 0, "decided": 0, "unchanged": 0}
    for membership in memberships:
        what, _ = _review(actor, membership, found[membership.person_id])
        counts[what] += 1
    return ReviewSummary(
        members=len(memberships),
        proposed=counts["proposed"],
        already_open=counts["open"],
        withdrawn=counts["withdrawn"],
        decided=counts["decided"],
    )


# Answering and deciding


def pending_sides(actor: User, proposal: TransferProposal) -> list[str]:
    """The sides of an open, undisputed proposal the actor may still answer for."""
    if proposal.status != TransferStatus.PROPOSED:
        return []
    return [
        side
        for side, area in SIDES.items()
        if not proposal.response_of(side) and acts_for(actor, getattr(proposal, f"{area}_id"))
    ]


def _locked(proposal: TransferProposal) -> TransferProposal:
    return (
        TransferProposal.objects.select_for_update()
        .select_related("from_area", "to_area", "person")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def transfer_respond(
    *,
    actor: User,
    proposal: TransferProposal,
    side: str,
    response: str,
    note: str = "",
    lead: User | None = None,
) -> TransferProposal:
    """One area accepts or disputes. Both accepting completes the transfer; a dispute goes
    to the partnership coordinator. The receiving area may name the new lead."""
    proposal = _locked(proposal)
    errors: dict[str, str] = {}
    if side not in SIDES:
        raise ValidationError({"side": "Say which area you answer for"})
    area: Area = getattr(proposal, SIDES[side])
    if proposal.status != TransferStatus.PROPOSED:
        errors["__all__"] = (
            f"This proposal is {proposal.get_status_display().lower()}: it takes no more answers"
        )
    elif not acts_for(actor, area):
        errors["__all__"] = f"Only offender managers and coordinators of {area.name} answer for it"
    elif proposal.response_of(side):
        errors["__all__"] = f"{area.name} has already answered"
    if response not in TransferResponse.values:
        errors["response"] = "Choose accept or dispute"
    elif response == TransferResponse.DISPUTE and not note.strip():
        errors["note"] = "Say why the area disputes the transfer, for the coordinator"
    if lead is not None and (side != RECEIVING or response != TransferResponse.ACCEPT):
        errors["lead"] = "Only the receiving area, accepting, names the new lead"
    else:
        errors.update(_check_lead(lead, proposal.to_area))
    if errors:
        raise ValidationError(errors)
    setattr(proposal, f"{side}_response", response)
    setattr(proposal, f"{side}_by", actor)
    setattr(proposal, f"{side}_at", timezone.now())
    setattr(proposal, f"{side}_note", note.strip()[:1000])
    if lead is not None:
        proposal.proposed_lead = lead
    both = proposal.sending_response == proposal.receiving_response == TransferResponse.ACCEPT
    if response == TransferResponse.DISPUTE:
        proposal.status = TransferStatus.DISPUTED
    elif both:
        proposal.status = TransferStatus.ACCEPTED
    _saved(proposal, actor)
    if proposal.status == TransferStatus.DISPUTED:
        notice_send(
            recipients=coordinators_of(proposal.from_area, proposal.to_area),
            subject=f"Transfer disputed by {area.name}: the coordinator decides",
            body=f"Tandem number {proposal.person_id}: {area.name} disputes the transfer from "
            f"{proposal.from_area.name} to {proposal.to_area.name}.",
            link=_link(proposal),
        )
    elif both:
        _complete(actor, proposal, proposal.proposed_lead)
    return proposal


@transaction.atomic
def transfer_resolve(
    *,
    actor: User,
    proposal: TransferProposal,
    resolution: str,
    reason: str,
    lead: User | None = None,
) -> TransferProposal:
    """The partnership coordinator decides a disputed transfer: transfer or stay, with a
    reason both areas see."""
    proposal = _locked(proposal)
    errors: dict[str, str] = {}
    if proposal.status != TransferStatus.DISPUTED:
        errors["__all__"] = "Only a disputed transfer is decided by the coordinator"
    elif not may_resolve(actor, proposal):
        errors["__all__"] = "Only the coordinator of both areas decides a disputed transfer"
    if resolution not in TransferResolution.values:
        errors["resolution"] = "Choose whether the person transfers or stays"
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision; both areas will see it"
    if lead is not None and resolution != TransferResolution.TRANSFER:
        errors["lead"] = "A new lead is named only when the person transfers"
    else:
        errors.update(_check_lead(lead, proposal.to_area))
    if errors:
        raise ValidationError(errors)
    proposal.status = TransferStatus.RESOLVED
    proposal.resolution = resolution
    proposal.resolved_by = actor
    proposal.resolved_at = timezone.now()
    proposal.resolution_reason = reason.strip()[:1000]
    if lead is not None:
        proposal.proposed_lead = lead
    _saved(proposal, actor)
    if resolution == TransferResolution.TRANSFER:
        _complete(actor, proposal, proposal.proposed_lead)
    else:
        proposal.closed_at = timezone.now()
        _saved(proposal, actor)
        current = current_leads([proposal.person_id]).get(proposal.person_id)
        notice_send(
            recipients=[
                current.worker if current else None,
                *coordinators_of(proposal.from_area, proposal.to_area),
            ],
            subject=f"Transfer decided: stays in {proposal.from_area.name}",
            body=f"Tandem number {proposal.person_id} stays in {proposal.from_area.name}.",
            link=_link(proposal),
        )
    return proposal


def _complete(actor: User | None, proposal: TransferProposal, lead: User | None) -> None:
    """Move the membership to the receiving area and hand over the lead if one is named."""
    day = today()
    old = (
        Membership.objects.select_for_update()
        .select_related("scheme")
        .get(pk=proposal.membership_id)
    )
    if old.end_date is not None:
        raise ValidationError(
            {"__all__": "The membership ended meanwhile: the transfer cannot complete"}
        )
    basis = f"Transferred from {proposal.from_area.name}: {proposal.reason}"
    membership_end(
        actor=actor,
        membership=old,
        end_date=day,
        end_reason=EndReason.TRANSFERRED,
        note=basis[:1000],
    )
    new = membership_start(
        actor=actor,
        person=proposal.person,
        area=proposal.to_area,
        scheme=old.scheme,
        strand=old.strand,
        start_date=day,
        basis=basis[:1000],
        # As a forum's transfer does: the receiving area's next forum ratifies it.
        between_forums=True,
        moved_from=old,
    )
    proposal.new_membership = new
    proposal.closed_at = timezone.now()
    _saved(proposal, actor)
    current = current_leads([proposal.person_id]).get(proposal.person_id)
    old_lead = current.worker if current else None
    new_lead = None
    if lead is not None and (old_lead is None or old_lead.pk != lead.pk):
        lead_allocate(
            actor=actor,
            person=proposal.person,
            worker=lead,
            start_date=day,
            trigger=AllocationTrigger.TRANSFER,
            note=f"Transferred from {proposal.from_area.name} to {proposal.to_area.name}",
        )
        new_lead = lead
    waiting = new_lead is None and (
        old_lead is None or not old_lead.areas.filter(pk=proposal.to_area_id).exists()
    )
    body = f"Tandem number {proposal.person_id} is now managed in {proposal.to_area.name}."
    if waiting:
        body += (
            " The current lead stays lead until an offender manager in "
            f"{proposal.to_area.name} is allocated."
        )
    notice_send(
        recipients=[old_lead, new_lead, *coordinators_of(proposal.from_area, proposal.to_area)],
        subject=f"Transferred from {proposal.from_area.name} to {proposal.to_area.name}",
        body=body,
        link=_link(proposal),
    )


@transaction.atomic
def transfer_lead_allocate(*, actor: User, proposal: TransferProposal, lead: User) -> None:
    """The receiving area allocates the new lead after a completed transfer (trigger:
    transfer); until then the previous lead stayed lead."""
    proposal = _locked(proposal)
    errors: dict[str, str] = {}
    if proposal.new_membership_id is None:
        errors["__all__"] = "The transfer has not completed"
    elif not acts_for(actor, proposal.to_area):
        errors["__all__"] = (
            f"Only offender managers and coordinators of {proposal.to_area.name} allocate"
        )
    errors.update(_check_lead(lead, proposal.to_area))
    if errors:
        raise ValidationError(errors)
    current = current_leads([proposal.person_id]).get(proposal.person_id)
    try:
        lead_allocate(
            actor=actor,
            person=proposal.person,
            worker=lead,
            start_date=today(),
            trigger=AllocationTrigger.TRANSFER,
            note=f"Transferred from {proposal.from_area.name} to {proposal.to_area.name}",
        )
    except ValidationError as error:
        raise ValidationError(
            {"lead": [m for ms in error.message_dict.values() for m in ms]}
        ) from None
    proposal.proposed_lead = lead
    _saved(proposal, actor)
    notice_send(
        recipients=[current.worker if current else None, lead],
        subject=f"Lead handed over after the transfer to {proposal.to_area.name}",
        body=f"Tandem number {proposal.person_id} has a new lead offender manager.",
        link=reverse("people:detail", args=[proposal.person_id]),
    )


def awaiting_lead(proposals: Iterable[TransferProposal]) -> set[int]:
    """Completed transfers whose person's lead does not work in the receiving area (or who
    has no lead): the receiving area still has to allocate one. Two queries."""
    done = [p for p in proposals if p.new_membership_id is not None]
    leads = current_leads([p.person_id for p in done])
    workers = {a.worker_id for a in leads.values()}
    areas: dict[int, set[int]] = {}
    for user_id, area_id in User.areas.through.objects.filter(user_id__in=workers).values_list(
        "user_id", "area_id"
    ):
        areas.setdefault(user_id, set()).add(area_id)
    waiting = set()
    for p in done:
        lead = leads.get(p.person_id)
        if lead is None or p.to_area_id not in areas.get(lead.worker_id, set()):
            waiting.add(p.pk)
    return waiting


def open_or_involving(area_ids: Iterable[int]) -> Q:
    """Proposals sent from or to any of the areas."""
    ids = list(area_ids)
    return Q(from_area_id__in=ids) | Q(to_area_id__in=ids)
