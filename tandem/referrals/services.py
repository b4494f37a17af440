"""Writes for referrals and the service directory: every change checked, evented and told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.casework.models import PlanAction
from tandem.casework.pathways import Pathway
from tandem.casework.services import tasks_done_by_referral
from tandem.core.access import grants_for, people_for, today
from tandem.core.models import Agency, Area, Role, User
from tandem.core.notices import notice_send
from tandem.offending.models import DrugTest, TestResult
from tandem.people import services as people_services
from tandem.people.models import Person
from tandem.people.selectors import statuses_for

from . import sharing
from .models import (
    OPEN_STATES,
    TAKING_A_PLACE,
    EventKind,
    HowReferred,
    PartnerService,
    ProgressNote,
    Referral,
    ReferralEvent,
    ReferralState,
    Urgency,
)
from .rules import ENDING_STEPS, ENGAGING_STEPS, STEPS, Step, refusal

# Roles that may make referrals (for people they may open) and act for a receiving agency.
REFERRING_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.PARTNER_WORKER})
RECEIVING_ROLES = frozenset({Role.PARTNER_WORKER, Role.OFFENDER_MANAGER, Role.COORDINATOR})
# A positive test this recent counts as current drug use for a service's eligibility.
CURRENT_USE_DAYS = 90


class NeedsConfirmation(ValidationError):
    """The referral can go ahead, but the sender must first read these warnings."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(warnings)
        self.warnings = warnings


# The service directory


# More places than any partner service offers: a typing slip, and beyond what the
# database column holds.
MAX_CAPACITY = 100_000


def _service_errors(
    *, agency: Agency | None, name: str, pathways: list[str], offer: str, contact: str,
    areas: Iterable[Area], capacity: int | None,
) -> dict[str, str]:  # fmt: skip
    errors = {}
    if agency is None:
        errors["agency"] = "Choose the agency that provides the service"
    if not name.strip():
        errors["name"] = "Enter the service's name"
    if not pathways or any(p not in Pathway.values for p in pathways):
        errors["pathways"] = "Choose at least one pathway the service works on"
    if not offer.strip():
        errors["offer"] = "Say what the service offers"
    if not contact.strip():
        errors["contact"] = "Enter how to contact the service"
    if not list(areas):
        errors["areas"] = "Choose at least one area the service covers"
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = (
            f"Capacity must be from 1 to {MAX_CAPACITY:,}, or left blank when not limited"
        )
    return errors


@transaction.atomic
def service_save(
    *,
    actor: User,
    service: PartnerService | None = None,
    agency: Agency | None,
    name: str,
    pathways: list[str],
    offer: str,
    eligibility: str = "",
    accepts_current_drug_use: bool = True,
    areas: Iterable[Area],
    capacity: int | None = None,
    contact: str,
    how_referred: str = HowReferred.TANDEM,
    referral_notes: str = "",
    active: bool = True,
) -> PartnerService:
    """Add a service to the directory or change one (coordinators only)."""
    if actor.role != Role.COORDINATOR:
        raise ValidationError("Only a coordinator maintains the service directory")
    areas = list(areas)
    errors = _service_errors(
        agency=agency, name=name, pathways=pathways, offer=offer, contact=contact,
        areas=areas, capacity=capacity,
    )  # fmt: skip
    duplicate = PartnerService.objects.filter(agency=agency, name__iexact=name.strip())
    if service is not None:
        duplicate = duplicate.exclude(pk=service.pk)
    if agency is not None and duplicate.exists():
        errors["name"] = "This agency already lists a service with this name"
    if errors:
        raise ValidationError(errors)
    assert agency is not None
    service = service or PartnerService()
    service.agency = agency
    service.name = name.strip()
    service.pathways = [p for p in Pathway.values if p in pathways]
    service.offer = offer.strip()
    service.eligibility = eligibility.strip()
    service.accepts_current_drug_use = accepts_current_drug_use
    service.capacity = capacity
    service.contact = contact.strip()
    service.how_referred = how_referred
    service.referral_notes = referral_notes.strip()
    service.active = active
    service._history_user = actor  # type: ignore[attr-defined]
    service.save()
    service.areas.set(areas)
    return service


# Making a referral


def services_for(pathway: str, area: Area | None) -> QuerySet[PartnerService]:
    """Active services on a pathway covering an area: the right routes to suggest."""
    # Pathways are a JSON list (SQLite serves the demo): filtered here, not in SQL.
    on_pathway = [
        s.pk
        for s in PartnerService.objects.filter(active=True).only("pk", "pathways")
        if pathway in s.pathways
    ]
    services = PartnerService.objects.filter(pk__in=on_pathway)
    if area is not None:
        services = services.filter(areas=area)
    return services.select_related("agency").order_by("name")


def route_errors(person: Person, service: PartnerService, pathway: str) -> dict[str, str]:
    """Guidance when the chosen service is the wrong route for this pathway or area."""
    area = person.residence_area
    wrong = []
    if not service.active:
        wrong.append(f"{service.name} is no longer taking referrals")
    if pathway not in service.pathways:
        wrong.append(f"{service.name} does not work on {sharing.pathway_label(pathway).lower()}")
    if area is not None and not service.areas.filter(pk=area.pk).exists():
        wrong.append(f"{service.name} does not cover {area.name}")
    if not wrong:
        return {}
    others = [s for s in services_for(pathway, area) if s.pk != service.pk]
    where = f" in {area.name}" if area else ""
    if others:
        route = "Services that do: " + "; ".join(f"{s.name} ({s.agency.name})" for s in others)
    else:
        route = (
            f"No service in the directory covers {sharing.pathway_label(pathway).lower()}{where}: "
            "ask the partnership coordinator"
        )
    return {"service": ". ".join(wrong) + f". {route}."}


def _warnings(
    person: Person, service: PartnerService, pathway: str, draft: Referral | None
) -> list[str]:
    warnings = []
    open_referrals = Referral.objects.filter(person=person, state__in=OPEN_STATES).filter(
        Q(service=service) | Q(pathway=pathway)
    )
    if draft is not None:
        open_referrals = open_referrals.exclude(pk=draft.pk)
    for referral in open_referrals.select_related("service"):
        same = "this service" if referral.service_id == service.pk else "this pathway"
        warnings.append(
            f"There is already an open referral to {same}: {referral.service.name}, "
            f"{referral.get_state_display().lower()} (referral {referral.pk})"
        )
    if not service.accepts_current_drug_use:
        since = today() - dt.timedelta(days=CURRENT_USE_DAYS)
        recent_positive = DrugTest.objects.filter(person=person, test_date__gte=since).filter(
            Q(opiates=TestResult.POSITIVE)
            | Q(cocaine=TestResult.POSITIVE)
            | Q(other=TestResult.POSITIVE)
        )
        in_treatment = Referral.objects.filter(
            person=person, pathway=Pathway.DRUGS_ALCOHOL, state__in=TAKING_A_PLACE
        )
        if recent_positive.exists():
            warnings.append(
                f"{service.name} does not take clients using drugs now, and this person "
                f"tested positive in the last {CURRENT_USE_DAYS} days"
            )
        elif in_treatment.exists():
            warnings.append(
                f"{service.name} does not take clients using drugs now, and this person is "
                "in drug treatment: check with the service before referring"
            )
    if service.capacity is not None:
        taken = Referral.objects.filter(service=service, state__in=TAKING_A_PLACE).count()
        if taken >= service.capacity:
            warnings.append(
                f"{service.name} has no places free now ({taken} taken of {service.capacity}): "
                "the referral may wait for a place"
            )
    return warnings


def _checked(
    *,
    actor: User,
    person: Person,
    service: PartnerService,
    pathway: str,
    reason: str,
    urgency: str,
    consent_given_on: dt.date | None,
    consent_categories: list[str],
    plan_action: PlanAction | None,
    confirmed: bool,
    draft: Referral | None = None,
) -> dict[str, object]:
    """The referral's fields once checked: the right route, consent for what is shared and
    (unless `confirmed`) no open referral to the same service or pathway."""
    if actor.role not in REFERRING_ROLES or not people_for(actor).filter(pk=person.pk).exists():
        raise ValidationError("You cannot make referrals for this person")
    errors: dict[str, str] = {}
    if pathway not in Pathway.values:
        errors["pathway"] = "Choose the pathway the referral is for"
    if not reason.strip():
        errors["reason"] = "Say why you are making the referral"
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose how urgent the referral is"
    entitled = sharing.entitled_categories(service.agency)
    beyond = [c for c in consent_categories if c not in entitled]
    if beyond:
        errors["consent_categories"] = (
            f"{service.agency.name} may not receive "
            + ", ".join(sharing.Category(c).label.lower() for c in beyond)
            + " data under the sharing protocol"
        )
    unreadable = [c for c in consent_categories if not grants_for(actor, person).can_read(c)]
    if unreadable and "consent_categories" not in errors:
        errors["consent_categories"] = (
            "You cannot share what you may not read yourself: "
            + ", ".join(sharing.Category(c).label.lower() for c in unreadable)
        )
    if consent_categories and consent_given_on is None:
        errors["consent_given_on"] = "Enter the date the person gave consent to share"
    if consent_given_on is not None and consent_given_on > today():
        errors["consent_given_on"] = "The date of consent cannot be in the future"
    elif consent_given_on is not None and consent_given_on < person.date_of_birth:
        errors["consent_given_on"] = (
            "The date of consent cannot be before the person was born: check the year"
        )
    if plan_action is not None and plan_action.objective.plan.person_id != person.pk:
        errors["plan_action"] = "The care plan action belongs to someone else"
    if not errors:
        errors.update(route_errors(person, service, pathway))
    if errors:
        raise ValidationError(errors)
    if not confirmed:
        warnings = _warnings(person, service, pathway, draft)
        if warnings:
            raise NeedsConfirmation(warnings)
    return {
        "service": service,
        "to_agency": service.agency,
        "pathway": pathway,
        "reason": reason.strip(),
        "urgency": urgency,
        "consent_given_on": consent_given_on if consent_categories else None,
        "consent_categories": [c for c in sharing.Category.values if c in consent_categories],
        "plan_action": plan_action,
    }


@transaction.atomic
def referral_create(
    *,
    actor: User,
    person: Person,
    service: PartnerService,
    pathway: str,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    consent_given_on: dt.date | None = None,
    consent_categories: list[str] | None = None,
    plan_action: PlanAction | None = None,
    confirmed: bool = False,
) -> Referral:
    """A draft referral, checked; the sender previews what it shares, then sends it."""
    fields = _checked(
        actor=actor, person=person, service=service, pathway=pathway, reason=reason,
        urgency=urgency, consent_given_on=consent_given_on,
        consent_categories=list(consent_categories or []), plan_action=plan_action,
        confirmed=confirmed,
    )  # fmt: skip
    assert actor.agency is not None
    referral = Referral(person=person, from_agency=actor.agency, referrer=actor, **fields)
    referral._history_user = actor  # type: ignore[attr-defined]
    referral.save()
    _event(referral, ReferralState.DRAFT, actor, "")
    return referral


@transaction.atomic
def referral_update_draft(
    *,
    actor: User,
    referral: Referral,
    seen_version: int,
    service: PartnerService,
    pathway: str,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    consent_given_on: dt.date | None = None,
    consent_categories: list[str] | None = None,
    plan_action: PlanAction | None = None,
    confirmed: bool = False,
) -> Referral:
    """Change a draft before it is sent, checked as a new referral would be."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.state != ReferralState.DRAFT:
        raise ValidationError("This referral has been sent: it can no longer be changed")
    if not sends(actor, locked):
        raise ValidationError("Only the referring agency can change the draft")
    _version_check(locked, seen_version)
    fields = _checked(
        actor=actor, person=locked.person, service=service, pathway=pathway, reason=reason,
        urgency=urgency, consent_given_on=consent_given_on,
        consent_categories=list(consent_categories or []), plan_action=plan_action,
        confirmed=confirmed, draft=locked,
    )  # fmt: skip
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()
    return locked


# Moving a referral through its life


def sends(actor: User, referral: Referral, in_scope: set[int] | None = None) -> bool:
    """Whether the actor acts for the referring side: the referrer alone while it is a
    draft; once sent, also their agency's offender managers and the coordinators, for
    people they may open. `in_scope` (the person ids the actor may open) saves a query per
    referral on lists."""
    if actor.role not in REFERRING_ROLES:
        return False
    if referral.state == ReferralState.DRAFT or actor.role == Role.PARTNER_WORKER:
        allowed = actor.pk == referral.referrer_id
    else:
        allowed = actor.agency_id == referral.from_agency_id or actor.role == Role.COORDINATOR
    if not allowed:
        return False
    if in_scope is not None:
        return referral.person_id in in_scope
    return people_for(actor).filter(pk=referral.person_id).exists()


def receives(actor: User, referral: Referral) -> bool:
    return actor.role in RECEIVING_ROLES and actor.agency_id == referral.to_agency_id


def may_take(actor: User, referral: Referral, step: Step) -> bool:
    side = sends if step.side == "sender" else receives
    return side(actor, referral)


def _version_check(referral: Referral, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != referral.version:
        last = referral.events.order_by("-at", "-id").select_related("actor").first()
        who = last.actor.display_name if last and last.actor else "someone"
        raise ValidationError(
            f"This referral changed since you opened it: {who} marked it "
            f"{referral.get_state_display().lower()}. Look again before you act."
        )


def _event(
    referral: Referral, state: str, actor: User | None, note: str, kind: str = EventKind.STEP
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral, kind=kind, state=state, at=timezone.now(), actor=actor, note=note
    )


def receiving_workers(referral: Referral) -> list[User]:
    if referral.worker is not None:
        return [referral.worker]
    return list(
        User.objects.filter(
            agency_id=referral.to_agency_id, is_active=True, role__in=RECEIVING_ROLES
        ).exclude(role=Role.COORDINATOR)
    )


def _tell(referral: Referral, step: Step, actor: User) -> None:
    """The other side hears of each step, by referral number and service only."""
    link = reverse("referrals:detail", args=[referral.pk])
    recipients = receiving_workers(referral) if step.side == "sender" else [referral.referrer]
    notice_send(
        recipients=[u for u in recipients if u.pk != actor.pk],
        subject=f"Referral {referral.pk} to {referral.service.name} {step.verb}",
        body=f"Tandem number {referral.person_id}: referral {referral.pk} was {step.verb} "
        f"by {actor.agency.name if actor.agency else 'Tandem'}.",
        link=link,
    )


@transaction.atomic
def referral_step(
    *,
    actor: User,
    referral: Referral,
    step: str,
    reason: str = "",
    outcome_summary: str = "",
    seen_version: int | None = None,
) -> Referral:
    """Take one lifecycle step; impossible steps are refused and change nothing."""
    if step not in STEPS:
        raise ValidationError("Unknown step")
    rule = STEPS[step]
    referral = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
    if not may_take(actor, referral, rule):
        side = "the agency the referral is to" if rule.side == "receiver" else "the referrer"
        raise ValidationError(f"Only {side} can mark this referral {rule.verb}")
    _version_check(referral, seen_version)
    if referral.state not in rule.sources:
        raise ValidationError(refusal(rule, ReferralState(referral.state)))
    if rule.needs_reason and not reason.strip():
        raise ValidationError({"reason": f"Say why the referral is {rule.verb}"})
    now = timezone.now()
    if step == "send":
        _send(referral, now)
        # The referral answers the pre-release task that asked for it, if one is open.
        tasks_done_by_referral(actor=actor, person_id=referral.person_id, pathway=referral.pathway)
    elif step in {"acknowledge", "accept"} and referral.acknowledged_at is None:
        referral.acknowledged_at = now
    if step == "accept":
        referral.accepted_at = now
        if actor.role == Role.PARTNER_WORKER:
            referral.worker = actor
    if step == "start":
        referral.started_at = now
    if rule.needs_reason:
        referral.end_reason = reason.strip()
    if step in ENDING_STEPS or step == "decline":
        referral.ended_at = now
    if outcome_summary.strip():
        referral.outcome_summary = outcome_summary.strip()
    referral.state = rule.to
    referral.version += 1
    if step in ENGAGING_STEPS:
        referral.engagement = people_services.engagement_start(
            actor=actor,
            agency=referral.to_agency,
            person=referral.person,
            start_date=today(),
            purpose=f"Referral {referral.pk}: {referral.service.name}",
        )
    if step in ENDING_STEPS and referral.engagement is not None:
        people_services.engagement_end(actor=actor, engagement=referral.engagement)
    referral._history_user = actor  # type: ignore[attr-defined]
    referral.save()
    _event(referral, rule.to, actor, reason.strip() or outcome_summary.strip())
    _tell(referral, rule, actor)
    return referral


def _send(referral: Referral, now: dt.datetime) -> None:
    """Freeze what is shared and note whether the person is in custody as it goes."""
    day = timezone.localdate(now)
    categories = sharing.categories_to_share(referral.to_agency, referral.consent_categories)
    referral.shared = sharing.snapshot(referral.person, categories, day)
    referral.sent_at = now
    status = statuses_for([referral.person_id], day)[referral.person_id]
    referral.made_in_custody = status.in_custody


@transaction.atomic
def outcome_record(
    *, actor: User, referral: Referral, outcome_summary: str, seen_version: int | None = None
) -> Referral:
    """The receiving agency's summary of how it ended (or a correction of it)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not receives(actor, referral):
        raise ValidationError("Only the agency the referral is to can record its outcome")
    _version_check(referral, seen_version)
    if referral.state in OPEN_STATES or referral.state == ReferralState.DECLINED:
        raise ValidationError(
            "An outcome is recorded once the work has ended: completed, disengaged or withdrawn"
        )
    if not outcome_summary.strip():
        raise ValidationError({"outcome_summary": "Summarise the outcome"})
    referral.outcome_summary = outcome_summary.strip()
    referral.version += 1
    referral._history_user = actor  # type: ignore[attr-defined]
    referral.save(update_fields=["outcome_summary", "version"])
    _event(referral, referral.state, actor, referral.outcome_summary, kind=EventKind.OUTCOME)
    return referral


def progress_refusal(referral: Referral) -> str:
    """Why progress cannot be recorded on the referral now, or "" while the work is under
    way (accepted or started)."""
    if referral.state in {ReferralState.ACCEPTED, ReferralState.STARTED}:
        return ""
    if referral.state in {ReferralState.SENT, ReferralState.ACKNOWLEDGED}:
        return "Progress is recorded while the work is under way: accept the referral first"
    return (
        f"The referral is {referral.get_state_display().lower()}: progress is recorded only "
        "while the work is under way"
    )


@transaction.atomic
def progress_record(
    *, actor: User, referral: Referral, note: str, written_on: dt.date | None = None
) -> ProgressNote:
    """A progress note by the receiving agency, in the pathway's data category."""
    from tandem.casework.pathways import PATHWAY_CATEGORY

    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not receives(actor, referral):
        raise ValidationError("Only the agency the referral is to records progress on it")
    refusal = progress_refusal(referral)
    if refusal:
        raise ValidationError(refusal)
    written_on = written_on or today()
    accepted_on = timezone.localdate(referral.accepted_at) if referral.accepted_at else today()
    errors = {}
    if not note.strip():
        errors["note"] = "Write the progress note"
    if written_on > today():
        errors["written_on"] = "The date cannot be in the future"
    elif written_on < accepted_on:
        errors["written_on"] = (
            f"The date cannot be before the referral was accepted on {accepted_on:%-d %B %Y}"
        )
    if errors:
        raise ValidationError(errors)
    return ProgressNote.objects.create(
        referral=referral,
        written_on=written_on,
        note=note.strip(),
        category=PATHWAY_CATEGORY[referral.pathway],
        author=actor,
    )


@transaction.atomic
def draft_delete(*, actor: User, referral: Referral) -> None:
    """Throw away an unsent draft, deliberately; the deletion stays in the history."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.state != ReferralState.DRAFT:
        raise ValidationError("Only an unsent draft can be deleted: withdraw a sent referral")
    if not sends(actor, referral):
        raise ValidationError("Only the referring agency can delete the draft")
    referral._history_user = actor  # type: ignore[attr-defined]
    referral.events.all().delete()
    referral.delete()
