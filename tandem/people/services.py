"""Writes to people records. Keyword-only, typed, atomic; history is kept by simple_history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from tandem.core.access import today
from tandem.core.models import Agency, Area, User
from tandem.core.notices import notice_send

from .models import (
    CUSTODY_KINDS,
    Address,
    Alias,
    Engagement,
    EpisodeKind,
    Identifier,
    IdentifierKind,
    Monitoring,
    MonitoringLevel,
    OrderOutcome,
    Person,
    ReleaseType,
    Requirement,
    StatusEpisode,
)
from .names import identifier_key, name_key


def _set_name_keys(obj: Person | Alias) -> None:
    obj.first_name_key = name_key(obj.first_name)
    obj.last_name_key = name_key(obj.last_name)


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    sex: str,
    ethnicity: str = "not_stated",
    middle_names: str = "",
    synthetic: bool = False,
) -> Person:
    """Create a person record."""
    if date_of_birth > today():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    person = Person(
        first_name=first_name.strip(),
        middle_names=middle_names.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        synthetic=synthetic,
    )
    _set_name_keys(person)
    person._history_user = actor  # type: ignore[attr-defined]
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def alias_add(*, actor: User | None, person: Person, last_name: str, first_name: str = "") -> Alias:
    """Record another name the person is known by."""
    alias = Alias(person=person, first_name=first_name.strip(), last_name=last_name.strip())
    _set_name_keys(alias)
    alias._history_user = actor  # type: ignore[attr-defined]
    alias.full_clean()
    alias.save()
    return alias


@transaction.atomic
def identifier_add(
    *, actor: User | None, person: Person, kind: str, value: str, issued_by: str = ""
) -> Identifier:
    """Attach a reference number; the same number cannot belong to two people."""
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": "Choose a known identifier type"})
    key = identifier_key(value)
    if not key:
        raise ValidationError({"value": "Enter the identifier"})
    if Identifier.objects.filter(kind=kind, value_key=key).exclude(person=person).exists():
        raise ValidationError({"value": "This identifier already belongs to another record"})
    identifier = Identifier(
        person=person, kind=kind, value=value.strip(), value_key=key, issued_by=issued_by
    )
    identifier._history_user = actor  # type: ignore[attr-defined]
    identifier.save()
    return identifier


def current_residence_area(person: Person, on: dt.date) -> Area | None:
    """The area of the most recent home-type address current on the day, if any."""
    residential = [Address.Kind.HOME, Address.Kind.HOSTEL, Address.Kind.TEMPORARY]
    address = (
        person.addresses.filter(kind__in=residential, start_date__lte=on)
        .exclude(end_date__lt=on)
        .order_by("-start_date", "-id")
        .select_related("area")
        .first()
    )
    return address.area if address else None


def _refresh_residence(person: Person, actor: User | None) -> None:
    area = current_residence_area(person, today())
    if area is not None and area.pk != person.residence_area_id:
        person.residence_area = area
        person.no_fixed_abode = False
        person._history_user = actor  # type: ignore[attr-defined]
        person.save(update_fields=["residence_area", "no_fixed_abode", "updated_at"])


@transaction.atomic
def address_add(
    *,
    actor: User | None,
    person: Person,
    line1: str,
    town: str,
    area: Area,
    start_date: dt.date,
    kind: str = Address.Kind.HOME,
    line2: str = "",
    postcode: str = "",
    end_date: dt.date | None = None,
) -> Address:
    """Record an address; the person's area of residence follows their current address."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "End date must be on or after the start date"})
    address = Address(
        person=person,
        kind=kind,
        line1=line1.strip(),
        line2=line2.strip(),
        town=town.strip(),
        postcode=postcode.strip().upper(),
        area=area,
        start_date=start_date,
        end_date=end_date,
    )
    address._history_user = actor  # type: ignore[attr-defined]
    address.full_clean()
    address.save()
    _refresh_residence(person, actor)
    return address


def _episode_errors(episode: StatusEpisode) -> dict[str, str]:
    """What is wrong with an episode as it would be saved (kind-specific rules included)."""
    errors: dict[str, str] = {}
    kind = episode.kind
    if kind not in EpisodeKind.values:
        return {"kind": "Choose a known status"}
    start, end = episode.start_date, episode.end_date
    if start > today():
        errors["start_date"] = "The start cannot be in the future"
    if end is not None and end < start:
        errors["end_date"] = "The end date must be on or after the start date"
    elif end is not None and end > today():
        errors["end_date"] = "The end cannot be in the future: record it when it happens"
    if episode.expected_end_date is not None and episode.expected_end_date <= start:
        errors["expected_end_date"] = (
            "The expected release date must be after the start date"
            if kind in CUSTODY_KINDS
            else "The expected end date must be after the start date"
        )
    if episode.next_review_date is not None and episode.next_review_date < start:
        errors["next_review_date"] = "The next review must be on or after the start date"
    if kind != EpisodeKind.SENTENCED and (
        episode.sentence_months or episode.sentence_days or episode.release_type
    ):
        errors["kind"] = "Only a sentenced episode has a sentence length and release type"
    if episode.release_type and episode.release_type not in ReleaseType.values:
        errors["release_type"] = "Choose a known release type"
    if (episode.sentence_days or 0) > 366 or (episode.sentence_months or 0) > 1200:
        errors["sentence_months"] = "Enter the sentence in months (up to 1,200) and days"
    if kind != EpisodeKind.LICENCE and episode.licence_conditions.strip():
        errors["kind"] = "Only a licence has licence conditions"
    requirements = episode.requirements or []
    if kind != EpisodeKind.COMMUNITY_ORDER and requirements:
        errors["kind"] = "Only a community order has requirements"
    if any(r not in Requirement.values for r in requirements):
        errors["requirements"] = "Choose the order's requirements from the list"
    if episode.outcome:
        if kind != EpisodeKind.COMMUNITY_ORDER:
            errors["outcome"] = "Only a community order has an outcome"
        elif end is None:
            errors["outcome"] = "An order has an outcome only once it has ended"
        elif episode.outcome not in OrderOutcome.values:
            errors["outcome"] = "Choose how the order ended"
    if kind in CUSTODY_KINDS and "start_date" not in errors and "end_date" not in errors:
        overlapping = (
            StatusEpisode.objects.filter(person_id=episode.person_id, kind__in=CUSTODY_KINDS)
            .exclude(pk=episode.pk)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        )
        if end is not None:
            overlapping = overlapping.filter(start_date__lte=end)
        if overlapping.exists():
            errors["start_date"] = (
                "This overlaps another spell in custody: end or correct that spell first"
            )
    return errors


def _episode_save(episode: StatusEpisode, actor: User | None) -> StatusEpisode:
    # Lock the person so two people recording custody at once cannot both pass the
    # overlap check.
    Person.objects.select_for_update().filter(pk=episode.person_id).first()
    errors = _episode_errors(episode)
    if errors:
        raise ValidationError(errors)
    episode._history_user = actor  # type: ignore[attr-defined]
    episode.save()
    return episode


@transaction.atomic
def episode_add(
    *,
    actor: User | None,
    person: Person,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    establishment: str = "",
    expected_end_date: dt.date | None = None,
    sentence_months: int | None = None,
    sentence_days: int | None = None,
    release_type: str = "",
    licence_conditions: str = "",
    requirements: Sequence[str] = (),
    outcome: str = "",
    next_review_date: dt.date | None = None,
) -> StatusEpisode:
    """Record a remand, sentence, licence or community order spell.

    Refused (changing nothing) if it would overlap another spell in custody, end before
    it starts, expect release before it starts, or carry details of another kind.
    """
    episode = StatusEpisode(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        establishment=establishment.strip(),
        expected_end_date=expected_end_date,
        sentence_months=sentence_months,
        sentence_days=sentence_days,
        release_type=release_type,
        licence_conditions=licence_conditions.strip(),
        requirements=sorted(set(requirements), key=_requirement_order),
        outcome=outcome,
        next_review_date=next_review_date,
    )
    _episode_save(episode, actor)
    if kind in CUSTODY_KINDS and episode.is_open_on(today()):
        # In custody, the intended release address decides the area: look again.
        from .transfers import transfer_review

        transfer_review(actor=actor, person=person)
    return episode


def _requirement_order(value: str) -> int:
    return Requirement.values.index(value) if value in Requirement.values else len(Requirement)


@transaction.atomic
def episode_end(
    *,
    actor: User | None,
    episode: StatusEpisode,
    end_date: dt.date,
    outcome: str = "",
    release_type: str = "",
    new_lead: User | None = None,
) -> StatusEpisode:
    """End an open episode: a release, the end of a licence, or an order's end with its
    outcome.

    Ending a sentenced episode is a release: with `new_lead`, the lead offender manager
    hands over (trigger: release), and the responsible area is worked out again, proposing
    a transfer if it now points elsewhere.
    """
    episode = StatusEpisode.objects.select_for_update().get(pk=episode.pk)
    if episode.end_date is not None:
        raise ValidationError({"end_date": "This episode has already ended"})
    errors: dict[str, str] = {}
    if episode.kind == EpisodeKind.COMMUNITY_ORDER and not outcome:
        errors["outcome"] = "Say how the order ended: completed, revoked or breached"
    if new_lead is not None and episode.kind != EpisodeKind.SENTENCED:
        errors["new_lead"] = "The lead hands over on release from a sentence only"
    if errors:
        raise ValidationError(errors)
    episode.end_date = end_date
    episode.outcome = outcome
    if release_type:
        episode.release_type = release_type
    _episode_save(episode, actor)
    if episode.kind in CUSTODY_KINDS:
        _released(actor, episode, new_lead)
    return episode


def _released(actor: User | None, episode: StatusEpisode, new_lead: User | None) -> None:
    """Hand the lead over on release (if a new lead is named) and apply the area rules again:
    out of custody, the release address no longer decides."""
    from tandem.casework.models import Allocation, AllocationTrigger
    from tandem.casework.selectors import current_leads
    from tandem.casework.services import lead_allocate

    from .transfers import transfer_review

    person = episode.person
    # Everyone working with the person hears of the release: the lead, the co-workers and
    # a new lead taking over, whether or not the lead changes.
    affected: list[User | None] = [
        a.worker
        for a in Allocation.objects.filter(person=person, end_date__isnull=True).select_related(
            "worker"
        )
    ]
    # Partner workers holding open referrals carry on in the community under the same
    # referral: they need to know the person is out.
    from tandem.referrals.models import OPEN_STATES, Referral

    affected += [
        r.worker
        for r in Referral.objects.filter(person=person, state__in=OPEN_STATES)
        .exclude(worker=None)
        .select_related("worker")
    ]
    current = current_leads([person.pk]).get(person.pk)
    handed_over = new_lead is not None and (current is None or current.worker_id != new_lead.pk)
    if handed_over:
        assert new_lead is not None and episode.end_date is not None
        # The first day back in the community, or today if the release is today.
        released_on = min(episode.end_date + dt.timedelta(days=1), today())
        try:
            lead_allocate(
                actor=actor,
                person=person,
                worker=new_lead,
                start_date=released_on,
                trigger=AllocationTrigger.RELEASE,
                note="Handed over on release from custody",
            )
        except ValidationError as error:
            raise ValidationError(
                {"new_lead": [m for ms in error.message_dict.values() for m in ms]}
            ) from None
    # The episode ends on the last day in custody; the person was released the day after.
    left_on = episode.released_on
    assert left_on is not None
    body = f"Tandem number {person.pk} was released from custody on {left_on:%-d %B %Y}."
    if handed_over:
        assert new_lead is not None
        body += f" The lead offender manager is now {new_lead.display_name}."
    notice_send(
        recipients=[u for u in (*affected, new_lead) if u != actor],
        subject="Released from custody" + (": the lead has handed over" if handed_over else ""),
        body=body,
        link=reverse("people:detail", args=[person.pk]),
    )
    transfer_review(actor=actor, person=person)


@transaction.atomic
def episode_correct(
    *,
    actor: User | None,
    episode: StatusEpisode,
    start_date: dt.date,
    end_date: dt.date | None,
    establishment: str = "",
    expected_end_date: dt.date | None = None,
    sentence_months: int | None = None,
    sentence_days: int | None = None,
    release_type: str = "",
    licence_conditions: str = "",
    requirements: Sequence[str] = (),
    outcome: str = "",
    next_review_date: dt.date | None = None,
) -> StatusEpisode:
    """Correct a recorded episode (its kind stays: a wrong kind is ended and re-recorded).

    The same checks as recording apply; the change history keeps what it said before.
    """
    episode = StatusEpisode.objects.select_for_update().get(pk=episode.pk)
    episode.start_date = start_date
    episode.end_date = end_date
    episode.establishment = establishment.strip()
    episode.expected_end_date = expected_end_date
    episode.sentence_months = sentence_months
    episode.sentence_days = sentence_days
    episode.release_type = release_type
    episode.licence_conditions = licence_conditions.strip()
    episode.requirements = sorted(set(requirements), key=_requirement_order)
    episode.outcome = outcome
    episode.next_review_date = next_review_date
    return _episode_save(episode, actor)


@transaction.atomic
def monitoring_set(
    *,
    actor: User | None,
    person: Person,
    level: str,
    start_date: dt.date,
    review_date: dt.date | None = None,
    note: str = "",
) -> Monitoring:
    """Set the person's monitoring level at liberty from `start_date`; the previous level
    ends the day before, so there is always one level and its history."""
    errors: dict[str, str] = {}
    if level not in MonitoringLevel.values:
        errors["level"] = "Choose proactive targeting or basic monitoring"
    if start_date > today():
        errors["start_date"] = "The level cannot start in the future"
    if review_date is not None and review_date < start_date:
        errors["review_date"] = "The review must be on or after the start date"
    current = (
        Monitoring.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    )
    if current is not None and "start_date" not in errors and start_date <= current.start_date:
        errors["start_date"] = (
            f"The level must start after the current one did ({current.start_date:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    if current is not None:
        current.end_date = start_date - dt.timedelta(days=1)
        current._history_user = actor  # type: ignore[attr-defined]
        current.save(update_fields=["end_date"])
    monitoring = Monitoring(
        person=person,
        level=level,
        start_date=start_date,
        review_date=review_date,
        note=note.strip(),
        recorded_by=actor,
    )
    monitoring._history_user = actor  # type: ignore[attr-defined]
    monitoring.save()
    return monitoring


@transaction.atomic
def engagement_start(
    *,
    actor: User | None,
    agency: Agency,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None = None,
    purpose: str = "",
) -> Engagement:
    """Record that an agency works with a person: called when a referral is accepted or a
    mentoring pairing starts, never from a page."""
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "End date must be on or after the start date"})
    engagement = Engagement(
        agency=agency,
        person=person,
        start_date=start_date,
        end_date=end_date,
        purpose=purpose,
        recorded_by=actor,
    )
    engagement._history_user = actor  # type: ignore[attr-defined]
    engagement.save()
    return engagement


@transaction.atomic
def engagement_end(
    *, actor: User | None, engagement: Engagement, end_date: dt.date | None = None
) -> Engagement:
    """End an agency's engagement; its workers keep sight of the person for the grace period."""
    end = end_date or today()
    if end < engagement.start_date:
        raise ValidationError({"end_date": "End date must be on or after the start date"})
    engagement.end_date = end
    engagement._history_user = actor  # type: ignore[attr-defined]
    engagement.save(update_fields=["end_date"])
    return engagement
