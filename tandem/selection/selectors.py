"""Reads for selection pages: runs, their ranked lists per area, capacity, what is new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.cohort.models import Membership
from tandem.cohort.selectors import CohortStatus, members_on, statuses_on
from tandem.core.access import today
from tandem.core.models import Area, User
from tandem.offending.models import Offence
from tandem.people.models import EpisodeKind, StatusEpisode

from .capacity import share_capacity
from .criteria import Criteria
from .models import CapacityOverride, Nomination, NominationStatus, Score, ScoringRun
from .scoring import months_before

DEFAULT_PARTNERSHIP_CAPACITY = 270  # nine areas of about 30, as the study's scheme envisaged
CAPACITY_FLOOR = 10
CUSTODY_KINDS = (EpisodeKind.REMAND, EpisodeKind.SENTENCED)


@dataclass
class Replacement:
    """A candidate above threshold who outscores a current member, and that member."""

    candidate: Score
    member: Membership
    member_score: Score | None  # None: the member is not eligible under these criteria
    member_in_custody: bool = False  # the usual reason a member is not eligible


@dataclass
class ListedPerson:
    """One row of an area's ranked list: the score and where the person stands today."""

    score: Score
    new_since_last_run: bool
    status: CohortStatus | None
    nomination: Nomination | None
    previous_rank: int | None = None  # in the run before, when they were listed in it

    @property
    def in_cohort(self) -> bool:
        return self.status is not None and self.status.current


@dataclass
class AreaList:
    area: Area
    default_capacity: int
    override: CapacityOverride | None
    cohort: int  # current members today
    eligible: int
    above_threshold: int
    rows: list[ListedPerson] = field(default_factory=list)
    join_now: list[Score] = field(default_factory=list)  # candidates for the free places
    replacements: list[Replacement] = field(default_factory=list)
    candidates: int = 0  # above threshold and not in the cohort

    @property
    def capacity(self) -> int:
        return self.override.capacity if self.override is not None else self.default_capacity

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.cohort, 0)


def runs_for(user: User) -> QuerySet[ScoringRun]:
    return ScoringRun.objects.select_related("criteria_version__criteria_set", "actor")


def default_capacities(as_of: dt.date, lookback_months: int, areas: list[Area]) -> dict[int, int]:
    """Default capacity per area: the partnership total shared by recorded offences."""
    window_start = months_before(as_of, lookback_months)
    counts = dict(
        Offence.objects.filter(offence_date__gt=window_start, offence_date__lte=as_of)
        .values_list("area_id")
        .annotate(n=Count("id"))
        .values_list("area_id", "n")
    )
    all_areas = list(Area.objects.values_list("pk", flat=True))
    shares = share_capacity(
        DEFAULT_PARTNERSHIP_CAPACITY, {pk: counts.get(pk, 0) for pk in all_areas}, CAPACITY_FLOOR
    )
    return {area.pk: shares.get(area.pk, CAPACITY_FLOOR) for area in areas}


def previous_run(run: ScoringRun) -> ScoringRun | None:
    """The run before this one with the same criteria set."""
    return (
        ScoringRun.objects.filter(
            criteria_version__criteria_set=run.criteria_version.criteria_set,
            started_at__lt=run.started_at,
        )
        .order_by("-started_at")
        .first()
    )


def area_capacities(run: ScoringRun, areas: list[Area]) -> dict[int, int]:
    """Each area's capacity for a run: the coordinator's override, or the shared default."""
    criteria = Criteria.from_dict(run.criteria_version.config)
    capacities = default_capacities(run.as_of, criteria.lookback_months, areas)
    overrides = overrides_for(areas)
    return {pk: overrides[pk].capacity if pk in overrides else n for pk, n in capacities.items()}


def overrides_for(areas: list[Area]) -> dict[int, CapacityOverride]:
    return {
        o.area_id: o
        for o in CapacityOverride.objects.filter(area__in=areas).select_related("set_by")
    }


def area_lists(run: ScoringRun, user: User, *, show: int) -> list[AreaList]:
    """Each of the user's areas: capacity, cohort, counts, the top of the ranked list with
    each person's cohort status, and who would take free places or replace members."""
    areas = list(user.areas.order_by("code"))
    criteria = Criteria.from_dict(run.criteria_version.config)
    capacities = default_capacities(run.as_of, criteria.lookback_months, areas)
    overrides = overrides_for(areas)
    members = list(members_on(today(), area_ids=[a.pk for a in areas]).select_related("person"))
    counts: dict[int, Any] = {
        row["area_id"]: row
        for row in Score.objects.filter(run=run, area__in=areas)
        .values("area_id")
        .annotate(eligible=Count("id"), above=Count("id", filter=Q(above_threshold=True)))
    }
    top = list(
        Score.objects.filter(run=run, area__in=areas, rank__lte=show)
        .select_related("person", "area")
        .order_by("area__code", "rank")
    )
    before = previous_run(run)
    # Where each listed person ranked in the run before, in the same area.
    previous_ranks: dict[tuple[int, int], int] = {}
    if before is not None:
        previous_ranks = {
            (area_id, person_id): rank
            for area_id, person_id, rank in Score.objects.filter(
                run=before, person_id__in=[score.person_id for score in top]
            ).values_list("area_id", "person_id", "rank")
        }
    lists = {
        area.pk: AreaList(
            area=area,
            default_capacity=capacities[area.pk],
            override=overrides.get(area.pk),
            cohort=sum(1 for m in members if m.area_id == area.pk),
            eligible=counts.get(area.pk, {}).get("eligible", 0),
            above_threshold=counts.get(area.pk, {}).get("above", 0),
        )
        for area in areas
    }
    listed = [score.person_id for score in top]
    statuses = statuses_on(today(), listed)
    nominations = {
        n.person_id: n
        for n in Nomination.objects.filter(person_id__in=listed, status=NominationStatus.OPEN)
    }
    for score in top:
        lists[score.area_id].rows.append(
            ListedPerson(
                score=score,
                new_since_last_run=before is not None
                and (score.area_id, score.person_id) not in previous_ranks,
                previous_rank=previous_ranks.get((score.area_id, score.person_id)),
                status=statuses.get(score.person_id),
                nomination=nominations.get(score.person_id),
            )
        )
    _replacements(run, lists, members)
    return list(lists.values())


def _replacements(run: ScoringRun, lists: dict[int, AreaList], members: list[Membership]) -> None:
    """Fill each area's free places from the top candidates, then pair the next candidates
    with the lowest-scoring members they outscore: "emergent prolific offenders can be
    included only as others have PPO status withdrawn"."""
    member_ids = {m.person_id for m in members}
    candidates: dict[int, list[tuple[int, int, float]]] = {pk: [] for pk in lists}
    for score_id, area_id, total in (
        Score.objects.filter(run=run, area_id__in=list(lists), above_threshold=True)
        .exclude(person_id__in=member_ids)
        .order_by("area_id", "rank")
        .values_list("id", "area_id", "total")
    ):
        candidates[area_id].append((score_id, area_id, total))
    member_scores = {
        s.person_id: s for s in Score.objects.filter(run=run, person_id__in=member_ids)
    }
    wanted: set[int] = set()
    plan: dict[int, tuple[list[int], list[tuple[int, Membership]]]] = {}
    for area_id, entry in lists.items():
        entry.candidates = len(candidates[area_id])
        ranked = candidates[area_id]
        join = [score_id for score_id, _, _ in ranked[: entry.free_places]]
        # Members not eligible under these criteria score nothing: they are replaced first.
        weakest = sorted(
            (m for m in members if m.area_id == area_id),
            key=lambda m: (
                member_scores[m.person_id].total if m.person_id in member_scores else -1.0,
                m.start_date,
            ),
        )
        pairs = []
        for (score_id, _, total), member in zip(ranked[entry.free_places :], weakest, strict=False):
            held = member_scores.get(member.person_id)
            if total <= (held.total if held is not None else -1.0):
                break
            pairs.append((score_id, member))
        plan[area_id] = (join, pairs)
        wanted.update(join, (score_id for score_id, _ in pairs))
    fetched = Score.objects.filter(pk__in=list(wanted)).select_related("person").in_bulk()
    paired = [member.person_id for _, pairs in plan.values() for _, member in pairs]
    in_custody = set(
        StatusEpisode.objects.filter(
            person_id__in=paired, kind__in=CUSTODY_KINDS, start_date__lte=today()
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today()))
        .values_list("person_id", flat=True)
    )
    for area_id, (join, pairs) in plan.items():
        entry = lists[area_id]
        entry.join_now = [fetched[score_id] for score_id in join]
        entry.replacements = [
            Replacement(
                fetched[score_id],
                member,
                member_scores.get(member.person_id),
                member.person_id in in_custody,
            )
            for score_id, member in pairs
        ]
