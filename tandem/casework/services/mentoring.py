"""Mentoring: pairing a person with a mentor, logging their meetings, ending the pairing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from tandem.core.access import people_for, today
from tandem.core.models import AgencyKind, Role, User
from tandem.core.notices import notice_send
from tandem.people import services as people_services
from tandem.people.models import Engagement, Person

from ..models import MentoringMeeting, MentoringPairing, MentorKind

# Who pairs a person with a mentor and ends the pairing.
PAIRS_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR})


def mentor_choices(person: Person) -> QuerySet[User]:
    """Who may mentor the person: offender managers in their area, mentoring charities' workers."""
    return (
        User.objects.filter(is_active=True, agency__isnull=False)
        .filter(
            Q(role=Role.OFFENDER_MANAGER, areas=person.residence_area_id)
            | Q(role=Role.PARTNER_WORKER, agency__kind=AgencyKind.MENTORING)
        )
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name", "username")
    )


def _in_scope(actor: User, person: Person) -> bool:
    return people_for(actor).filter(pk=person.pk).exists()


def may_pair(actor: User, person: Person) -> bool:
    return actor.role in PAIRS_ROLES and _in_scope(actor, person)


def may_log(actor: User, pairing: MentoringPairing) -> bool:
    """The mentor, or an offender manager who may open the person."""
    if pairing.end_date is not None:
        return False
    if pairing.mentor_id == actor.pk:
        return True
    return actor.role == Role.OFFENDER_MANAGER and _in_scope(actor, pairing.person)


def may_end(actor: User, pairing: MentoringPairing) -> bool:
    return pairing.end_date is None and (
        pairing.mentor_id == actor.pk or may_pair(actor, pairing.person)
    )


def _link(person: Person) -> str:
    return reverse("casework:mentoring", args=[person.pk])


@transaction.atomic
def mentoring_pair(
    *,
    actor: User,
    person: Person,
    mentor: User,
    start_date: dt.date,
    specialism: str = "",
) -> MentoringPairing:
    """Pair the person with a mentor; a charity's volunteer's agency starts working with them."""
    if not may_pair(actor, person):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if not mentor_choices(person).filter(pk=mentor.pk).exists():
        errors["mentor"] = (
            "Choose an offender manager in the person's area or a mentoring charity's worker"
        )
    if start_date > today():
        errors["start_date"] = "The start date cannot be in the future"
    if MentoringPairing.objects.filter(person=person, end_date__isnull=True).exists():
        errors["mentor"] = "The person already has a mentor; end that pairing first"
    if errors:
        raise ValidationError(errors)
    agency = mentor.agency
    assert agency is not None  # mentor_choices has agencies only
    kind = (
        MentorKind.OFFENDER_MANAGER
        if mentor.role == Role.OFFENDER_MANAGER
        else MentorKind.VOLUNTEER
    )
    if not specialism.strip() and kind == MentorKind.VOLUNTEER:
        specialism = agency.contact or agency.name
    try:
        with transaction.atomic():
            pairing = MentoringPairing.objects.create(
                person=person, mentor=mentor, mentor_agency=agency, kind=kind,
                specialism=specialism.strip()[:300], start_date=start_date, started_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"mentor": "The person already has a mentor"}) from None
    if kind == MentorKind.VOLUNTEER:
        open_engagement = Engagement.objects.filter(
            person=person, agency=agency, end_date__isnull=True
        ).exists()
        if not open_engagement:
            people_services.engagement_start(
                actor=actor, agency=agency, person=person, start_date=start_date,
                purpose="Mentoring",
            )  # fmt: skip
    notice_send(
        recipients=[mentor],
        subject=f"You are now mentoring Tandem number {person.pk}",
        body=f"Paired from {start_date:%d/%m/%Y}.",
        link=_link(person),
    )
    return pairing


@transaction.atomic
def mentoring_meeting_log(
    *,
    actor: User,
    pairing: MentoringPairing,
    date: dt.date,
    place: str,
    attended: bool,
    summary: str = "",
) -> MentoringMeeting:
    """Log a meeting of an open pairing: the mentor or an offender manager may."""
    pairing = (
        MentoringPairing.objects.select_for_update().select_related("person").get(pk=pairing.pk)
    )
    if not may_log(actor, pairing):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if date > today():
        errors["date"] = "The date of the meeting cannot be in the future"
    elif date < pairing.start_date:
        errors["date"] = "The meeting cannot be before the pairing started"
    if not place.strip():
        errors["place"] = "Enter where the meeting was"
    if errors:
        raise ValidationError(errors)
    return MentoringMeeting.objects.create(
        pairing=pairing, date=date, place=place.strip()[:200], summary=summary.strip()[:2000],
        attended=attended, recorded_by=actor,
    )  # fmt: skip


@transaction.atomic
def mentoring_end(
    *, actor: User, pairing: MentoringPairing, end_date: dt.date, reason: str
) -> MentoringPairing:
    """End an open pairing with a reason, and tell the mentor."""
    pairing = (
        MentoringPairing.objects.select_for_update().select_related("person").get(pk=pairing.pk)
    )
    if not may_end(actor, pairing):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if end_date > today():
        errors["end_date"] = "The end date cannot be in the future"
    elif end_date < pairing.start_date:
        errors["end_date"] = "The end date cannot be before the pairing started"
    if not reason.strip():
        errors["end_reason"] = "Enter why the pairing ended"
    if errors:
        raise ValidationError(errors)
    pairing.end_date = end_date
    pairing.end_reason = reason.strip()[:500]
    pairing.save(update_fields=["end_date", "end_reason"])
    notice_send(
        recipients=[pairing.mentor],
        subject=f"Mentoring ended for Tandem number {pairing.person_id}",
        body=f"Ended on {end_date:%d/%m/%Y}.",
        link=_link(pairing.person),
    )
    return pairing
