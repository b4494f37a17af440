"""Writes to people records. Keyword-only, typed, atomic; history is kept by simple_history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core.access import today
from tandem.core.models import Agency, Area, User

from .models import (
    Address,
    Alias,
    Engagement,
    EpisodeKind,
    Identifier,
    IdentifierKind,
    Person,
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
) -> StatusEpisode:
    """Record a remand, sentence, licence or community order spell."""
    if kind not in EpisodeKind.values:
        raise ValidationError({"kind": "Choose a known status"})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": "End date must be on or after the start date"})
    episode = StatusEpisode(
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        establishment=establishment,
        expected_end_date=expected_end_date,
    )
    episode._history_user = actor  # type: ignore[attr-defined]
    episode.save()
    return episode


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
    """Record that an agency works with a person (stands in for referrals until they exist)."""
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
