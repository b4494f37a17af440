"""Reads for selection pages: runs, their ranked lists per area, capacity, what is new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.core.models import Area, User
from tandem.offending.models import Offence

from .capacity import share_capacity
from .criteria import Criteria
from .models import Score, ScoringRun
from .scoring import months_before

DEFAULT_PARTNERSHIP_CAPACITY = 270  # nine areas of about 30, as the study's scheme envisaged
CAPACITY_FLOOR = 10


@dataclass
class AreaList:
    area: Area
    capacity: int
    eligible: int
    above_threshold: int
    scores: list[Score] = field(default_factory=list)
    new_since_last_run: set[int] = field(default_factory=set)


def runs_for(user: User) -> QuerySet[ScoringRun]:
    return ScoringRun.objects.select_related("criteria_version__criteria_set", "actor")


def area_capacities(run: ScoringRun, areas: list[Area]) -> dict[int, int]:
    """Default capacity per area: the partnership total shared by recorded offences."""
    criteria = Criteria.from_dict(run.criteria_version.config)
    window_start = months_before(run.as_of, criteria.lookback_months)
    counts = dict(
        Offence.objects.filter(offence_date__gt=window_start, offence_date__lte=run.as_of)
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


def area_lists(run: ScoringRun, user: User, *, show: int) -> list[AreaList]:
    """Each of the user's areas: capacity, counts, and the top of the ranked list."""
    areas = list(user.areas.order_by("code"))
    capacities = area_capacities(run, areas)
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
    previously_listed: set[tuple[int, int]] = set()
    if before is not None:
        previously_listed = set(
            Score.objects.filter(
                run=before, person_id__in=[score.person_id for score in top]
            ).values_list("area_id", "person_id")
        )
    lists = {
        area.pk: AreaList(
            area=area,
            capacity=capacities[area.pk],
            eligible=counts.get(area.pk, {}).get("eligible", 0),
            above_threshold=counts.get(area.pk, {}).get("above", 0),
        )
        for area in areas
    }
    for score in top:
        entry = lists[score.area_id]
        entry.scores.append(score)
        if before is not None and (score.area_id, score.person_id) not in previously_listed:
            entry.new_since_last_run.add(score.person_id)
    return list(lists.values())
