"""Referral timers: not acknowledged within REFERRALS_ACKNOWLEDGE_WORKING_DAYS of being
sent, or not started within REFERRALS_START_WORKING_DAYS of being accepted, or of the
person's release when they were in custody (the start clock waits while they are inside).
Both sides see the flag on their lists; the daily run (`tandem referral_timers`) tells both
sides once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.core.models import User
from tandem.core.notices import notice_send
from tandem.people.models import CUSTODY_KINDS, StatusEpisode

from .models import Referral, ReferralState
from .working_days import add_working_days


@dataclass(frozen=True)
class Timer:
    kind: str  # "acknowledge" or "start"
    # None while the start clock waits for the person's release from custody.
    due_on: dt.date | None
    overdue: bool

    @property
    def label(self) -> str:
        if self.due_on is None:
            return "Start clock waits for release from custody"
        what = "Acknowledgement" if self.kind == "acknowledge" else "Start"
        return f"{what} {'overdue since' if self.overdue else 'due by'} {self.due_on:%-d %B %Y}"


CustodyRuns = list[tuple[dt.date, dt.date | None]]


def _custody_runs(person_ids: Iterable[int], since: dt.date) -> dict[int, CustodyRuns]:
    """Each person's time in custody from `since` as unbroken runs (remand straight into a
    sentence is one run), oldest first; an open run has no last day. Spells over before
    `since` (the earliest acceptance asked about) cannot hold a clock, so are not read."""
    runs: dict[int, CustodyRuns] = defaultdict(list)
    spells = (
        StatusEpisode.objects.filter(person_id__in=set(person_ids), kind__in=CUSTODY_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .order_by("person_id", "start_date")
        .values_list("person_id", "start_date", "end_date")
    )
    for person_id, start, end in spells:
        own = runs[person_id]
        if own and (own[-1][1] is None or start <= own[-1][1] + dt.timedelta(days=1)):
            last_end = own[-1][1]
            own[-1] = (own[-1][0], None if last_end is None or end is None else max(last_end, end))
        else:
            own.append((start, end))
    return runs


def _start_clock_from(runs: CustodyRuns, accepted_on: dt.date, on: dt.date) -> dt.date | None:
    """The day the start clock began: acceptance, or the latest release from custody since
    then, as community work cannot start inside. None while the person is inside on `on`."""
    begins = accepted_on
    for start, end in runs:
        if start > on:
            break
        if end is not None and end < accepted_on:
            continue
        if end is None or end >= on:
            return None
        begins = max(begins, end + dt.timedelta(days=1))
    return begins


def timers_for(referrals: Iterable[Referral], on: dt.date) -> dict[int, Timer | None]:
    """The clock running on each referral, if any, in at most one query: waiting to be
    acknowledged, or accepted and waiting to be started."""
    referrals = list(referrals)
    accepted = {
        r.pk: (r.person_id, timezone.localdate(r.accepted_at))
        for r in referrals
        if r.state == ReferralState.ACCEPTED and r.accepted_at is not None
    }
    runs = (
        _custody_runs((p for p, _ in accepted.values()), min(d for _, d in accepted.values()))
        if accepted
        else {}
    )
    timers: dict[int, Timer | None] = {}
    for referral in referrals:
        timers[referral.pk] = None
        if referral.state == ReferralState.SENT and referral.sent_at is not None:
            due = add_working_days(
                timezone.localdate(referral.sent_at), settings.REFERRALS_ACKNOWLEDGE_WORKING_DAYS
            )
            timers[referral.pk] = Timer("acknowledge", due, on > due)
        elif referral.pk in accepted:
            accepted_on = accepted[referral.pk][1]
            begins = _start_clock_from(runs.get(referral.person_id, []), accepted_on, on)
            if begins is None:
                timers[referral.pk] = Timer("start", None, False)
                continue
            due = add_working_days(begins, settings.REFERRALS_START_WORKING_DAYS)
            timers[referral.pk] = Timer("start", due, on > due)
    return timers


def timer_for(referral: Referral, on: dt.date) -> Timer | None:
    """The clock running on one referral, if any."""
    return timers_for([referral], on)[referral.pk]


def _waiting() -> QuerySet[Referral]:
    return Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACCEPTED]
    ).select_related("service", "referrer", "worker")


def overdue(on: dt.date) -> list[tuple[Referral, Timer]]:
    waiting = list(_waiting())
    timers = timers_for(waiting, on)
    return [(r, t) for r in waiting if (t := timers[r.pk]) is not None and t.overdue]


def timers_tell(on: dt.date) -> int:
    """Tell both sides of each newly overdue referral, once per timer; returns how many."""
    from .services import receiving_workers

    told = 0
    now = timezone.now()
    for referral, timer in overdue(on):
        field = f"{timer.kind}_overdue_told_at"
        if getattr(referral, field) is not None:
            continue
        recipients: list[User] = [referral.referrer, *receiving_workers(referral)]
        notice_send(
            recipients=recipients,
            # Lower-case the first word only: the month in the date keeps its capital.
            subject=f"Referral {referral.pk} to {referral.service.name}: "
            f"{timer.label[:1].lower()}{timer.label[1:]}",
            body=f"Tandem number {referral.person_id}: referral {referral.pk} is waiting to be "
            f"{'acknowledged' if timer.kind == 'acknowledge' else 'started'}.",
            link=reverse("referrals:detail", args=[referral.pk]),
        )
        Referral.objects.filter(pk=referral.pk).update(**{field: now})
        told += 1
    return told
