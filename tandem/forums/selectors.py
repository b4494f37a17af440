"""Reads for forums, scoped to the user: which meetings they may open, and what each shows.

Coordinators, offender managers and read-only viewers see their areas' forums; partner
workers see the forums their agency is invited to. On a forum's pages everyone sees the
names of the people discussed (the partnership's protocol shares them with the agencies
at the forum) and the decisions; the reasons drawn from offending (scores, release dates)
show only to roles the protocol lets read offending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from tandem.cohort.models import Membership
from tandem.core.access import people_for, protocol_levels, today
from tandem.core.categories import Category, Level
from tandem.core.models import Role, User

from .exit import Readiness, readiness_for
from .models import (
    Action,
    ActionStatus,
    AgencyView,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
)

FORUM_ROLES = (Role.COORDINATOR, Role.OFFENDER_MANAGER, Role.VIEWER, Role.PARTNER_WORKER)


def meetings_for(user: User) -> QuerySet[Meeting]:
    """Meetings the user may open."""
    meetings = Meeting.objects.select_related("area", "chair")
    if user.role in (Role.COORDINATOR, Role.OFFENDER_MANAGER, Role.VIEWER):
        return meetings.filter(area__in=user.areas.all())
    if user.role == Role.PARTNER_WORKER and user.agency_id:
        return meetings.filter(attendance__agency_id=user.agency_id)
    return meetings.none()


def meeting_for(user: User, meeting_id: object) -> Meeting:
    try:
        pk = int(str(meeting_id))
    except ValueError:
        raise Http404 from None
    meeting = meetings_for(user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def readable_categories(user: User) -> set[str]:
    """The categories the user's protocol row lets them read (consent is not in question for
    the justice roles that see forum reasons)."""
    return {c for c, level in protocol_levels(user).items() if level != Level.NONE}


def sees_offending(user: User) -> bool:
    return protocol_levels(user).get(Category.OFFENDING.value, Level.NONE) != Level.NONE


@dataclass
class MeetingRecord:
    """A meeting as one user may see it."""

    meeting: Meeting
    attendance: list[Attendance]
    items: list[AgendaItem]
    actions: list[Action]  # raised at this meeting
    carried: list[Action]  # open actions from earlier meetings in the area
    sees_offending: bool
    earlier: Meeting | None = None
    later: Meeting | None = None
    people: int = 0
    openable: set[int] = field(default_factory=set)  # people whose record the user may open
    # Exit readiness of members on the agenda, by person; only for roles reading offending.
    readiness: dict[int, Readiness] = field(default_factory=dict)


def agenda_members(items: Iterable[AgendaItem]) -> dict[int, Membership]:
    """The open cohort spell of each person on the agenda, by person: the item's own, or for
    an item added by hand about a member, their open spell, so the forum sees the exit
    criteria however the person came onto the agenda."""
    items = list(items)
    found = {
        item.person_id: item.membership for item in items
        if item.person_id is not None and item.membership is not None
        and item.membership.end_date is None
    }  # fmt: skip
    loose = {
        item.person_id for item in items
        if item.person_id is not None and item.membership_id is None
    } - set(found)  # fmt: skip
    if loose:
        for spell in Membership.objects.filter(person_id__in=loose, end_date__isnull=True):
            found.setdefault(spell.person_id, spell)
    return found


def meeting_record(user: User, meeting_id: object) -> MeetingRecord:
    """Everything on a meeting's page, in a fixed number of queries."""
    meeting = meeting_for(user, meeting_id)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("person", "decision__decided_by", "membership__person", "nomination")
        .prefetch_related(
            Prefetch("views", queryset=AgencyView.objects.select_related("agency", "author"))
        )
        .order_by("position", "id")
    )
    person_ids = {item.person_id for item in items if item.person_id}
    actions = Action.objects.select_related("owner_agency", "owner", "item__person", "meeting")
    area_meetings = meetings_for(user).filter(area=meeting.area)
    seen = sees_offending(user)
    members = list(agenda_members(items).values())
    return MeetingRecord(
        meeting=meeting,
        attendance=list(meeting.attendance.select_related("agency")),
        items=items,
        actions=list(actions.filter(meeting=meeting)),
        carried=list(
            actions.filter(
                meeting__area=meeting.area,
                meeting__starts_at__lt=meeting.starts_at,
                status=ActionStatus.OPEN,
            )
        ),
        sees_offending=seen,
        readiness=(
            readiness_for(members, meeting.day, readable_categories(user))
            if seen and members
            else {}
        ),
        earlier=area_meetings.filter(starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .first(),
        later=area_meetings.filter(starts_at__gt=meeting.starts_at).order_by("starts_at").first(),
        people=len(person_ids),
        openable=set(people_for(user).filter(pk__in=person_ids).values_list("pk", flat=True)),
    )


def upcoming_and_recent(user: User) -> tuple[list[Meeting], list[Meeting]]:
    """The next meetings (not held yet) and those held or cancelled in the last six months."""
    now = today()
    meetings = meetings_for(user)
    upcoming = list(
        meetings.filter(
            status=MeetingStatus.SCHEDULED, starts_at__date__gte=now - dt.timedelta(days=7)
        ).order_by("starts_at")[:30]
    )
    recent = list(
        meetings.filter(starts_at__date__gte=now - dt.timedelta(days=183))
        .filter(Q(status=MeetingStatus.HELD) | Q(status=MeetingStatus.CANCELLED)
                | Q(starts_at__date__lt=now - dt.timedelta(days=7)))
        .exclude(pk__in=[m.pk for m in upcoming])
        .order_by("-starts_at")[:30]
    )  # fmt: skip
    return upcoming, recent


def open_actions_for(user: User) -> QuerySet[Action]:
    """Open actions the user's agency owns, for their home page and the forum list."""
    return (
        Action.objects.filter(status=ActionStatus.OPEN, owner_agency_id=user.agency_id)
        .filter(meeting__in=meetings_for(user))
        .select_related("meeting__area", "owner", "item__person")
        .order_by("due_on")
    )
