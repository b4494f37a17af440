"""Reads of the cohort: who is a member on a date, per area and per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import PPO_SCHEME_CODE, Membership

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
