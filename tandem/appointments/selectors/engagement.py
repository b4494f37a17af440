"""Reads about engagement: attendance rates (for the caseload), people not engaging (for
the forum agenda), and enforcement flags awaiting a decision.

Each is one or two aggregate queries however many people; none returns names, so callers
decide what to show through the usual access checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from tandem.core.access import people_for
from tandem.core.models import Area, Role, User
from tandem.people.models import Person

from ..codes import (
    ATTENDED_OUTCOMES,
    MISSED_OUTCOMES,
    FlagStatus,
    Outcome,
)
from ..models import Attendance, EnforcementFlag, GoodProgress
from ..rules import LONDON


@dataclass(frozen=True)
class AttendanceRate:
    """Outcomes counted for a person or an agency.

    The rate is attended over attended plus missed: an acceptable absence (court, illness)
    is neither, so it does not count against the person.
    """

    attended: int = 0
    complied: int = 0
    acceptable: int = 0
    missed: int = 0
    # A person's outcomes split by the agency that held the appointments, by agency name
    # (empty for an agency's own rate).
    by_agency: tuple[tuple[str, AttendanceRate], ...] = ()

    def __add__(self, other: AttendanceRate) -> AttendanceRate:
        return AttendanceRate(
            self.attended + other.attended,
            self.complied + other.complied,
            self.acceptable + other.acceptable,
            self.missed + other.missed,
        )

    @property
    def expected(self) -> int:
        return self.attended + self.missed

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def percent(self) -> str:
        return "–" if self.rate is None else f"{round(self.rate * 100)}%"


def _rate_counts() -> dict[str, Count]:
    return {
        "attended": Count("pk", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
        "complied": Count("pk", filter=Q(outcome=Outcome.ATTENDED_COMPLIED)),
        "acceptable": Count("pk", filter=Q(outcome=Outcome.ACCEPTABLE_ABSENCE)),
        "missed": Count("pk", filter=Q(outcome__in=MISSED_OUTCOMES)),
    }


def _outcomes(since: dt.datetime | None) -> QuerySet[Attendance]:
    outcomes = Attendance.objects.all()
    if since is not None:
        outcomes = outcomes.filter(appointment__starts_at__gte=since)
    return outcomes


def _rates(rows: Iterable[Mapping[str, Any]], key: str) -> dict[int, AttendanceRate]:
    return {
        row[key]: AttendanceRate(
            attended=row["attended"],
            complied=row["complied"],
            acceptable=row["acceptable"],
            missed=row["missed"],
        )
        for row in rows
    }


def attendance_rates(
    person_ids: Iterable[int], since: dt.datetime | None = None
) -> dict[int, AttendanceRate]:
    """Each person's recorded outcomes, overall and per agency that held the appointments,
    in one query; people with none are absent."""
    rows: Iterable[Mapping[str, Any]] = (
        _outcomes(since)
        .filter(appointment__person_id__in=list(person_ids))
        .values("appointment__person_id", "appointment__agency__name")
        .annotate(**_rate_counts())
        .order_by("appointment__person_id", "appointment__agency__name")
    )
    per_agency: dict[int, list[tuple[str, AttendanceRate]]] = {}
    for row in rows:
        rate = AttendanceRate(row["attended"], row["complied"], row["acceptable"], row["missed"])
        per_agency.setdefault(row["appointment__person_id"], []).append(
            (row["appointment__agency__name"], rate)
        )
    rates = {}
    for person_id, agencies in per_agency.items():
        total = sum((rate for _, rate in agencies), AttendanceRate())
        rates[person_id] = dataclasses.replace(total, by_agency=tuple(agencies))
    return rates


def attendance_rates_by_agency(
    agency_ids: Iterable[int] | None = None, since: dt.datetime | None = None
) -> dict[int, AttendanceRate]:
    """Outcomes of the appointments each agency held, in one query (all agencies if None)."""
    outcomes = _outcomes(since)
    if agency_ids is not None:
        outcomes = outcomes.filter(appointment__agency_id__in=list(agency_ids))
    rows = outcomes.values("appointment__agency_id").annotate(**_rate_counts()).order_by()
    return _rates(rows, "appointment__agency_id")


@dataclass(frozen=True)
class NotEngaging:
    """A person the forum should discuss: missed appointments lately, or a flag open."""

    person_id: int
    missed: int
    last_missed_on: dt.date | None
    open_flags: tuple[str, ...] = field(default_factory=tuple)


def not_engaging(area: Area, on: dt.date) -> list[NotEngaging]:
    """People living in the area with APPOINTMENTS_NOT_ENGAGING_MISSED (2) or more missed
    appointments in the APPOINTMENTS_NOT_ENGAGING_WEEKS (8) weeks to `on`, or an open
    enforcement flag; most missed first. For the forum agenda, which scopes it."""
    weeks = int(getattr(settings, "APPOINTMENTS_NOT_ENGAGING_WEEKS", 8))
    threshold = int(getattr(settings, "APPOINTMENTS_NOT_ENGAGING_MISSED", 2))
    end = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    start = end - dt.timedelta(weeks=weeks)
    missed = {
        row["appointment__person_id"]: row
        for row in Attendance.objects.filter(
            outcome__in=MISSED_OUTCOMES,
            appointment__person__residence_area=area,
            appointment__starts_at__gte=start,
            appointment__starts_at__lt=end,
        )
        .values("appointment__person_id")
        .annotate(n=Count("pk"), last=Max("appointment__starts_at"))
        .order_by()
    }
    flags: dict[int, list[str]] = {}
    for person_id, level in EnforcementFlag.objects.filter(
        status=FlagStatus.OPEN, person__residence_area=area
    ).values_list("person_id", "level"):
        flags.setdefault(person_id, []).append(level)
    ids = {pk for pk, row in missed.items() if row["n"] >= threshold} | set(flags)
    rows = []
    for pk in ids:
        row = missed.get(pk)
        rows.append(
            NotEngaging(
                person_id=pk,
                missed=row["n"] if row else 0,
                last_missed_on=row["last"].astimezone(LONDON).date() if row else None,
                open_flags=tuple(sorted(flags.get(pk, []))),
            )
        )
    return sorted(rows, key=lambda r: (-r.missed, -len(r.open_flags), r.person_id))


# Enforcement ---------------------------------------------------------------------------


def open_flags_for(user: User) -> QuerySet[EnforcementFlag]:
    """Flags awaiting this user's decision: theirs, their lead cases' (leads change), and
    for a coordinator, those raised with no lead in their areas."""
    from tandem.casework.models import Allocation, AllocationRole

    leads = Allocation.objects.filter(
        person=OuterRef("person"), worker=user, role=AllocationRole.LEAD, end_date__isnull=True
    )
    mine = Q(owner=user) | Q(Exists(leads))
    if user.role == Role.COORDINATOR:
        mine |= Q(owner__isnull=True, person__residence_area__in=user.areas.all())
    return (
        EnforcementFlag.objects.filter(status=FlagStatus.OPEN)
        .filter(mine)
        .select_related("appointment", "appointment__agency")
        .order_by("raised_at", "id")
    )


@dataclass
class EnforcementRecord:
    """A person's flags (with any decisions) and good progress, newest first."""

    flags: list[EnforcementFlag]
    good_progress: list[GoodProgress]

    @property
    def open_flags(self) -> list[EnforcementFlag]:
        return [f for f in self.flags if f.status == FlagStatus.OPEN]


def enforcement_for(user: User, person: Person) -> EnforcementRecord:
    """The enforcement record the user may see; Http404 outside their scope.

    Flags name appointments by date and agency only; the diary masks their kind.
    """
    if not people_for(user).filter(pk=person.pk).exists():
        raise Http404
    flags = list(
        EnforcementFlag.objects.filter(person=person)
        .select_related("appointment__agency", "owner", "decision__decided_by")
        .order_by("-raised_at", "-id")
    )
    progress = list(
        GoodProgress.objects.filter(person=person)
        .select_related("recorded_by", "recorded_agency")
        .order_by("-recorded_at", "-id")
    )
    return EnforcementRecord(flags=flags, good_progress=progress)
