"""The checks a booking page shows before saving: warnings to confirm, and alternatives.

The rules are pure (tandem.appointments.rules); this reads the person's other appointments
and custody spells once each, runs the rules and words the answer for the user booking,
naming other agencies' appointments only as far as the user may see them, and saying why
the person is in custody only to users who may read offending data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.core.access import PersonGrants, grants_for
from tandem.core.categories import Category
from tandem.core.models import Area, User
from tandem.people.models import CUSTODY_KINDS, Person, StatusEpisode

from .. import rules
from ..access import shows_detail
from ..codes import AppointmentStatus
from ..models import Appointment, Participant
from ..rules import BookingPolicy, Clash, ClashKind, Custody, Slot
from ..text import day_label, describe, local, time_label, when_label


@dataclass(frozen=True)
class BookingWarning:
    """Something to confirm before booking: an overlap, too little travel time, too many."""

    code: str
    message: str
    appointment_id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """An alternative: join another agency's appointment that day, or book another day."""

    code: str  # "join" or "another_day"
    message: str
    appointment_id: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


@dataclass(frozen=True)
class BookingCheck:
    warnings: list[BookingWarning] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.warnings

    @property
    def messages(self) -> list[str]:
        return [w.message for w in self.warnings]


def live_appointments(
    person: Person, start: dt.datetime, end: dt.datetime, *, exclude_id: int | None = None
) -> QuerySet[Appointment]:
    """The person's booked (not cancelled) appointments touching [start, end)."""
    appointments = (
        Appointment.objects.filter(
            person=person,
            status=AppointmentStatus.BOOKED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("agency", "area")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.only("appointment", "agency"))
        )
        .order_by("starts_at", "id")
    )
    if exclude_id is not None:
        appointments = appointments.exclude(pk=exclude_id)
    return appointments


def custody_spells(
    person: Person, first_day: dt.date, last_day: dt.date, *, today: dt.date
) -> list[Custody]:
    """The person's custody spells touching [first_day, last_day], in one query.

    Read here rather than through tandem.people.selectors.statuses_for, which answers for
    one day: the suggestions look a fortnight either side, and must not offer a day in
    custody either. Remand and sentence outrank every other status, so an open custody
    episode on a day is what statuses_for would call in custody on it.

    An open spell lasts until the day before its expected release, if that is still to
    come: the release day itself is when probation sees people first. Without one, or once
    it has passed with no release recorded, the record says the person is still inside.
    """
    episodes = StatusEpisode.objects.filter(
        person=person, kind__in=CUSTODY_KINDS, start_date__lte=last_day
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=first_day))
    spells = []
    for e in episodes:
        last = e.end_date
        expected = e.expected_end_date
        if last is None and expected is not None and expected > today:
            last = expected - dt.timedelta(days=1)
        spells.append(Custody(e.start_date, last, e.released_on or expected))
    return spells


def _custody_warning(
    clash: Clash,
    person: Person,
    policy: BookingPolicy,
    new: Slot,
    grants: PersonGrants,
    today: dt.date,
) -> BookingWarning:
    """Custody is offending data: only readers of it learn why the person cannot come."""
    day = day_label(new.local_day(policy.tz))
    if not grants.can_read(Category.OFFENDING):
        return BookingWarning(
            ClashKind.CUSTODY,
            f"The person may not be free to come on {day}: check with their offender "
            "manager before booking.",
        )
    assert clash.custody is not None
    name = person.full_name if grants.can_read(Category.IDENTITY) else "The person"
    release = clash.custody.expected_release
    if release is None:
        when = ""
    elif release > today:
        when = f" (expected release {day_label(release)})"
    else:
        when = f" (release was expected on {day_label(release)} but is not recorded)"
    return BookingWarning(
        ClashKind.CUSTODY,
        f"{name} is in custody on {day}{when}: an appointment in the community cannot be "
        "kept. Book it after their release, unless it is held where they are.",
    )


def slot_of(appointment: Appointment) -> Slot:
    return Slot(
        appointment.starts_at,
        appointment.ends_at,
        appointment.area_id,
        appointment_id=appointment.pk,
        agency_id=appointment.agency_id,
    )


def _warning(
    clash: Clash,
    by_id: dict[int, Appointment],
    policy: BookingPolicy,
    new: Slot,
    actor: User,
    grants: PersonGrants,
) -> BookingWarning:
    if clash.kind == ClashKind.OVERLOAD:
        monday = new.local_day(policy.tz) - dt.timedelta(days=new.local_day(policy.tz).weekday())
        return BookingWarning(
            ClashKind.OVERLOAD,
            f"This would be appointment {clash.count} in the week beginning "
            f"{day_label(monday)}: more than {policy.max_per_week} in a week is too many for "
            "the person to keep to.",
        )
    assert clash.other is not None and clash.other.appointment_id is not None
    other = by_id[clash.other.appointment_id]
    what = describe(other, detailed=shows_detail(other, reader=actor, grants=grants))
    if clash.kind == ClashKind.OVERLAP:
        message = (
            f"This overlaps {what}, {when_label(other.starts_at, other.ends_at)}. "
            "Join that appointment or choose another time."
        )
    else:
        message = (
            f"Only {clash.minutes} minutes lie between this and {what} in {other.area.name}, "
            f"{when_label(other.starts_at, other.ends_at)}: allow {policy.travel_minutes} "
            "minutes to travel between areas, or hold the appointments together."
        )
    return BookingWarning(clash.kind, message, other.pk)


def booking_check(
    actor: User,
    person: Person,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    area: Area,
    exclude: Appointment | None = None,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> BookingCheck:
    """Warnings for a proposed appointment, with alternatives, before anything is saved.

    `exclude` is the appointment being rescheduled, so it does not clash with itself.
    """
    policy = policy or BookingPolicy.from_settings()
    now = now or timezone.now()
    # Wide enough for every day a suggestion may move to, and the whole of its ISO week.
    reach = dt.timedelta(days=policy.suggest_days + 8)
    existing = list(
        live_appointments(
            person, starts_at - reach, ends_at + reach, exclude_id=exclude.pk if exclude else None
        )
    )
    by_id = {a.pk: a for a in existing}
    slots = [slot_of(a) for a in existing]
    new = Slot(starts_at, ends_at, area.pk)
    day = new.local_day(policy.tz)
    spread = dt.timedelta(days=policy.suggest_days)
    today = now.astimezone(policy.tz).date()
    custody = custody_spells(person, day - spread, day + spread, today=today)
    grants = grants_for(actor, person)
    agency_id = actor.agency_id

    warnings = [
        _custody_warning(c, person, policy, new, grants, today)
        if c.kind == ClashKind.CUSTODY
        else _warning(c, by_id, policy, new, actor, grants)
        for c in rules.clashes(new, slots, policy, custody)
    ]
    suggestions = []
    for slot in rules.join_candidates(new, slots, policy, agency_id=agency_id):
        other = by_id[slot.appointment_id or 0]
        joined = {p.agency_id for p in other.participants.all()}
        if agency_id in joined or other.starts_at < now:
            continue
        what = describe(other, detailed=shows_detail(other, reader=actor, grants=grants))
        suggestions.append(
            Suggestion(
                "join",
                f"Join {what} instead: {when_label(other.starts_at, other.ends_at)} in "
                f"{other.area.name}. One meeting with both agencies is one less journey.",
                appointment_id=other.pk,
                starts_at=other.starts_at,
                ends_at=other.ends_at,
            )
        )
    if warnings:
        moved = rules.suggest_day(new, slots, policy, not_before=now, custody=custody)
        if moved is not None:
            suggestions.append(
                Suggestion(
                    "another_day",
                    f"Book it on {day_label(local(moved.starts_at).date())} at "
                    f"{time_label(moved.starts_at)} instead: nothing clashes that day and the "
                    "week stays within the limit.",
                    starts_at=moved.starts_at,
                    ends_at=moved.ends_at,
                )
            )
    return BookingCheck(warnings=warnings, suggestions=suggestions)
