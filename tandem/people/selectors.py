"""Reads of people records, always through the access layer, with their joins."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Concat

from tandem.cohort.models import Membership
from tandem.core.access import (
    PersonGrants,
    grants_for,
    people_for,
    person_for,
    protocol_levels,
    today,
)
from tandem.core.categories import Category, Level
from tandem.core.models import Role, User
from tandem.offending.selectors import (
    DrugTestSummary,
    OffendingSummary,
    drug_test_summary,
    offending_summary,
)
from tandem.selection.models import LocalIntelligence, Nomination, NominationStatus

from .models import (
    OPEN_TRANSFER_STATUSES,
    Address,
    Alias,
    Engagement,
    Identifier,
    IdentifierKind,
    Monitoring,
    Person,
    StatusEpisode,
    TransferProposal,
    TransferStatus,
)
from .responsibility import RESIDENTIAL_KINDS, Responsibility, decide
from .search import ParsedQuery
from .status import CurrentStatus, current_status
from .transfers import SIDES, awaiting_lead


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
    monitoring: list[Monitoring] = field(default_factory=list)
    responsibility: Responsibility | None = None
    # The open transfer proposal, or the latest closed one, for the offending section.
    transfer: TransferProposal | None = None
    transfer_link: bool = False  # the transfer page is open to the reader

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
        day = today()
        record.episodes = list(person.episodes.all())
        record.monitoring = list(person.monitoring.all())
        record.status = current_status(record.episodes, day, record.monitoring)
        record.offending = offending_summary(person)
        record.responsibility = _responsibility(record, day)
        record.transfer = (
            person.transfers.select_related("from_area", "to_area")
            .order_by("-proposed_at", "-id")
            .first()
        )
        if record.transfer is not None and actor.role in (
            Role.OFFENDER_MANAGER,
            Role.COORDINATOR,
            Role.VIEWER,
        ):
            t = record.transfer
            record.transfer_link = actor.areas.filter(
                pk__in=[t.from_area_id, t.to_area_id]
            ).exists()
    if grants.can_read(Category.SUBSTANCE_MISUSE):
        record.drug_tests = drug_test_summary(person)
    if grants.can_read(Category.INTELLIGENCE):
        record.intelligence = list(person.intelligence.select_related("recorded_by"))
    if grants.can_read(Category.CASE_NOTES):
        # Each engagement now comes from an accepted referral (its reverse one-to-one).
        record.engagements = list(person.engagements.select_related("agency", "referral"))
    return record


def _responsibility(record: PersonRecord, day: dt.date) -> Responsibility:
    """The responsible area from what the page has already loaded (the area, not the
    addresses, shows: readers of offending see it even without accommodation)."""
    addresses = record.addresses
    if not record.grants.can_read(Category.ACCOMMODATION):
        addresses = list(record.person.addresses.select_related("area"))
    latest = record.offending.recent[0] if record.offending and record.offending.recent else None
    return decide(
        on=day,
        no_fixed_abode=record.person.no_fixed_abode,
        episodes=record.episodes,
        addresses=[a for a in addresses if a.kind in (*RESIDENTIAL_KINDS, "intended_release")],
        latest_offence_area=latest.area if latest else None,
        latest_offence_date=latest.offence_date if latest else None,
    )


def statuses_for(person_ids: Iterable[int], on: dt.date) -> dict[int, CurrentStatus]:
    """Everyone's current status and next key date on a day, in two queries however many
    people: for the caseload and any other list. People with no open episode are at liberty
    (with their monitoring level, if recorded)."""
    ids = list(person_ids)
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for episode in StatusEpisode.objects.filter(person_id__in=ids, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    ):
        episodes[episode.person_id].append(episode)
    levels: dict[int, list[Monitoring]] = defaultdict(list)
    for level in Monitoring.objects.filter(person_id__in=ids, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    ):
        levels[level.person_id].append(level)
    return {pk: current_status(episodes[pk], on, levels[pk]) for pk in ids}


# Transfers between areas


@dataclass
class TransferRow:
    proposal: TransferProposal
    can_open: bool  # the reader may open the person's record
    sides: list[str]  # the sides the reader may still answer for
    can_resolve: bool
    awaiting_lead: bool = False
    # The reader's areas they act for (offender managers and coordinators only).
    acting_areas: frozenset[int] = frozenset()


@dataclass
class TransferLists:
    to_answer: list[TransferRow]
    waiting: list[TransferRow]
    disputed: list[TransferRow]
    awaiting_lead: list[TransferRow]
    recent: list[TransferRow]
    show_reasons: bool

    @property
    def people_listed(self) -> int:
        rows = [*self.to_answer, *self.waiting, *self.disputed, *self.awaiting_lead, *self.recent]
        return len({row.proposal.person_id for row in rows})


RECENT_TRANSFER_DAYS = 30


def _transfers(area_ids: set[int]) -> QuerySet[TransferProposal]:
    return TransferProposal.objects.filter(
        Q(from_area_id__in=area_ids) | Q(to_area_id__in=area_ids)
    ).select_related(
        "person",
        "from_area",
        "to_area",
        "proposed_by",
        "sending_by",
        "receiving_by",
        "resolved_by",
        "proposed_lead",
    )


def _row(
    proposal: TransferProposal, user: User, area_ids: set[int], openable: set[int]
) -> TransferRow:
    acting = user.role in (Role.OFFENDER_MANAGER, Role.COORDINATOR)
    sides = []
    if acting and proposal.status == TransferStatus.PROPOSED:
        sides = [
            side
            for side, area in SIDES.items()
            if not proposal.response_of(side) and getattr(proposal, f"{area}_id") in area_ids
        ]
    return TransferRow(
        proposal=proposal,
        can_open=proposal.person_id in openable,
        sides=sides,
        can_resolve=user.role == Role.COORDINATOR
        and {proposal.from_area_id, proposal.to_area_id} <= area_ids,
        acting_areas=frozenset(area_ids) if acting else frozenset(),
    )


def transfer_lists(user: User, on: dt.date) -> TransferLists:
    """Transfers from or to the user's areas: open ones, those awaiting a lead, and those
    closed lately. A fixed number of queries, however many proposals."""
    area_ids = set(user.areas.values_list("pk", flat=True))
    since = on - dt.timedelta(days=RECENT_TRANSFER_DAYS)
    proposals = list(
        _transfers(area_ids)
        .filter(Q(status__in=OPEN_TRANSFER_STATUSES) | Q(closed_at__date__gte=since))
        .order_by("proposed_at", "id")
    )
    openable = set(
        people_for(user)
        .filter(pk__in={p.person_id for p in proposals})
        .values_list("pk", flat=True)
    )
    waiting_lead = awaiting_lead(
        [p for p in proposals if p.new_membership_id and p.to_area_id in area_ids]
    )
    lists = TransferLists([], [], [], [], [], show_reasons=_reads_offending(user))
    for proposal in proposals:
        row = _row(proposal, user, area_ids, openable)
        if proposal.status == TransferStatus.PROPOSED:
            (lists.to_answer if row.sides else lists.waiting).append(row)
        elif proposal.status == TransferStatus.DISPUTED:
            lists.disputed.append(row)
        elif proposal.pk in waiting_lead:
            row.awaiting_lead = True
            lists.awaiting_lead.append(row)
        else:
            lists.recent.append(row)
    lists.recent.reverse()  # newest first
    return lists


def _reads_offending(user: User) -> bool:
    # The reasons come from custody, addresses and offending: shown to readers of offending.
    return protocol_levels(user).get(Category.OFFENDING) in {Level.READ, Level.WRITE}


def transfer_detail(user: User, proposal_id: int) -> TransferRow:
    """One proposal from or to the user's areas; Http404 otherwise, as if it did not exist."""
    from django.http import Http404

    area_ids = set(user.areas.values_list("pk", flat=True))
    proposal = _transfers(area_ids).filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    openable = set(people_for(user).filter(pk=proposal.person_id).values_list("pk", flat=True))
    row = _row(proposal, user, area_ids, openable)
    if proposal.new_membership_id and proposal.to_area_id in area_ids:
        row.awaiting_lead = proposal.pk in awaiting_lead([proposal])
    return row


def reads_offending(user: User) -> bool:
    """Whether the protocol lets the user read offending data (transfer reasons)."""
    return _reads_offending(user)
