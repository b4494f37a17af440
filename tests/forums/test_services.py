"""Forum workflows: schedules, the agenda builder, decisions that change the cohort, views and
actions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tandem.casework.selectors import current_leads
from tandem.cohort.models import EndReason, Membership, Strand
from tandem.cohort.selectors import members_on
from tandem.core.access import today
from tandem.forums import services
from tandem.forums.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    ForumSchedule,
    ItemKind,
    Meeting,
    MeetingStatus,
    Outcome,
)
from tandem.people.models import EpisodeKind, StatusEpisode
from tandem.selection.models import NominationSource, NominationStatus
from tandem.selection.nominations import nomination_create

from ..cohort.test_membership import adopt


def test_meetings_are_generated_fortnightly_on_the_usual_day_skipping_booked_days(cast):
    services.schedule_set(
        actor=cast.coordinator, area=cast.area_a, weekday=2, time=dt.time(10, 0), place="Room 1"
    )
    made = services.meetings_generate(
        actor=cast.coordinator, area=cast.area_a, from_date=today(), count=3
    )
    days = [m.day for m in made]
    assert all(day.weekday() == 2 for day in days)
    assert [(b - a).days for a, b in itertools.pairwise(days)] == [14, 14]
    again = services.meetings_generate(
        actor=cast.coordinator, area=cast.area_a, from_date=today(), count=1
    )
    assert again[0].day == days[-1] + dt.timedelta(days=14)
    assert made[0].attendance.count() == 0  # the cast's agencies do not cover area A yet


def test_a_forum_due_on_a_bank_holiday_meets_on_the_next_working_day(cast):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        services.schedule_set(
            actor=cast.coordinator, area=cast.area_a, weekday=4, time=dt.time(10), place="Room 1"
        )
        made = services.meetings_generate(
            actor=cast.coordinator, area=cast.area_a, from_date=dt.date(2026, 12, 11), count=3
        )
    # Friday 25 December is Christmas Day; Boxing Day falls on the Saturday, so Monday 28
    # is the substitute bank holiday and the forum meets on Tuesday 29 December.
    assert [m.day for m in made] == [
        dt.date(2026, 12, 11), dt.date(2026, 12, 29), dt.date(2027, 1, 8),
    ]  # fmt: skip
    assert made[1].moved_reason == "Friday 25 December 2026 is a bank holiday"
    assert made[0].moved_reason == ""


def test_only_the_areas_coordinator_schedules_and_bad_input_is_refused(cast):
    with pytest.raises(ValidationError, match="Only the coordinator"):
        services.schedule_set(
            actor=cast.om, area=cast.area_a, weekday=1, time=dt.time(10), place="x"
        )
    with pytest.raises(ValidationError) as error:
        services.schedule_set(
            actor=cast.coordinator,
            area=cast.area_a,
            weekday=9,
            time=dt.time(10),
            place=" ",
            interval_days=3,
        )
    assert set(error.value.message_dict) == {"weekday", "place", "interval_days"}
    with pytest.raises(ValidationError, match="Set when"):
        services.meetings_generate(
            actor=cast.coordinator, area=cast.area_a, from_date=today(), count=2
        )
    assert not ForumSchedule.objects.exists() and not Meeting.objects.exists()


def test_moving_needs_a_reason_and_a_future_time(cast, meeting):
    with pytest.raises(ValidationError) as error:
        services.meeting_move(
            actor=cast.coordinator,
            meeting=meeting,
            starts_at=meeting.starts_at - dt.timedelta(days=30),
            place="Room 2",
            reason="",
        )
    assert set(error.value.message_dict) == {"starts_at", "reason"}
    later = meeting.starts_at + dt.timedelta(days=2)
    services.meeting_move(
        actor=cast.coordinator,
        meeting=meeting,
        starts_at=later,
        place="Room 2",
        reason="Clash with court",
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == later and meeting.moved_reason == "Clash with court"


def test_the_agenda_builds_itself_from_the_areas_data_once(cast, meeting):
    nomination = nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Rising",
    )
    member = adopt(cast, person=cast.person_b, start_date=today() - dt.timedelta(days=200))
    StatusEpisode.objects.create(
        person=cast.person_b,
        kind=EpisodeKind.SENTENCED,
        start_date=today() - dt.timedelta(days=60),
        expected_end_date=today() + dt.timedelta(weeks=8),
        establishment="HMP Test",
    )
    assert services.agenda_build(actor=cast.coordinator, meeting=meeting) == 4
    kinds = dict(meeting.items.values_list("kind", "person_id"))
    assert kinds[ItemKind.NOMINATION] == cast.person.pk
    assert kinds[ItemKind.REVIEW] == cast.person_b.pk  # adopted over six months ago
    assert kinds[ItemKind.RELEASE] == cast.person_b.pk  # release within 12 weeks
    # person_b lives in area B but is a member in A: a transfer out.
    assert kinds[ItemKind.TRANSFER_OUT] == cast.person_b.pk
    item = meeting.items.get(kind=ItemKind.NOMINATION)
    assert item.nomination == nomination and item.detail["reason"] == "Rising"
    assert meeting.items.get(kind=ItemKind.REVIEW).membership == member
    assert services.agenda_build(actor=cast.coordinator, meeting=meeting) == 0  # idempotent
    assert list(meeting.items.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_items_waiting_on_one_meeting_are_not_repeated_on_the_next(cast, meeting, later_meeting):
    nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Rising",
    )
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    assert services.agenda_build(actor=cast.coordinator, meeting=later_meeting) == 0


def test_adopting_a_nomination_starts_membership_closes_it_and_allocates_a_lead(cast, meeting):
    nomination = nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Rising",
    )
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    item = meeting.items.get()
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            actor=cast.coordinator, item=item, outcome=Outcome.EXIT, rationale=""
        )
    assert set(error.value.message_dict) == {"outcome", "rationale"}
    with pytest.raises(ValidationError, match="strand"):
        services.decision_record(
            actor=cast.coordinator, item=item, outcome=Outcome.ADOPT, rationale="Agreed"
        )
    decision = services.decision_record(
        actor=cast.coordinator,
        item=item,
        outcome=Outcome.ADOPT,
        rationale="Agreed by all",
        strand=Strand.CATCH_CONVICT,
        lead=cast.om,
    )
    membership = decision.membership_started
    assert membership is not None and membership.area == cast.area_a
    assert membership.start_date == meeting.day and "Agreed by all" in membership.basis
    assert membership.adopted_by == decision
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.DECIDED
    assert current_leads([cast.person.pk])[cast.person.pk].worker == cast.om
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.held_on == meeting.day
    with pytest.raises(ValidationError, match="already has a decision"):
        services.decision_record(
            actor=cast.coordinator, item=item, outcome=Outcome.DEFER, rationale="x"
        )


def test_deferring_brings_the_nomination_back_next_time(cast, meeting, later_meeting):
    nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Rising",
    )
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    services.decision_record(
        actor=cast.coordinator,
        item=meeting.items.get(),
        outcome=Outcome.DEFER,
        rationale="More intelligence",
    )
    assert services.agenda_build(actor=cast.coordinator, meeting=later_meeting) == 1


def test_exit_ends_membership_and_allocations_transfer_moves_it(cast, meeting):
    adopt(cast, start_date=today() - dt.timedelta(days=200))
    adopt(cast, person=cast.person_b, start_date=today() - dt.timedelta(days=200))
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    review = meeting.items.get(kind=ItemKind.REVIEW, person=cast.person)
    with pytest.raises(ValidationError, match="why the person leaves"):
        services.decision_record(
            actor=cast.coordinator, item=review, outcome=Outcome.EXIT, rationale="Stable"
        )
    services.decision_record(
        actor=cast.coordinator,
        item=review,
        outcome=Outcome.EXIT,
        rationale="Stable",
        end_reason=EndReason.EXIT_CRITERIA_MET,
    )
    assert not members_on(today()).filter(person=cast.person).exists()
    transfer = meeting.items.get(kind=ItemKind.TRANSFER_OUT)
    services.decision_record(
        actor=cast.coordinator, item=transfer, outcome=Outcome.TRANSFER, rationale="Settled in B"
    )
    moved = Membership.objects.get(person=cast.person_b, end_date__isnull=True)
    assert moved.area == cast.area_b and moved.between_forums and moved.moved_from is not None


def test_decisions_wait_for_the_meeting_day_and_the_coordinator(cast, later_meeting):
    services.item_add(actor=cast.coordinator, meeting=later_meeting, title="Any other business")
    item = later_meeting.items.get()
    with pytest.raises(ValidationError, match="at or after the meeting"):
        services.decision_record(
            actor=cast.coordinator, item=item, outcome=Outcome.NOTED, rationale="x"
        )
    with pytest.raises(ValidationError, match="Only the coordinator"):
        services.decision_record(actor=cast.om, item=item, outcome=Outcome.NOTED, rationale="x")
    assert not Decision.objects.exists()


def test_reordering_swaps_neighbours_and_stops_at_the_ends(cast, meeting):
    for title in ("First", "Second", "Third"):
        services.item_add(actor=cast.coordinator, meeting=meeting, title=title)
    third = meeting.items.get(title="Third")
    services.item_move(actor=cast.coordinator, item=third, up=True)
    services.item_move(actor=cast.coordinator, item=meeting.items.get(title="First"), up=True)
    assert list(meeting.items.values_list("title", flat=True)) == ["First", "Third", "Second"]


def test_every_invited_agency_gives_its_own_view_and_conflicts_are_caught(cast, meeting):
    item = services.item_add(actor=cast.coordinator, meeting=meeting, title="General", person=None)
    view = services.view_save(actor=cast.partner, item=item, text="We can offer a place")
    with pytest.raises(services.StaleViewError) as stale:
        services.view_save(actor=cast.partner, item=item, text="Another", seen_version="")
    assert stale.value.current.text == "We can offer a place"
    services.view_save(
        actor=cast.partner, item=item, text="Updated", seen_version=services.view_version(view)
    )
    services.view_save(actor=cast.other_partner, item=item, text="Housing agrees")
    assert sorted(item.views.values_list("text", flat=True)) == ["Housing agrees", "Updated"]
    for outsider in (cast.custody, cast.analyst):
        with pytest.raises(ValidationError, match="invited"):
            services.view_save(actor=outsider, item=item, text="x")


def test_actions_are_carried_until_done(cast, meeting):
    action = services.action_add(
        actor=cast.coordinator,
        meeting=meeting,
        description="Housing referral",
        owner_agency=cast.other_partner.agency,
        due_on=meeting.day + dt.timedelta(days=7),
    )
    with pytest.raises(ValidationError, match="owning agency"):
        services.action_update(actor=cast.partner, action=action, status=ActionStatus.DONE)
    with pytest.raises(ValidationError, match="Say why"):
        services.action_update(
            actor=cast.other_partner, action=action, status=ActionStatus.CANCELLED
        )
    services.action_update(actor=cast.other_partner, action=action, status=ActionStatus.DONE)
    assert Action.objects.get().status == ActionStatus.DONE


def test_attendance_only_for_invited_agencies(cast, meeting):
    invited = list(meeting.attendance.values_list("agency_id", flat=True))
    with pytest.raises(ValidationError, match="invited"):
        services.attendance_record(actor=cast.coordinator, meeting=meeting, rows={-1: (True, "")})
    services.attendance_record(
        actor=cast.coordinator, meeting=meeting, rows={invited[0]: (True, "Two officers")}
    )
    assert meeting.attendance.get(agency_id=invited[0]).representatives == "Two officers"
    assert AgendaItem.objects.count() == 0


def test_changes_between_forums_come_to_the_next_forum_once_for_ratification(cast, meeting):
    from tandem.cohort.services import cohort_adopt_between_forums, cohort_exit_between_forums

    yesterday = today() - dt.timedelta(days=1)
    adopted = cohort_adopt_between_forums(
        actor=cast.coordinator,
        person=cast.person,
        area=cast.area_a,
        strand=Strand.CATCH_CONVICT,
        start_date=yesterday,
        reason="Arrested for a spree",
    )
    old = adopt(cast, person=cast.person_b, start_date=today() - dt.timedelta(days=20))
    cohort_exit_between_forums(
        actor=cast.coordinator,
        membership=old,
        end_date=yesterday,
        end_reason=EndReason.MOVED_AWAY,
        note="Moved abroad",
    )
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    ratify_adoption = meeting.items.get(kind=ItemKind.RATIFY_ADOPTION)
    ratify_exit = meeting.items.get(kind=ItemKind.RATIFY_EXIT)
    assert ratify_adoption.membership == adopted and ratify_exit.person == cast.person_b
    services.decision_record(
        actor=cast.coordinator, item=ratify_adoption, outcome=Outcome.CONTINUE, rationale="Agreed"
    )
    services.decision_record(
        actor=cast.coordinator, item=ratify_exit, outcome=Outcome.EXIT, rationale="Agreed"
    )
    adopted.refresh_from_db()
    old.refresh_from_db()
    assert not adopted.adoption_awaits_ratification and not old.exit_awaits_ratification
    later = Meeting.objects.create(
        area=cast.area_a, place="Room 1", starts_at=meeting.starts_at + dt.timedelta(days=14)
    )
    services.agenda_build(actor=cast.coordinator, meeting=later)
    assert not later.items.filter(kind__in=[ItemKind.RATIFY_ADOPTION, ItemKind.RATIFY_EXIT])
