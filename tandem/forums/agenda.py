"""What the area's data puts on a forum's agenda, as of the meeting day.

Each rule reads the cohort, nominations, custody episodes, scores and earlier decisions,
and proposes items with the reason they are there. The builder (services.agenda_build)
adds the proposals not already on the agenda. Rules skip anyone already waiting on
another meeting's agenda for the same reason, or decided on for that reason recently,
so an item does not come back every fortnight once the forum has dealt with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet

from tandem.cohort.models import PPO_SCHEME_CODE, Membership
from tandem.cohort.selectors import (
    awaiting_adoption_ratification,
    awaiting_exit_ratification,
    members_on,
)
from tandem.people.models import EpisodeKind, Person, StatusEpisode
from tandem.selection.criteria import PPO_CRITERIA_NAME
from tandem.selection.models import Nomination, NominationStatus, Score, ScoringRun
from tandem.selection.scoring import months_before

from .models import AgendaItem, ForumSchedule, ItemKind, Meeting, MeetingStatus, Outcome

REVIEW_MONTHS = 6
RELEASE_WEEKS = 12
# Once the forum has decided on someone for a reason, the same reason waits this long.
QUIET_DAYS = 90


@dataclass
class Proposal:
    kind: str
    person: Person
    title: str
    detail: dict[str, Any] = field(default_factory=dict)
    nomination: Nomination | None = None
    membership: Membership | None = None


def _name(person: Person) -> str:
    return f"{person.last_name.upper()}, {person.first_name}"


class _Context:
    """What every rule needs, read once."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.day = meeting.day
        self.members = list(
            members_on(self.day, area_ids=[meeting.area_id]).select_related(
                "person__residence_area", "scheme"
            )
        )
        member_ids = [m.person_id for m in self.members]
        # Items waiting on other meetings not yet held, and recent decisions, by reason.
        pending = AgendaItem.objects.filter(
            meeting__area=meeting.area, meeting__status=MeetingStatus.SCHEDULED,
            decision__isnull=True,
        ).exclude(meeting=meeting)  # fmt: skip
        self.waiting = set(pending.values_list("kind", "person_id"))
        quiet_since = self.day - dt.timedelta(days=QUIET_DAYS)
        self.recently_decided = set(
            AgendaItem.objects.filter(
                decision__isnull=False, meeting__held_on__gte=quiet_since
            ).values_list("kind", "person_id")
        )
        self.last_decided: dict[int, dt.date] = dict(
            AgendaItem.objects.filter(
                person_id__in=member_ids,
                decision__outcome__in=[Outcome.ADOPT, Outcome.CONTINUE, Outcome.EXTEND],
            )
            .values("person_id")
            .annotate(last=Max("meeting__held_on"))
            .values_list("person_id", "last")
        )

    def skip(self, kind: str, person_id: int) -> bool:
        return (kind, person_id) in self.waiting or (kind, person_id) in self.recently_decided


def proposed_items(meeting: Meeting) -> list[Proposal]:
    context = _Context(meeting)
    rules = (_nominations, _ratifications, _reviews, _releases, _exit_candidates,
             _time_limits, _transfers, _not_engaging)  # fmt: skip
    return [proposal for rule in rules for proposal in rule(context)]


def _nominations(c: _Context) -> Iterator[Proposal]:
    """Open nominations for the area not waiting on another meeting's agenda."""
    open_nominations = (
        Nomination.objects.filter(
            area=c.meeting.area, status=NominationStatus.OPEN, nominated_at__date__lte=c.day
        )
        .exclude(
            agenda_items__in=AgendaItem.objects.filter(
                meeting__status=MeetingStatus.SCHEDULED, decision__isnull=True
            ).exclude(meeting=c.meeting)
        )
        .select_related("person")
        .order_by("nominated_at")
    )
    for nomination in open_nominations:
        snapshot = nomination.score_snapshot or {}
        yield Proposal(
            ItemKind.NOMINATION, nomination.person,
            f"Nomination: {_name(nomination.person)}",
            {"source": nomination.get_source_display(), "reason": nomination.reason,
             "score": snapshot, "nominated_on": nomination.nominated_at.date().isoformat()},
            nomination=nomination,
        )  # fmt: skip


def _ratifications(c: _Context) -> Iterator[Proposal]:
    """Adoptions and exits the coordinator made between forums, not yet ratified."""
    waiting = (
        AgendaItem.objects.filter(
            kind__in=[ItemKind.RATIFY_ADOPTION, ItemKind.RATIFY_EXIT],
            meeting__status=MeetingStatus.SCHEDULED,
            decision__isnull=True,
        )
        .exclude(meeting=c.meeting)
        .values("membership_id")
    )
    spells = (
        Membership.objects.filter(area=c.meeting.area, scheme__code=PPO_SCHEME_CODE)
        .filter(
            (awaiting_adoption_ratification() & Q(start_date__lte=c.day))
            | (awaiting_exit_ratification() & Q(end_date__lte=c.day))
        )
        .exclude(pk__in=waiting)
        .select_related("person")
        .order_by("start_date")
    )
    for spell in spells:
        if spell.exit_awaits_ratification and spell.end_date is not None:
            yield Proposal(
                ItemKind.RATIFY_EXIT, spell.person, f"Ratify exit: {_name(spell.person)}",
                {"ended_on": spell.end_date.isoformat(), "reason": spell.get_end_reason_display(),
                 "note": spell.end_note},
                membership=spell,
            )  # fmt: skip
        elif spell.adoption_awaits_ratification:
            yield Proposal(
                ItemKind.RATIFY_ADOPTION, spell.person, f"Ratify adoption: {_name(spell.person)}",
                {"started_on": spell.start_date.isoformat(), "basis": spell.basis,
                 "strand": spell.get_strand_display()},
                membership=spell,
            )  # fmt: skip


def _reviews(c: _Context) -> Iterator[Proposal]:
    """Members whose last adoption or review was six months or more before the meeting."""
    due_before = months_before(c.day, REVIEW_MONTHS)
    for m in c.members:
        last = max(m.start_date, c.last_decided.get(m.person_id) or m.start_date)
        if last <= due_before and not c.skip(ItemKind.REVIEW, m.person_id):
            yield Proposal(
                ItemKind.REVIEW, m.person, f"Six-monthly review: {_name(m.person)}",
                {"member_since": m.start_date.isoformat(), "last_reviewed": last.isoformat()},
                membership=m,
            )  # fmt: skip


def _in_custody(person_ids: list[int], day: dt.date) -> QuerySet[StatusEpisode]:
    return StatusEpisode.objects.filter(
        person_id__in=person_ids,
        kind__in=[EpisodeKind.REMAND, EpisodeKind.SENTENCED],
        start_date__lte=day,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def _releases(c: _Context) -> Iterator[Proposal]:
    """Members in custody whose expected release falls within twelve weeks."""
    horizon = c.day + dt.timedelta(weeks=RELEASE_WEEKS)
    members = {m.person_id: m for m in c.members}
    episodes = (
        _in_custody(list(members), c.day)
        .filter(expected_end_date__gte=c.day, expected_end_date__lte=horizon)
        .order_by("expected_end_date")
    )
    for episode in episodes:
        m = members[episode.person_id]
        if not c.skip(ItemKind.RELEASE, m.person_id):
            yield Proposal(
                ItemKind.RELEASE, m.person, f"Release due: {_name(m.person)}",
                {"expected_release": episode.expected_end_date.isoformat(),  # type: ignore[union-attr]
                 "establishment": episode.establishment},
                membership=m,
            )  # fmt: skip


def _exit_candidates(c: _Context) -> Iterator[Proposal]:
    """Members at liberty who no longer score above the threshold on the latest PPO run."""
    run = (
        ScoringRun.objects.filter(criteria_version__criteria_set__name=PPO_CRITERIA_NAME,
                                  as_of__lte=c.day)
        .order_by("-as_of", "-started_at")
        .first()
    )  # fmt: skip
    if run is None:
        return
    members = {m.person_id: m for m in c.members}
    scores = {s.person_id: s for s in Score.objects.filter(run=run, person_id__in=list(members))}
    in_custody = set(_in_custody(list(members), c.day).values_list("person_id", flat=True))
    for person_id, m in members.items():
        score = scores.get(person_id)
        if person_id in in_custody or (score is not None and score.above_threshold):
            continue
        if m.start_date > run.as_of or c.skip(ItemKind.EXIT_CANDIDATE, person_id):
            continue  # adopted after the run: the run says nothing about them yet
        yield Proposal(
            ItemKind.EXIT_CANDIDATE, m.person, f"Exit candidate: {_name(m.person)}",
            {"run": run.pk, "as_of": run.as_of.isoformat(),
             "score": score.total if score else None, "eligible": score is not None},
            membership=m,
        )  # fmt: skip


def _time_limits(c: _Context) -> Iterator[Proposal]:
    """Members whose extension runs out before the next forum."""
    schedule = ForumSchedule.objects.filter(area_id=c.meeting.area_id).first()
    horizon = c.day + dt.timedelta(days=schedule.interval_days if schedule else 14)
    latest = {}
    for item in (
        AgendaItem.objects.filter(
            person_id__in=[m.person_id for m in c.members],
            decision__outcome__in=[Outcome.EXTEND, Outcome.CONTINUE, Outcome.ADOPT],
        )
        .select_related("decision")
        .order_by("decision__decided_at")
    ):
        latest[item.person_id] = item.decision
    for m in c.members:
        decision = latest.get(m.person_id)
        if decision is None or decision.outcome != Outcome.EXTEND or decision.review_by is None:
            continue
        if decision.review_by <= horizon and not c.skip(ItemKind.TIME_LIMIT, m.person_id):
            yield Proposal(
                ItemKind.TIME_LIMIT, m.person, f"Extension ends: {_name(m.person)}",
                {"extended_to": decision.review_by.isoformat()}, membership=m,
            )  # fmt: skip


def _transfers(c: _Context) -> Iterator[Proposal]:
    """Members of this area now living elsewhere, and members elsewhere now living here."""
    for m in c.members:
        home = m.person.residence_area_id
        if (
            home is not None
            and home != m.area_id
            and not c.skip(ItemKind.TRANSFER_OUT, m.person_id)
        ):
            yield Proposal(
                ItemKind.TRANSFER_OUT, m.person, f"Transfer out: {_name(m.person)}",
                {"lives_in": m.person.residence_area.name}, membership=m,  # type: ignore[union-attr]
            )  # fmt: skip
    incoming = (
        members_on(c.day)
        .filter(person__residence_area=c.meeting.area)
        .exclude(area=c.meeting.area)
        .select_related("person", "area")
    )
    for m in incoming:
        if not c.skip(ItemKind.TRANSFER_IN, m.person_id):
            yield Proposal(
                ItemKind.TRANSFER_IN, m.person, f"Transfer in: {_name(m.person)}",
                {"member_in": m.area.name}, membership=m,
            )  # fmt: skip


# A referral closed as disengaged this recently puts the person on the agenda.
DISENGAGED_WEEKS = 8


def _not_engaging(c: _Context) -> Iterator[Proposal]:
    """Members missing appointments (or with an enforcement flag awaiting a decision), and
    members a service closed as disengaged lately: the forum decides what happens next."""
    from tandem.appointments.selectors import not_engaging
    from tandem.referrals.models import Referral, ReferralState

    members = {m.person_id: m for m in c.members}
    missing = {row.person_id: row for row in not_engaging(c.meeting.area, c.day)}
    since = c.day - dt.timedelta(weeks=DISENGAGED_WEEKS)
    left: dict[int, list[str]] = {}
    for person_id, service in Referral.objects.filter(
        person_id__in=list(members), state=ReferralState.DISENGAGED,
        ended_at__date__gte=since, ended_at__date__lte=c.day,
    ).values_list("person_id", "service__name"):  # fmt: skip
        left.setdefault(person_id, []).append(service)
    for person_id, m in members.items():
        row = missing.get(person_id)
        if (row is None and person_id not in left) or c.skip(ItemKind.NOT_ENGAGING, person_id):
            continue
        detail: dict[str, Any] = {"disengaged_from": sorted(left.get(person_id, []))}
        if row is not None:
            detail["missed"] = row.missed
            detail["last_missed_on"] = row.last_missed_on.isoformat() if row.last_missed_on else ""
            detail["open_flags"] = len(row.open_flags)
        yield Proposal(
            ItemKind.NOT_ENGAGING, m.person, f"Not engaging: {_name(m.person)}", detail,
            membership=m,
        )  # fmt: skip
