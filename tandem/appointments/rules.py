"""Booking checks and enforcement thresholds as pure functions: no database, no clock.

The booking service gathers the person's other appointments as `Slot`s and asks these
functions what is wrong with a proposed time before anything is saved, so a page can show
the warnings and let the user confirm or take a suggestion. Times are aware datetimes;
days and weeks are the partnership's local ones (Europe/London), because that is the day
the person lives.

Travel time is deliberately simple: one figure (APPOINTMENTS_TRAVEL_MINUTES) for any two
different areas, none within one area. Areas are police command units a bus ride or two
apart; a table of area-to-area times would be precise about a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings

from .codes import EnforcementLevel

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Slot:
    """An appointment's time and area as the rules see it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    area_id: int | None
    # Existing appointments carry their id and holding agency; a proposal has neither.
    appointment_id: int | None = None
    agency_id: int | None = None

    def local_day(self, tz: dt.tzinfo = LONDON) -> dt.date:
        return self.starts_at.astimezone(tz).date()

    def iso_week(self, tz: dt.tzinfo = LONDON) -> tuple[int, int]:
        year, week, _ = self.local_day(tz).isocalendar()
        return year, week


@dataclass(frozen=True)
class BookingPolicy:
    travel_minutes: int = 60
    max_per_week: int = 5
    suggest_days: int = 14
    tz: dt.tzinfo = LONDON

    @classmethod
    def from_settings(cls) -> BookingPolicy:
        return cls(
            travel_minutes=int(getattr(settings, "APPOINTMENTS_TRAVEL_MINUTES", 60)),
            max_per_week=int(getattr(settings, "APPOINTMENTS_MAX_PER_WEEK", 5)),
            suggest_days=int(getattr(settings, "APPOINTMENTS_SUGGEST_DAYS", 14)),
        )


class ClashKind(StrEnum):
    OVERLAP = "overlap"
    TRAVEL = "travel"
    OVERLOAD = "overload"


@dataclass(frozen=True)
class Clash:
    """One thing wrong with a proposed time: with which appointment, or how many in the week."""

    kind: ClashKind
    other: Slot | None = None
    # Travel: the minutes between the two appointments. Overload: appointments in the week,
    # the proposed one included.
    minutes: int = 0
    count: int = 0


def _gap_minutes(a: Slot, b: Slot) -> float:
    """Minutes from the end of the earlier to the start of the later; negative if they overlap."""
    if a.starts_at <= b.starts_at:
        return (b.starts_at - a.ends_at).total_seconds() / 60
    return (a.starts_at - b.ends_at).total_seconds() / 60


def overlaps(new: Slot, existing: Iterable[Slot]) -> list[Clash]:
    """Existing appointments that share any time with the proposed one (touching is fine)."""
    return [
        Clash(ClashKind.OVERLAP, other=s)
        for s in existing
        if s.starts_at < new.ends_at and new.starts_at < s.ends_at
    ]


def travel_clashes(new: Slot, existing: Iterable[Slot], policy: BookingPolicy) -> list[Clash]:
    """Same-day appointments in another area with less than the travel time between them."""
    day = new.local_day(policy.tz)
    clashes = []
    for s in existing:
        if s.area_id == new.area_id or s.local_day(policy.tz) != day:
            continue
        gap = _gap_minutes(new, s)
        if 0 <= gap < policy.travel_minutes:
            clashes.append(Clash(ClashKind.TRAVEL, other=s, minutes=int(gap)))
    return clashes


def weekly_overload(new: Slot, existing: Iterable[Slot], policy: BookingPolicy) -> Clash | None:
    """A clash when the proposed appointment takes the person's ISO week over the limit."""
    week = new.iso_week(policy.tz)
    count = 1 + sum(1 for s in existing if s.iso_week(policy.tz) == week)
    if count > policy.max_per_week:
        return Clash(ClashKind.OVERLOAD, count=count)
    return None


def clashes(new: Slot, existing: Sequence[Slot], policy: BookingPolicy) -> list[Clash]:
    """Everything wrong with the proposed time, overlaps first.

    `existing` holds the person's other live appointments: not cancelled, and not the
    appointment being rescheduled.
    """
    found = overlaps(new, existing) + travel_clashes(new, existing, policy)
    overload = weekly_overload(new, existing, policy)
    if overload is not None:
        found.append(overload)
    return found


def join_candidates(
    new: Slot, existing: Iterable[Slot], policy: BookingPolicy, *, agency_id: int | None
) -> list[Slot]:
    """Other agencies' appointments with the person on the proposed day, to join instead."""
    day = new.local_day(policy.tz)
    return sorted(
        (
            s
            for s in existing
            if s.local_day(policy.tz) == day
            and s.agency_id is not None
            and s.agency_id != agency_id
        ),
        key=lambda s: s.starts_at,
    )


def _moved_to(slot: Slot, day: dt.date, tz: dt.tzinfo) -> Slot:
    """The same local clock times on another day (DST-safe: built from wall-clock times)."""
    start = slot.starts_at.astimezone(tz)
    length = slot.ends_at - slot.starts_at
    starts_at = dt.datetime.combine(day, start.time().replace(tzinfo=None), tzinfo=tz)
    return Slot(starts_at, starts_at + length, slot.area_id)


def suggest_day(
    new: Slot, existing: Sequence[Slot], policy: BookingPolicy, *, not_before: dt.datetime
) -> Slot | None:
    """The nearest weekday, at the same time, with no clash at all; later days win ties.

    Only weekdays are offered (partner services keep office hours), never a time before
    `not_before` (now), and nothing further than the policy's suggest_days.
    """
    day = new.local_day(policy.tz)
    for distance in range(1, policy.suggest_days + 1):
        for offset in (distance, -distance):
            candidate_day = day + dt.timedelta(days=offset)
            if candidate_day.weekday() >= 5:
                continue
            candidate = _moved_to(new, candidate_day, policy.tz)
            if candidate.starts_at < not_before:
                continue
            if not clashes(candidate, existing, policy):
                return candidate
    return None


# Enforcement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EnforcementPolicy:
    """National Standards as configured: how many missed enforceable appointments within
    how many months call for a warning to be considered, and for breach action."""

    window_months: int = 12
    warning_after: int = 1
    breach_after: int = 2

    def __post_init__(self) -> None:
        if not (1 <= self.warning_after <= self.breach_after) or self.window_months < 1:
            raise ValueError("Enforcement thresholds must satisfy 1 <= warning <= breach")

    @classmethod
    def from_settings(cls) -> EnforcementPolicy:
        return cls(
            window_months=int(getattr(settings, "APPOINTMENTS_ENFORCEMENT_WINDOW_MONTHS", 12)),
            warning_after=int(getattr(settings, "APPOINTMENTS_WARNING_AFTER_MISSED", 1)),
            breach_after=int(getattr(settings, "APPOINTMENTS_BREACH_AFTER_MISSED", 2)),
        )


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock time `months` later (or earlier), on the month's last day where
    the day does not exist, as people count "within 12 months"."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=min(moment.day, day))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def misses_in_window(
    missed: Iterable[dt.datetime], at: dt.datetime, policy: EnforcementPolicy
) -> int:
    """The most missed appointments in any one window (of window_months) containing `at`.

    Any window, not only the one ending at `at`: outcomes are sometimes recorded late, and
    a miss recorded today may be the first of two a month apart.
    """
    times = sorted(set(missed) | {at})
    best = 0
    for start in times:
        end = add_months(start, policy.window_months)
        if start <= at <= end:
            best = max(best, sum(1 for t in times if start <= t <= end))
    return best


def enforcement_level(
    missed: Iterable[dt.datetime], at: dt.datetime, policy: EnforcementPolicy
) -> tuple[EnforcementLevel | None, int]:
    """The level a miss at `at` reaches given the person's other missed enforceable
    appointments, and the count that decided it."""
    count = misses_in_window(missed, at, policy)
    if count >= policy.breach_after:
        return EnforcementLevel.BREACH, count
    if count >= policy.warning_after:
        return EnforcementLevel.WARNING, count
    return None, count
