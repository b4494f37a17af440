"""Booking checks and enforcement thresholds as pure functions: no database, no clock.

The booking service gathers the person's other appointments as `Slot`s and asks these
functions what is wrong with a proposed time before anything is saved, so a page can show
the warnings and let the user confirm or take a suggestion. Times are aware datetimes;
days and weeks are the partnership's local ones (Europe/London), because that is the day
the person lives.

What kind of appointment an agency may hold is data here too (KIND_AGENCY_KINDS), so the
booking form offers only those kinds and the service can refuse the rest.

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

from .codes import AppointmentKind

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
class Custody:
    """A spell in custody (remand or sentence) as the rules see it: its first and last day
    (None while no end is recorded), and the expected release day if known."""

    first_day: dt.date
    last_day: dt.date | None
    expected_release: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class BookingPolicy:
    travel_minutes: int = 60
    max_per_week: int = 5
    suggest_days: int = 14
    # How far ahead an appointment may be booked or moved. Partners plan months ahead at
    # most; a date years away is a mistyped year (03/12/9999), not a plan.
    ahead_years: int = 2
    tz: dt.tzinfo = LONDON

    @classmethod
    def from_settings(cls) -> BookingPolicy:
        return cls(
            travel_minutes=int(getattr(settings, "APPOINTMENTS_TRAVEL_MINUTES", 60)),
            max_per_week=int(getattr(settings, "APPOINTMENTS_MAX_PER_WEEK", 5)),
            suggest_days=int(getattr(settings, "APPOINTMENTS_SUGGEST_DAYS", 14)),
            ahead_years=int(getattr(settings, "APPOINTMENTS_BOOK_AHEAD_YEARS", 2)),
        )


def latest_start(now: dt.datetime, policy: BookingPolicy) -> dt.datetime:
    """The latest time an appointment may start: `ahead_years` from now."""
    return add_months(now, 12 * policy.ahead_years)


def too_far_ahead(starts_at: dt.datetime, now: dt.datetime, policy: BookingPolicy) -> bool:
    return starts_at > latest_start(now, policy)


def ahead_phrase(policy: BookingPolicy) -> str:
    """ "the next 2 years", or "the next year": the limit as a message says it."""
    years = policy.ahead_years
    return "the next year" if years == 1 else f"the next {years} years"


# Which agencies hold which kinds -------------------------------------------------------

# The agency kinds whose offender managers lead cases. Plain strings, as in
# tandem.casework.services.allocation.LEAD_AGENCY_KINDS, which this must match (a test
# checks), so that these rules need no models.
OFFENDER_MANAGER_AGENCY_KINDS = frozenset({"police", "probation", "prison"})
DRUG_SERVICE_AGENCY_KINDS = frozenset({"dip", "drug_treatment"})

# The agency kinds that may hold each kind of appointment; None for any agency. Only an
# offender manager's agency supervises: a drug service booking "supervision" would read on
# the person's printed diary as a meeting with their offender manager.
KIND_AGENCY_KINDS: dict[str, frozenset[str] | None] = {
    AppointmentKind.SUPERVISION: OFFENDER_MANAGER_AGENCY_KINDS,
    AppointmentKind.DRUG_TREATMENT: DRUG_SERVICE_AGENCY_KINDS,
    # Offender managers test too, often just before supervision.
    AppointmentKind.DRUG_TEST: DRUG_SERVICE_AGENCY_KINDS | OFFENDER_MANAGER_AGENCY_KINDS,
    AppointmentKind.HOUSING: frozenset({"housing_authority", "social_landlord"}),
    AppointmentKind.ETE: frozenset({"ete"}),
    # Offender managers mentor informally; mentoring charities do it as their work.
    AppointmentKind.MENTORING: frozenset({"mentoring"}) | OFFENDER_MANAGER_AGENCY_KINDS,
    AppointmentKind.OTHER: None,
}


def may_hold(agency_kind: str | None, kind: str) -> bool:
    """Whether an agency of this kind may hold an appointment of this kind."""
    if kind not in KIND_AGENCY_KINDS:
        return False
    allowed = KIND_AGENCY_KINDS[kind]
    return allowed is None or agency_kind in allowed


def kinds_for(agency_kind: str | None) -> list[str]:
    """The kinds an agency of this kind may hold, in the vocabulary's order."""
    return [kind for kind in AppointmentKind.values if may_hold(agency_kind, kind)]


class ClashKind(StrEnum):
    CUSTODY = "custody"
    OVERLAP = "overlap"
    TRAVEL = "travel"
    OVERLOAD = "overload"


@dataclass(frozen=True)
class Clash:
    """One thing wrong with a proposed time: with which appointment, how many in the week,
    or the custody spell the person is in that day."""

    kind: ClashKind
    other: Slot | None = None
    # Travel: the minutes between the two appointments. Overload: appointments in the week,
    # the proposed one included.
    minutes: int = 0
    count: int = 0
    custody: Custody | None = None


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


def in_custody(new: Slot, custody: Iterable[Custody], policy: BookingPolicy) -> Clash | None:
    """A clash when the person is in custody on the proposed day: the spell that began
    last, as a sentence often follows remand without a day's liberty between."""
    day = new.local_day(policy.tz)
    spells = sorted((c for c in custody if c.covers(day)), key=lambda c: c.first_day)
    return Clash(ClashKind.CUSTODY, custody=spells[-1]) if spells else None


def clashes(
    new: Slot, existing: Sequence[Slot], policy: BookingPolicy, custody: Sequence[Custody] = ()
) -> list[Clash]:
    """Everything wrong with the proposed time: custody first (nothing else matters if the
    person cannot come), then overlaps, travel and the weekly limit.

    `existing` holds the person's other live appointments: not cancelled, and not the
    appointment being rescheduled; `custody` the person's custody spells around the day.
    """
    held = in_custody(new, custody, policy)
    found = [held] if held is not None else []
    found += overlaps(new, existing) + travel_clashes(new, existing, policy)
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
    new: Slot,
    existing: Sequence[Slot],
    policy: BookingPolicy,
    *,
    not_before: dt.datetime,
    custody: Sequence[Custody] = (),
) -> Slot | None:
    """The nearest weekday, at the same time, with no clash at all; later days win ties.

    Only weekdays are offered (partner services keep office hours), never a time before
    `not_before` (now) nor beyond the booking limit from it, never a day in custody, and
    nothing further than the policy's suggest_days.
    """
    day = new.local_day(policy.tz)
    for distance in range(1, policy.suggest_days + 1):
        for offset in (distance, -distance):
            candidate_day = day + dt.timedelta(days=offset)
            if candidate_day.weekday() >= 5:
                continue
            candidate = _moved_to(new, candidate_day, policy.tz)
            if candidate.starts_at < not_before or too_far_ahead(
                candidate.starts_at, not_before, policy
            ):
                continue
            if not clashes(candidate, existing, policy, custody):
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
