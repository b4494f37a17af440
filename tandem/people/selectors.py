"""Reads of people records, always through the access layer, with their joins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Concat

from tandem.cohort.models import Membership
from tandem.core.access import PersonGrants, grants_for, people_for, person_for, today
from tandem.core.categories import Category
from tandem.core.models import User
from tandem.offending.selectors import (
    DrugTestSummary,
    OffendingSummary,
    drug_test_summary,
    offending_summary,
)
from tandem.selection.models import LocalIntelligence, Nomination, NominationStatus

from .models import Address, Alias, Engagement, Identifier, IdentifierKind, Person, StatusEpisode
from .search import ParsedQuery
from .status import CurrentStatus, current_status


def _name_filter(prefix: str, tokens: list[str]) -> Q:
    """Forgiving name match on normalised keys, for Person (prefix "") or Alias."""
    first, last = f"{prefix}first_name_key", f"{prefix}last_name_key"
    joined = "".join(tokens)
    q = (
        Q(**{f"{last}__startswith": joined})
        | Q(**{f"{first}__startswith": joined})
        | Q(**{f"{prefix}first_last__startswith": joined})
        | Q(**{f"{prefix}last_first__startswith": joined})
    )
    if len(tokens) > 1:
        # "J Smith", "Jo Smith Jones": first name from the first word, surname from the rest.
        q |= Q(**{f"{first}__startswith": tokens[0], f"{last}__startswith": "".join(tokens[1:])})
    return q


def _with_name_keys(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.annotate(
        first_last=Concat(F("first_name_key"), F("last_name_key")),
        last_first=Concat(F("last_name_key"), F("first_name_key")),
    )


@dataclass
class SearchResults:
    people: list[Person]
    total: int
    limit: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.people)


def search_people(actor: User, query: ParsedQuery) -> SearchResults:
    """People in the actor's scope matching the query, with aliases and PNC numbers loaded."""
    limit = settings.SEARCH_RESULT_LIMIT
    if query.is_empty:
        return SearchResults([], 0, limit)
    people = people_for(actor)
    match = Q(pk__in=[])
    if query.name_tokens:
        aliases = _with_name_keys(Alias.objects.filter(person=OuterRef("pk"))).filter(
            _name_filter("", query.name_tokens)
        )
        people = _with_name_keys(people)
        name_match = _name_filter("", query.name_tokens) | Q(Exists(aliases))
        if query.date_of_birth:
            name_match &= Q(date_of_birth=query.date_of_birth)
        match |= name_match
    elif query.date_of_birth:
        match |= Q(date_of_birth=query.date_of_birth)
    if query.identifier:
        match |= Q(
            Exists(Identifier.objects.filter(person=OuterRef("pk"), value_key=query.identifier))
        )
    matched = people.filter(match)
    total = matched.count()
    results: list[Person] = list(
        matched.select_related("residence_area")
        .prefetch_related(
            "aliases",
            Prefetch(
                "identifiers",
                queryset=Identifier.objects.filter(kind=IdentifierKind.PNC),
                to_attr="pnc_identifiers",
            ),
        )
        .order_by("last_name", "first_name", "date_of_birth", "pk")[:limit]
    )
    return SearchResults(results, total, limit)


@dataclass
class PersonRecord:
    """One person as one user may see them: sections absent unless granted."""

    person: Person
    grants: PersonGrants
    status: CurrentStatus | None = None
    aliases: list[Alias] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    episodes: list[StatusEpisode] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    offending: OffendingSummary | None = None
    drug_tests: DrugTestSummary | None = None
    intelligence: list[LocalIntelligence] = field(default_factory=list)
    # PPO status is what the custody-suite check discloses, so it goes with identity.
    memberships: list[Membership] = field(default_factory=list)
    nomination: Nomination | None = None

    @property
    def current_membership(self) -> Membership | None:
        day = today()
        return next((m for m in self.memberships if m.is_current_on(day)), None)


def person_record(actor: User, person_id: object) -> PersonRecord:
    """The person's record filtered by the protocol; Http404 outside the actor's scope."""
    person = person_for(actor, person_id)
    grants = grants_for(actor, person)
    record = PersonRecord(person=person, grants=grants)
    if grants.can_read(Category.IDENTITY):
        record.aliases = list(person.aliases.all())
        record.identifiers = list(person.identifiers.all())
        record.memberships = list(person.memberships.select_related("scheme", "area"))
        record.nomination = person.nominations.filter(status=NominationStatus.OPEN).first()
    if grants.can_read(Category.ACCOMMODATION):
        record.addresses = list(person.addresses.select_related("area"))
    if grants.can_read(Category.OFFENDING):
        record.episodes = list(person.episodes.all())
        record.status = current_status(record.episodes, today())
        record.offending = offending_summary(person)
    if grants.can_read(Category.SUBSTANCE_MISUSE):
        record.drug_tests = drug_test_summary(person)
    if grants.can_read(Category.INTELLIGENCE):
        record.intelligence = list(person.intelligence.select_related("recorded_by"))
    if grants.can_read(Category.CASE_NOTES):
        record.engagements = list(person.engagements.select_related("agency"))
    return record
