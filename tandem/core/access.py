"""The access layer: which people a user may open and which data categories they may see.

Every read of personal data passes through here (web views, later the API, exports and
reports). Out-of-scope records raise Http404, exactly as nonexistent ones do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .categories import CONSENT_CATEGORIES, Category, Level
from .models import AgencyKind, ProtocolRule, Role, User

if TYPE_CHECKING:
    from tandem.people.models import Person

# Roles that open individual records, and how their scope is decided.
AREA_SCOPED_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER})
ENGAGEMENT_SCOPED_ROLES = frozenset({Role.PARTNER_WORKER})
# Auditors must be able to name whose record was seen; the protocol limits them to identity.
PARTNERSHIP_SCOPED_ROLES = frozenset({Role.AUDITOR})
# Agencies sharing health and substance-misuse data under their statutory duties; every
# other agency also needs the person's recorded consent for those categories.
JUSTICE_AGENCY_KINDS = frozenset(
    {AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON, AgencyKind.PARTNERSHIP}
)


def today() -> dt.date:
    return timezone.localdate()


def protocol_levels(user: User) -> dict[str, str]:
    """The protocol row for the user's agency kind and role, as category -> level."""
    cached = getattr(user, "_tandem_protocol_levels", None)
    if cached is not None:
        return cached
    levels = {c.value: Level.NONE.value for c in Category}
    if user.is_authenticated and user.is_active and user.agency_id:
        rules = ProtocolRule.objects.filter(
            agency_kind=user.agency.kind,  # type: ignore[union-attr]
            role=user.role,
        ).values_list("category", "level")
        levels.update(dict(rules))
    user._tandem_protocol_levels = levels  # type: ignore[attr-defined]
    return levels


def can_open_records(user: User) -> bool:
    """Whether the user's role opens individual people's records at all."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.role in AREA_SCOPED_ROLES | ENGAGEMENT_SCOPED_ROLES | PARTNERSHIP_SCOPED_ROLES
    )


def _engaged_agency_filter(user: User, on: dt.date) -> Q:
    from tandem.people.models import Engagement

    grace_start = on - dt.timedelta(days=settings.PARTNER_ACCESS_GRACE_DAYS)
    engagements = Engagement.objects.filter(
        person=OuterRef("pk"), agency=user.agency, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=grace_start))
    return Q(Exists(engagements))


def people_for(user: User) -> QuerySet[Person]:
    """Every person the user may open, as a queryset to filter further."""
    from tandem.people.models import Person

    people = Person.objects.all()
    if not can_open_records(user):
        return people.none()
    if user.role in PARTNERSHIP_SCOPED_ROLES:
        return people
    if user.role in AREA_SCOPED_ROLES:
        return people.filter(residence_area__in=user.areas.all())
    return people.filter(_engaged_agency_filter(user, today()))


def person_for(user: User, person_id: object) -> Person:
    """The person with this id if the user may open them; Http404 otherwise (or if absent)."""
    try:
        pk = int(str(person_id))
    except (TypeError, ValueError):
        raise Http404 from None
    person = people_for(user).filter(pk=pk).select_related("residence_area").first()
    if person is None:
        raise Http404
    return person


@dataclass(frozen=True)
class Withheld:
    category: str
    label: str
    reason: str


@dataclass
class PersonGrants:
    """What one user may see and change of one person's record, and why anything is withheld."""

    levels: dict[str, str]
    withheld: dict[str, Withheld] = field(default_factory=dict)

    def can_read(self, category: str) -> bool:
        return self.levels.get(category) in {Level.READ, Level.WRITE}

    def can_write(self, category: str) -> bool:
        return self.levels.get(category) == Level.WRITE

    @property
    def readable(self) -> list[str]:
        return [c.value for c in Category if self.can_read(c.value)]


def grants_for(user: User, person: Person) -> PersonGrants:
    """The categories of this person's record the user may read or write, with reasons."""
    levels = dict(protocol_levels(user))
    withheld: dict[str, Withheld] = {}
    agency = user.agency
    row = f"{agency.get_kind_display() if agency else 'no agency'}, {user.get_role_display()}"
    for category in Category:
        if levels[category.value] == Level.NONE:
            withheld[category.value] = Withheld(
                category.value,
                category.label,
                f"The sharing protocol gives {row} no access to {category.label.lower()} data.",
            )
    if agency is not None and agency.kind not in JUSTICE_AGENCY_KINDS:
        consented = _consented_categories(person, today()) | _consented_on_referrals(
            person, agency.pk, today()
        )
        for category in CONSENT_CATEGORIES:
            if levels[category.value] != Level.NONE and category.value not in consented:
                levels[category.value] = Level.NONE
                withheld[category.value] = Withheld(
                    category.value,
                    category.label,
                    f"The person has not given recorded consent to share "
                    f"{category.label.lower()} data with partner agencies.",
                )
    return PersonGrants(levels=levels, withheld=withheld)


def _consented_categories(person: Person, on: dt.date) -> set[str]:
    return {
        consent.category
        for consent in person.consents.filter(given_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        )
    }


def _consented_on_referrals(person: Person, agency_id: int, on: dt.date) -> set[str]:
    """Categories the person agreed to share with this agency on a referral it accepted:
    consent given for one service covers that service, not every partner."""
    from tandem.referrals.models import Referral, ReferralState

    found: set[str] = set()
    for categories in (
        Referral.objects.filter(
            person=person,
            to_agency_id=agency_id,
            accepted_at__isnull=False,
            consent_given_on__lte=on,
        )
        .exclude(state=ReferralState.WITHDRAWN)
        .values_list("consent_categories", flat=True)
    ):
        found.update(categories)
    return found
