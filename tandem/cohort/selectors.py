"""Reads of the cohort: who is a member on a date, per area and per person, and the figures
and member lists of the cohort pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.casework.models import Allocation
from tandem.casework.selectors import current_leads
from tandem.core.models import Area, User
from tandem.people.models import EpisodeKind, Person, StatusEpisode
from tandem.people.status import CurrentStatus, current_status
from tandem.selection.models import Nomination, NominationStatus

from .models import PPO_SCHEME_CODE, Membership, Scheme, Strand

# Someone who left within this long is shown as a recent leaver, not as unknown.
RECENT_EXIT_DAYS = 365


def current_on(day: dt.date) -> Q:
    """Memberships running on `day` (a membership ending on a day no longer runs that day)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


def members_on(day: dt.date, *, area_ids: Iterable[int] | None = None) -> QuerySet[Membership]:
    """Current PPO cohort memberships on a date, optionally for some areas."""
    members = Membership.objects.filter(current_on(day), scheme__code=PPO_SCHEME_CODE)
    if area_ids is not None:
        members = members.filter(area_id__in=list(area_ids))
    return members


def cohort_sizes(day: dt.date, area_ids: Iterable[int]) -> dict[int, int]:
    """How many people are in each area's PPO cohort on a date."""
    rows = (
        members_on(day, area_ids=area_ids)
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class CohortStatus:
    """A person's place in the cohort on a date: a member, a recent leaver, or neither."""

    membership: Membership | None
    current: bool

    @property
    def label(self) -> str:
        m = self.membership
        if m is None:
            return "Not in the cohort"
        if self.current:
            return f"In the cohort since {m.start_date:%-d %B %Y}"
        return f"Left on {m.end_date:%-d %B %Y}: {m.get_end_reason_display().lower()}"


def statuses_on(day: dt.date, person_ids: Iterable[int]) -> dict[int, CohortStatus]:
    """Each person's cohort status on a date, in one query; people with none are left out."""
    recent = day - dt.timedelta(days=RECENT_EXIT_DAYS)
    spells = (
        Membership.objects.filter(person_id__in=list(person_ids), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=recent))
        .select_related("scheme")
        .order_by("person_id", "start_date", "id")
    )
    statuses: dict[int, CohortStatus] = {}
    for spell in spells:  # later spells overwrite earlier ones
        statuses[spell.person_id] = CohortStatus(spell, spell.is_current_on(day))
    return statuses


# --- The cohort pages ---------------------------------------------------------------------

# Leavers stay on an area's page this long, so colleagues see who went and why.
RECENT_LEAVER_DAYS = 90

IN_CUSTODY = "custody"
IN_COMMUNITY = "community"
AT_LIBERTY = "liberty"
STATUS_GROUPS = {
    IN_CUSTODY: "In custody",
    IN_COMMUNITY: "In the community",
    AT_LIBERTY: "At liberty",
}
_GROUP_OF_KIND = {
    EpisodeKind.REMAND: IN_CUSTODY,
    EpisodeKind.SENTENCED: IN_CUSTODY,
    EpisodeKind.LICENCE: IN_COMMUNITY,
    EpisodeKind.COMMUNITY_ORDER: IN_COMMUNITY,
}
MEMBER_SORTS = {
    "name": "Name",
    "since": "Since",
    "status": "Current status",
    "strand": "Strand",
    "lead": "Lead offender manager",
}
DEFAULT_MEMBER_SORT = "name"


def awaiting_adoption_ratification() -> Q:
    """Spells the coordinator started between forums, for the next forum to ratify.

    With the exit rule below, the one place that says what "awaiting ratification" means
    in queries (the model's properties say it for one spell); a forum decision ratifies.
    """
    return Q(between_forums=True, adoption_ratified=False)


def awaiting_exit_ratification() -> Q:
    """Spells the coordinator ended between forums, for the next forum to ratify."""
    return Q(ended_between_forums=True, end_date__isnull=False, exit_ratified=False)


def status_group(status: CurrentStatus) -> str:
    """In custody (remand or sentenced), in the community (licence or order), or at liberty."""
    if status.episode is None:
        return AT_LIBERTY
    return _GROUP_OF_KIND[EpisodeKind(status.episode.kind)]


def current_statuses(
    person_ids: Iterable[int] | QuerySet[Any], day: dt.date
) -> dict[int, CurrentStatus]:
    """Each person's status through the justice system on a day, in one query."""
    ids = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for episode in StatusEpisode.objects.filter(person_id__in=ids, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    ):
        episodes[episode.person_id].append(episode)
    return {pk: current_status(found, day) for pk, found in episodes.items()}


def _lookback_months() -> int:
    """The window capacity shares are counted over: the PPO scheme's criteria look-back."""
    from tandem.selection.criteria import DEFAULT_PPO, Criteria

    scheme = Scheme.objects.filter(code=PPO_SCHEME_CODE).select_related("criteria_set").first()
    latest = scheme.criteria_set.latest() if scheme and scheme.criteria_set else None
    return (
        Criteria.from_dict(latest.config).lookback_months if latest else DEFAULT_PPO.lookback_months
    )


def area_capacities_on(day: dt.date, areas: list[Area]) -> dict[int, tuple[int, bool]]:
    """Each area's capacity on a day, and whether the coordinator set it (else the default)."""
    # Imported here: selection reads the cohort, so importing it at the top would be circular.
    from tandem.selection.selectors import default_capacities, overrides_for

    defaults = default_capacities(day, _lookback_months(), areas)
    overrides = overrides_for(areas)
    return {
        area.pk: (overrides[area.pk].capacity, True) if area.pk in overrides else (n, False)
        for area in areas
        for n in (defaults[area.pk],)
    }


@dataclass
class AreaSummary:
    """One area's PPO cohort in figures (or the total of the user's areas, with no area)."""

    area: Area | None
    capacity: int
    capacity_set: bool = False
    members: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_GROUPS, 0))
    by_strand: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Strand.values, 0))
    adoptions_awaiting: int = 0
    exits_awaiting: int = 0
    earlier_schemes: int = 0  # still members of an earlier scheme, not counted above

    @property
    def over_by(self) -> int:
        return max(self.members - self.capacity, 0)

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.members, 0)

    @property
    def awaiting(self) -> int:
        return self.adoptions_awaiting + self.exits_awaiting

    @property
    def statuses(self) -> list[tuple[str, int]]:
        return [(STATUS_GROUPS[key], n) for key, n in self.by_status.items()]

    @property
    def strands(self) -> list[tuple[str, int]]:
        return [(Strand(key).label, n) for key, n in self.by_strand.items()]

    def add(self, other: AreaSummary) -> None:
        self.capacity += other.capacity
        self.members += other.members
        for key, n in other.by_status.items():
            self.by_status[key] += n
        for key, n in other.by_strand.items():
            self.by_strand[key] += n
        self.adoptions_awaiting += other.adoptions_awaiting
        self.exits_awaiting += other.exits_awaiting
        self.earlier_schemes += other.earlier_schemes


def _current_spells(day: dt.date, areas: list[Area]) -> QuerySet[Membership]:
    """Every current spell in these areas, in any scheme (earlier schemes may still run)."""
    return Membership.objects.filter(current_on(day), area__in=areas)


def _summaries(
    day: dt.date,
    areas: list[Area],
    spells: list[Membership],
    statuses: dict[int, CurrentStatus],
) -> dict[int, AreaSummary]:
    capacities = area_capacities_on(day, areas)
    summaries = {area.pk: AreaSummary(area, *capacities[area.pk]) for area in areas}
    for spell in spells:
        summary = summaries[spell.area_id]
        if spell.scheme.code != PPO_SCHEME_CODE:
            summary.earlier_schemes += 1
            continue
        summary.members += 1
        summary.by_strand[spell.strand] += 1
        status = statuses.get(spell.person_id, current_status([], day))
        summary.by_status[status_group(status)] += 1
        if spell.adoption_awaits_ratification:
            summary.adoptions_awaiting += 1
    exits = (
        Membership.objects.filter(awaiting_exit_ratification(), area__in=areas)
        .values("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    for area_id, n in exits:
        summaries[area_id].exits_awaiting = n
    return summaries


def cohort_overview(user: User, day: dt.date) -> tuple[list[AreaSummary], AreaSummary]:
    """The user's areas in figures, and their total; a bounded number of queries."""
    areas = list(user.areas.order_by("code"))
    spells = list(_current_spells(day, areas).select_related("scheme"))
    statuses = current_statuses(_current_spells(day, areas).values("person_id"), day)
    summaries = _summaries(day, areas, spells, statuses)
    total = AreaSummary(None, 0)
    for summary in summaries.values():
        total.add(summary)
    return list(summaries.values()), total


@dataclass
class MemberRow:
    """One current member on an area's page."""

    membership: Membership
    status: CurrentStatus | None  # None when the protocol withholds offending data
    lead: Allocation | None
    nomination: Nomination | None

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def status_group(self) -> str:
        return status_group(self.status) if self.status is not None else ""

    @property
    def key_date(self) -> tuple[str, dt.date] | None:
        """The date that matters next: expected release from custody, or an order's end."""
        episode = self.status.episode if self.status is not None else None
        if episode is None or episode.expected_end_date is None:
            return None
        label = "Expected release" if self.status_group == IN_CUSTODY else "Expected end"
        return label, episode.expected_end_date


def _sort_key(sort: str) -> Callable[[MemberRow], Any]:
    def name(row: MemberRow) -> tuple[str, str, int]:
        return (row.person.last_name.lower(), row.person.first_name.lower(), row.person.pk)

    group_order = list(STATUS_GROUPS)
    keys: dict[str, Callable[[MemberRow], Any]] = {
        "name": name,
        "since": lambda row: (row.membership.start_date, name(row)),
        "status": lambda row: (
            group_order.index(row.status_group) if row.status_group else len(group_order),
            row.key_date[1] if row.key_date else dt.date.max,
            name(row),
        ),
        "strand": lambda row: (row.membership.get_strand_display(), name(row)),
        "lead": lambda row: (
            row.lead is None,
            row.lead.worker.last_name.lower() if row.lead else "",
            name(row),
        ),
    }
    return keys.get(sort, name)


@dataclass
class AreaCohort:
    summary: AreaSummary
    rows: list[MemberRow]
    leavers: list[Membership]
    sort: str

    @property
    def people_listed(self) -> int:
        return len(self.rows) + len(self.leavers)


def area_cohort(area: Area, day: dt.date, *, sort: str, show_status: bool) -> AreaCohort:
    """An area's current members (any scheme) with status, lead and any open nomination,
    and who left in the last 90 days; a bounded number of queries, whatever the size."""
    spells = list(
        _current_spells(day, [area]).select_related("person", "scheme", "moved_from__scheme")
    )
    person_ids = [spell.person_id for spell in spells]
    statuses = current_statuses(person_ids, day) if show_status else {}
    leads = current_leads(person_ids)
    nominations = {
        n.person_id: n
        for n in Nomination.objects.filter(person_id__in=person_ids, status=NominationStatus.OPEN)
    }
    at_liberty = current_status([], day)
    rows = [
        MemberRow(
            membership=spell,
            status=statuses.get(spell.person_id, at_liberty) if show_status else None,
            lead=leads.get(spell.person_id),
            nomination=nominations.get(spell.person_id),
        )
        for spell in spells
    ]
    sort = sort if sort in MEMBER_SORTS else DEFAULT_MEMBER_SORT
    rows.sort(key=_sort_key(sort))
    summary = _summaries(day, [area], spells, statuses)[area.pk]
    if not show_status:
        summary.by_status = {}
    leavers = list(
        Membership.objects.filter(
            area=area,
            end_date__gt=day - dt.timedelta(days=RECENT_LEAVER_DAYS),
            end_date__lte=day,
            # Moving scheme is not leaving: the person carries on in the new spell.
            moved_to__isnull=True,
        )
        .select_related("person", "scheme", "ended_by")
        .order_by("-end_date", "person__last_name", "person__first_name")
    )
    return AreaCohort(summary=summary, rows=rows, leavers=leavers, sort=sort)


@dataclass
class SchemeRow:
    scheme: Scheme
    members: int  # current members in the user's areas
    former: int  # spells ended, in the user's areas


def schemes_for(user: User, day: dt.date) -> list[SchemeRow]:
    """Every scheme, the PPO scheme first, with its members in the user's areas."""
    areas = user.areas.all()
    current = (
        Q(memberships__area__in=areas)
        & Q(memberships__start_date__lte=day)
        & (Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gt=day))
    )
    ended = Q(memberships__area__in=areas) & Q(memberships__end_date__lte=day)
    schemes = Scheme.objects.select_related("criteria_set").annotate(
        current=Count("memberships", filter=current, distinct=True),
        ended=Count("memberships", filter=ended, distinct=True),
    )
    rows = [SchemeRow(s, s.current, s.ended) for s in schemes]
    rows.sort(key=lambda row: (row.scheme.code != PPO_SCHEME_CODE, row.scheme.code))
    return rows


def scheme_members(scheme: Scheme, user: User, day: dt.date) -> list[Membership]:
    """A scheme's current members in the user's areas, with the person and area."""
    return list(
        Membership.objects.filter(current_on(day), scheme=scheme, area__in=user.areas.all())
        .select_related("person", "area")
        .order_by("area__code", "person__last_name", "person__first_name", "pk")
    )
