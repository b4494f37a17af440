"""Writes for forums: schedules, meetings, attendance, agendas, decisions, views, actions.

Decisions are the only way a forum changes the cohort: adopting starts a membership, exit
ends one, transfer moves it, each through the cohort services with the decision as basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tandem.casework.models import AllocationTrigger
from tandem.casework.services import allocations_end, lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.services import membership_end, membership_ratify, membership_start
from tandem.core.access import today
from tandem.core.models import Agency, Area, Role, User
from tandem.core.notices import notice_send
from tandem.people.models import Person
from tandem.referrals.working_days import add_working_days, is_bank_holiday
from tandem.selection.models import Nomination, NominationStatus
from tandem.selection.scoring import months_before

from .agenda import proposed_items
from .models import (
    Action,
    ActionStatus,
    AgencyView,
    AgendaItem,
    Attendance,
    Decision,
    ExitCriteria,
    ForumSchedule,
    ItemKind,
    Meeting,
    MeetingStatus,
    Outcome,
    ReoffendingAfterExit,
)

MAX_MEETINGS_AHEAD = 26  # a year of fortnightly forums

# What the forum may decide on each kind of item.
OUTCOMES_FOR: dict[str, tuple[str, ...]] = {
    ItemKind.NOMINATION: (Outcome.ADOPT, Outcome.NOT_ADOPT, Outcome.DEFER),
    ItemKind.RATIFY_ADOPTION: (Outcome.CONTINUE, Outcome.EXIT),
    ItemKind.RATIFY_EXIT: (Outcome.EXIT,),
    ItemKind.REVIEW: (Outcome.CONTINUE, Outcome.EXTEND, Outcome.EXIT, Outcome.TRANSFER),
    ItemKind.RELEASE: (Outcome.CONTINUE, Outcome.NOTED),
    ItemKind.EXIT_CANDIDATE: (Outcome.CONTINUE, Outcome.EXTEND, Outcome.EXIT),
    ItemKind.TIME_LIMIT: (Outcome.EXTEND, Outcome.EXIT, Outcome.CONTINUE),
    ItemKind.TRANSFER_OUT: (Outcome.TRANSFER, Outcome.CONTINUE),
    ItemKind.TRANSFER_IN: (Outcome.NOTED,),
    ItemKind.MANUAL: (Outcome.NOTED, Outcome.ADOPT, Outcome.CONTINUE, Outcome.EXIT),
}


def _require_coordinator(actor: User, area: Area) -> None:
    if actor.role != Role.COORDINATOR or not actor.areas.filter(pk=area.pk).exists():
        raise ValidationError("Only the coordinator for this area can do that")


def _saved(obj: object, actor: User | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj.save()  # type: ignore[attr-defined]


# Schedules and meetings


@transaction.atomic
def schedule_set(
    *, actor: User, area: Area, weekday: int, time: dt.time, place: str, interval_days: int = 14
) -> ForumSchedule:
    """Set when the area's forum usually meets (fortnightly by default)."""
    _require_coordinator(actor, area)
    errors = {}
    if not 0 <= weekday <= 6:
        errors["weekday"] = "Choose a day of the week"
    if not place.strip():
        errors["place"] = "Enter where the forum meets"
    if not 7 <= interval_days <= 56:
        errors["interval_days"] = "Forums meet every 7 to 56 days"
    if errors:
        raise ValidationError(errors)
    schedule = ForumSchedule.objects.filter(area=area).first() or ForumSchedule(area=area)
    schedule.weekday, schedule.time, schedule.place = weekday, time, place.strip()
    schedule.interval_days = interval_days
    _saved(schedule, actor)
    return schedule


def invite_agencies(meeting: Meeting) -> None:
    """Invite every agency working in the area, statutory and non-statutory alike."""
    agencies = Agency.objects.filter(areas=meeting.area)
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, agency=agency) for agency in agencies],
        ignore_conflicts=True,
    )


@transaction.atomic
def meetings_generate(*, actor: User, area: Area, from_date: dt.date, count: int) -> list[Meeting]:
    """Generate the next `count` meetings from the schedule, skipping days already booked."""
    _require_coordinator(actor, area)
    schedule = ForumSchedule.objects.filter(area=area).first()
    if schedule is None:
        raise ValidationError("Set when this area's forum meets first")
    if not 1 <= count <= MAX_MEETINGS_AHEAD:
        raise ValidationError({"count": f"Generate from 1 to {MAX_MEETINGS_AHEAD} meetings"})
    if from_date < today():
        raise ValidationError({"from_date": "Meetings are generated from today onwards"})
    day = from_date + dt.timedelta(days=(schedule.weekday - from_date.weekday()) % 7)
    booked = set(
        timezone.localtime(starts).date()
        for starts in Meeting.objects.filter(area=area).values_list("starts_at", flat=True)
    )
    created: list[Meeting] = []
    while len(created) < count:
        # A forum due on a bank holiday meets on the next working day instead.
        held = day
        if is_bank_holiday(day):
            held = add_working_days(day, 1)
        if held not in booked:
            starts = timezone.make_aware(dt.datetime.combine(held, schedule.time))
            meeting = Meeting(area=area, starts_at=starts, place=schedule.place)
            if held != day:
                meeting.moved_reason = f"{day:%A %-d %B %Y} is a bank holiday"
            _saved(meeting, actor)
            invite_agencies(meeting)
            created.append(meeting)
            booked.add(held)
        day += dt.timedelta(days=schedule.interval_days)
    return created


@transaction.atomic
def meeting_move(
    *, actor: User, meeting: Meeting, starts_at: dt.datetime, place: str, reason: str
) -> Meeting:
    """Move a scheduled meeting to another time or place, saying why."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_coordinator(actor, meeting.area)
    errors = {}
    if meeting.status != MeetingStatus.SCHEDULED:
        errors["starts_at"] = "Only a meeting that has not been held can move"
    elif starts_at < timezone.now():
        errors["starts_at"] = "Move the meeting to a time that has not passed"
    if not place.strip():
        errors["place"] = "Enter where the forum meets"
    if not reason.strip():
        errors["reason"] = "Say why the meeting moves, so the agencies know"
    if errors:
        raise ValidationError(errors)
    meeting.starts_at, meeting.place, meeting.moved_reason = (
        starts_at,
        place.strip(),
        reason.strip(),
    )
    _saved(meeting, actor)
    return meeting


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, rows: dict[int, tuple[bool, str]]) -> None:
    """Record, for each invited agency id, whether it came and who represented it."""
    _require_coordinator(actor, meeting.area)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting was cancelled")
    invited = {
        a.agency_id: a for a in Attendance.objects.select_for_update().filter(meeting=meeting)
    }
    unknown = set(rows) - set(invited)
    if unknown:
        raise ValidationError("Record attendance only for agencies invited to this meeting")
    for agency_id, (attended, representatives) in rows.items():
        row = invited[agency_id]
        row.attended, row.representatives = attended, representatives.strip()[:300]
        _saved(row, actor)


# The agenda


@transaction.atomic
def agenda_build(*, actor: User, meeting: Meeting) -> int:
    """Add to the agenda what the area's data proposes; items already there stay as they are.

    Returns how many items were added. Safe to run again before the meeting: new
    nominations, releases and so on since the last build are added at the end.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_coordinator(actor, meeting.area)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("The agenda of a held or cancelled meeting cannot change")
    present = set(AgendaItem.objects.filter(meeting=meeting).values_list("kind", "person_id"))
    position = _last_position(meeting)
    added = 0
    for proposal in proposed_items(meeting):
        if (proposal.kind, proposal.person.pk) in present:
            continue
        position += 1
        item = AgendaItem(
            meeting=meeting,
            position=position,
            kind=proposal.kind,
            person=proposal.person,
            nomination=proposal.nomination,
            membership=proposal.membership,
            title=proposal.title,
            detail=proposal.detail,
        )
        _saved(item, actor)
        added += 1
    meeting.agenda_built_at = timezone.now()
    _saved(meeting, actor)
    return added


def _last_position(meeting: Meeting) -> int:
    return AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"] or 0


@transaction.atomic
def item_add(
    *, actor: User, meeting: Meeting, title: str, person: Person | None = None
) -> AgendaItem:
    """Add an item by hand (about a person, or general business)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_coordinator(actor, meeting.area)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting was cancelled")
    if not title.strip():
        raise ValidationError({"title": "Say what the item is about"})
    item = AgendaItem(
        meeting=meeting,
        position=_last_position(meeting) + 1,
        kind=ItemKind.MANUAL,
        person=person,
        title=title.strip()[:300],
        added_by=actor,
    )
    _saved(item, actor)
    return item


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, up: bool) -> None:
    """Swap an item with the one above or below it."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _require_coordinator(actor, meeting.area)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(items):
        return  # already first or last: nothing to do
    # Renumber all so equal positions (from concurrent adds) cannot make a swap a no-op.
    items[index], items[other_index] = items[other_index], items[index]
    for position, each in enumerate(items, start=1):
        if each.position != position:
            each.position = position
            _saved(each, actor)


# Decisions


@transaction.atomic
def decision_record(
    *,
    actor: User,
    item: AgendaItem,
    outcome: str,
    rationale: str,
    strand: str = "",
    end_reason: str = "",
    review_by: dt.date | None = None,
    lead: User | None = None,
    post_exit_contact: str = "",
    post_exit_until: dt.date | None = None,
) -> Decision:
    """Record the forum's decision on an item and make the change it decides."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__area").get(pk=item.pk)
    meeting = item.meeting
    _require_coordinator(actor, meeting.area)
    if Decision.objects.filter(item=item).exists():
        raise ValidationError("This item already has a decision")
    errors = _decision_errors(item, outcome, rationale, strand, end_reason, review_by)
    errors.update(_post_exit_errors(meeting, outcome, post_exit_contact, post_exit_until))
    if errors:
        raise ValidationError(errors)
    decision = Decision(
        item=item,
        outcome=outcome,
        rationale=rationale.strip(),
        strand=strand,
        end_reason=end_reason,
        review_by=review_by,
        decided_by=actor,
        post_exit_contact=post_exit_contact.strip(),
        post_exit_until=post_exit_until,
    )
    _apply(actor, decision, lead)
    _saved(decision, actor)
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status, meeting.held_on = MeetingStatus.HELD, meeting.day
        _saved(meeting, actor)
    return decision


def decision_problems(item: AgendaItem, values: dict[str, Any]) -> dict[str, str]:
    """What decision_record would refuse in these values, without recording anything: for
    a form to list every problem at once. Missing values count as empty."""
    errors = _decision_errors(
        item,
        values.get("outcome") or "",
        values.get("rationale") or "",
        values.get("strand") or "",
        values.get("end_reason") or "",
        values.get("review_by"),
    )
    outcome = values.get("outcome") or ""
    contact, until = values.get("post_exit_contact") or "", values.get("post_exit_until")
    errors.update(_post_exit_errors(item.meeting, outcome, contact, until))
    return errors


def _decision_errors(
    item: AgendaItem,
    outcome: str,
    rationale: str,
    strand: str,
    end_reason: str,
    review_by: dt.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    meeting = item.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        errors["outcome"] = "The meeting was cancelled"
    elif meeting.day > today():
        errors["outcome"] = "Decisions are recorded at or after the meeting"
    if outcome not in OUTCOMES_FOR[item.kind]:
        allowed = ", ".join(Outcome(o).label.lower() for o in OUTCOMES_FOR[item.kind])
        errors["outcome"] = f"For this item the forum can decide: {allowed}"
    if not rationale.strip():
        errors["rationale"] = "Record why the forum decided this"
    if "outcome" in errors:
        return errors  # what else is needed depends on a valid decision
    if outcome == Outcome.ADOPT and strand not in Strand.values:
        errors["strand"] = "Choose the strand the person joins"
    if (
        outcome == Outcome.EXIT
        and item.kind != ItemKind.RATIFY_EXIT
        and (end_reason not in EndReason.values)
    ):
        errors["end_reason"] = "Choose why the person leaves"
    if outcome == Outcome.EXTEND and (review_by is None or review_by <= meeting.day):
        errors["review_by"] = "Enter the date the extension runs to, after the meeting"
    if outcome in (Outcome.ADOPT,) and item.person is None:
        errors["outcome"] = "Only an item about a person can adopt"
    return errors


POST_EXIT_MAX_MONTHS = 12


def _post_exit_errors(
    meeting: Meeting, outcome: str, contact: str, until: dt.date | None
) -> dict[str, str]:
    """A post-exit contact plan: light-touch contact, on exit only, for up to a year."""
    if not contact.strip() and until is None:
        return {}
    if outcome != Outcome.EXIT:
        return {"post_exit_contact": "A post-exit contact plan goes with an exit decision"}
    if not contact.strip():
        return {"post_exit_contact": "Say what contact there will be after exit"}
    latest = months_before(meeting.day, -POST_EXIT_MAX_MONTHS)
    if until is None or not meeting.day < until <= latest:
        return {
            "post_exit_until": f"Enter the date contact ends, within {POST_EXIT_MAX_MONTHS} "
            "months of the meeting"
        }
    return {}


def _current_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.select_for_update().filter(person=person, end_date__isnull=True).first()
    )


def _apply(actor: User, decision: Decision, lead: User | None) -> None:
    """Make the change the decision decides, through the cohort and casework services."""
    item, meeting = decision.item, decision.item.meeting
    basis = f"{meeting.area.name} forum of {meeting.day:%-d %B %Y}: {decision.rationale}"
    if item.nomination_id is not None and decision.outcome != Outcome.DEFER:
        _nomination_close(actor, item.nomination, decision)  # type: ignore[arg-type]
    if item.kind == ItemKind.RATIFY_ADOPTION:
        # Continue or exit, the forum has now ruled on the coordinator's adoption.
        membership_ratify(actor=actor, membership=item.membership, exit=False)  # type: ignore[arg-type]
    if decision.outcome == Outcome.ADOPT:
        assert item.person is not None
        decision.membership_started = membership_start(
            actor=actor,
            person=item.person,
            area=meeting.area,
            scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
            strand=decision.strand,
            start_date=meeting.day,
            basis=basis[:1000],
        )
        if lead is not None:
            lead_allocate(
                actor=actor,
                person=item.person,
                worker=lead,
                start_date=meeting.day,
                trigger=AllocationTrigger.ADOPTION,
            )
    elif decision.outcome == Outcome.EXIT and item.kind == ItemKind.RATIFY_EXIT:
        assert item.membership is not None
        decision.membership_ended = membership_ratify(
            actor=actor, membership=item.membership, exit=True
        )
    elif decision.outcome in (Outcome.EXIT, Outcome.TRANSFER):
        assert item.person is not None
        current = _current_membership(item.person)
        if current is None:
            raise ValidationError({"outcome": "This person is no longer in the cohort"})
        reason = (
            EndReason.TRANSFERRED if decision.outcome == Outcome.TRANSFER else decision.end_reason
        )
        decision.membership_ended = membership_end(
            actor=actor,
            membership=current,
            end_date=meeting.day,
            end_reason=reason,
            note=decision.rationale[:1000],
        )
        if decision.outcome == Outcome.TRANSFER:
            _transfer(actor, current, meeting, basis)
        else:
            allocations_end(
                actor=actor,
                person=item.person,
                end_date=meeting.day,
                trigger=AllocationTrigger.EXIT,
            )


def _transfer(actor: User, ended: Membership, meeting: Meeting, basis: str) -> None:
    """Continue the membership in the area the person now lives in; that area's next forum
    ratifies it, as it would an adoption between forums."""
    destination = ended.person.residence_area
    if destination is None or destination.pk == ended.area_id:
        raise ValidationError({"outcome": "The person does not live in another area"})
    membership_start(
        actor=actor,
        person=ended.person,
        area=destination,
        scheme=ended.scheme,
        strand=ended.strand,
        start_date=meeting.day,
        basis=basis[:1000],
        between_forums=True,
        moved_from=ended,
    )


def _nomination_close(actor: User, nomination: Nomination, decision: Decision) -> None:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.OPEN:
        raise ValidationError({"outcome": "The nomination was withdrawn before the forum"})
    nomination.status = NominationStatus.DECIDED
    nomination.closed_at = timezone.now()
    nomination.closed_by = actor
    nomination.closed_note = f"{Outcome(decision.outcome).label}: {decision.rationale}"[:1000]
    _saved(nomination, actor)


# Agency views and actions


def may_give_view(actor: User, meeting: Meeting) -> bool:
    """Any member of staff of an agency invited to the meeting gives that agency's view."""
    return (
        actor.agency_id is not None
        and actor.role in (Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.PARTNER_WORKER)
        and Attendance.objects.filter(meeting=meeting, agency_id=actor.agency_id).exists()
    )


class StaleViewError(Exception):
    """The agency's view changed after it was opened for editing."""

    def __init__(self, current: AgencyView) -> None:
        super().__init__("The view was changed by someone else")
        self.current = current


@transaction.atomic
def view_save(*, actor: User, item: AgendaItem, text: str, seen_version: str = "") -> AgencyView:
    """Save the actor's agency's view on an item, in its own words.

    `seen_version` is the version of the view the actor started from ("" for none): if a
    colleague saved since, nothing is saved and StaleViewError carries what they wrote.
    """
    meeting = item.meeting
    if not may_give_view(actor, meeting):
        raise ValidationError("Only agencies invited to this forum can add their view")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting was cancelled")
    if not text.strip():
        raise ValidationError({"text": "Write the agency's view"})
    view = AgencyView.objects.select_for_update().filter(item=item, agency=actor.agency).first()
    if view is not None and view_version(view) != seen_version:
        raise StaleViewError(view)
    if view is None:
        view = AgencyView(item=item, agency_id=actor.agency_id)  # type: ignore[misc]
    view.text, view.author = text.strip(), actor
    try:
        with transaction.atomic():
            _saved(view, actor)
    except IntegrityError:
        raise ValidationError("A colleague saved this agency's view at the same moment") from None
    return view


def view_version(view: AgencyView | None) -> str:
    return "" if view is None else view.updated_at.isoformat()


@transaction.atomic
def action_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner_agency: Agency,
    due_on: dt.date,
    owner: User | None = None,
    item: AgendaItem | None = None,
) -> Action:
    """Give an agency (and a person in it) something to do by a date."""
    _require_coordinator(actor, meeting.area)
    errors = {}
    if not description.strip():
        errors["description"] = "Say what needs doing"
    if owner is not None and owner.agency_id != owner_agency.pk:
        errors["owner"] = "The owner must work for the agency that owns the action"
    if due_on < meeting.day:
        errors["due_on"] = "The due date cannot be before the meeting"
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = "That item is on another meeting's agenda"
    if errors:
        raise ValidationError(errors)
    action = Action(
        meeting=meeting,
        item=item,
        description=description.strip()[:500],
        owner_agency=owner_agency,
        owner=owner,
        due_on=due_on,
    )
    _saved(action, actor)
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, status: str, note: str = "") -> Action:
    """Mark an action done or cancelled (the owning agency or the coordinator)."""
    action = Action.objects.select_for_update().select_related("meeting__area").get(pk=action.pk)
    coordinator = (
        actor.role == Role.COORDINATOR and actor.areas.filter(pk=action.meeting.area_id).exists()
    )
    if not coordinator and actor.agency_id != action.owner_agency_id:
        raise ValidationError("Only the owning agency or the coordinator can update this action")
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status"})
    if status == ActionStatus.CANCELLED and not note.strip():
        raise ValidationError({"note": "Say why the action is cancelled"})
    action.status, action.status_note = status, note.strip()[:500]
    action.closed_at = None if status == ActionStatus.OPEN else timezone.now()
    _saved(action, actor)
    return action


# Exit


# Leaving for these reasons is not a success or failure of the scheme: no reoffending watch.
NOT_WATCHED = (EndReason.DECEASED, EndReason.TRANSFERRED, EndReason.SCHEME_CHANGE)


@transaction.atomic
def reoffending_after_exit_flag(*, on: dt.date) -> int:
    """Flag to the area's coordinators anyone who left the cohort within the watch period and
    has a recorded offence committed after leaving; each exit is flagged once."""
    from tandem.offending.models import Offence

    from .exit import exit_criteria

    watch_from = months_before(on, exit_criteria().reoffending_watch_months)
    exits = (
        Membership.objects.filter(end_date__gte=watch_from, end_date__lte=on)
        .exclude(end_reason__in=NOT_WATCHED)
        .exclude(reoffending_after_exit__isnull=False)
        .exclude(moved_to__isnull=False)  # continued in another area or scheme
        .select_related("area")
    )
    flagged = 0
    for spell in exits:
        first = (
            Offence.objects.filter(
                person_id=spell.person_id, offence_date__gt=spell.end_date, offence_date__lte=on
            )
            .order_by("offence_date")
            .values_list("offence_date", flat=True)
            .first()
        )
        if first is None:
            continue
        ReoffendingAfterExit.objects.create(membership=spell, first_offence_date=first)
        coordinators = User.objects.filter(role=Role.COORDINATOR, areas=spell.area, is_active=True)
        notice_send(
            recipients=coordinators,
            subject=f"Offending after exit: Tandem number {spell.person_id}",
            body=f"Left the {spell.area.name} cohort on {spell.end_date:%-d %B %Y}; an offence "
            f"committed on {first:%-d %B %Y} is now recorded.",
            link=f"/people/{spell.person_id}/",
        )
        flagged += 1
    return flagged


@transaction.atomic
def exit_criteria_set(*, actor: User, **values: Any) -> ExitCriteria:
    """Save the partnership's exit criteria (the coordinator); history keeps earlier ones."""
    if actor.role != Role.COORDINATOR:
        raise ValidationError("Only the coordinator sets the exit criteria")
    criteria = ExitCriteria.objects.select_for_update().order_by("pk").first() or ExitCriteria()
    for name, value in values.items():
        setattr(criteria, name, value)
    _saved(criteria, actor)
    return criteria
