"""How a demo referral's life goes: the days it was sent, acknowledged, accepted, started and
ended, drawn with realistic delays in working days (England and Wales)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tandem.casework.pathways import Pathway
from tandem.referrals.models import ReferralState as S
from tandem.referrals.working_days import add_working_days, is_working_day, working_days_between

from . import referral_texts as texts

# Working days to acknowledge (most within five) and from acceptance to a start.
ACK_DAYS = ((1, 25), (2, 20), (3, 15), (4, 12), (5, 10), (6, 6), (7, 5), (8, 4), (10, 3))
START_DAYS = ((2, 10), (4, 15), (6, 15), (8, 15), (10, 12), (12, 10), (15, 8), (20, 8), (25, 7))
# Days the work lasts once started, by pathway.
DURATION: dict[str, tuple[int, int]] = {
    Pathway.ACCOMMODATION: (20, 120), Pathway.DRUGS_ALCOHOL: (60, 240), Pathway.ETE: (30, 180),
    Pathway.HEALTH: (20, 90), Pathway.FINANCE: (20, 90), Pathway.FAMILY: (60, 240),
    Pathway.ATTITUDES: (60, 300),
}  # fmt: skip


def weighted(rng: random.Random, pairs: tuple[tuple[int, int], ...]) -> int:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def back_working_days(day: dt.date, days: int) -> dt.date:
    while days:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_day_from(day: dt.date, latest: dt.date) -> dt.date:
    """The day if a working day, else the next one (or the one before if that is too late)."""
    after = add_working_days(day, 1) if not is_working_day(day) else day
    if after <= latest:
        return after
    return day if is_working_day(day) else back_working_days(day, 1)


def when(day: dt.date, rng: random.Random) -> dt.datetime:
    """A time in office hours on the day."""
    moment = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.randrange(0, 60, 5)))
    return timezone.make_aware(moment)


@dataclass
class Life:
    """Where a referral got to and when: the days of each step reached."""

    state: str
    sent: dt.date | None
    acknowledged: dt.date | None = None
    accepted: dt.date | None = None
    started: dt.date | None = None
    ended: dt.date | None = None
    end_reason: str = ""


def ending(rng: random.Random, life: Life, day: dt.date) -> Life:
    """The work ends on the day: completed (once started), disengaged or withdrawn."""
    roll = rng.random()
    if life.started is not None and roll < 0.6:
        life.state = S.COMPLETED
    elif roll < (0.88 if life.started is not None else 0.7):
        life.state, life.end_reason = S.DISENGAGED, rng.choice(texts.DISENGAGE_REASONS)
    else:
        life.state, life.end_reason = S.WITHDRAWN, rng.choice(texts.WITHDRAW_REASONS)
    life.ended = day
    return life


def simulated(rng: random.Random, sent: dt.date, as_of: dt.date, pathway: str, *,
               release: dt.date | None, held: bool, ineligible: bool) -> Life:  # fmt: skip
    """A referral sent on a day, played forward to the as-of day. `release` is when a
    person in custody as it was sent came out; `held` that they are still inside."""
    life = Life(S.SENT, sent)
    ack = add_working_days(sent, weighted(rng, ACK_DAYS))
    if ack > as_of:
        return life
    life.acknowledged = ack
    roll = rng.random()
    if ineligible or roll < 0.1:
        reason = texts.NOT_CLEAN_REASON if ineligible else rng.choice(texts.DECLINE_REASONS)
        life.state, life.ended, life.end_reason = S.DECLINED, ack, reason
        return life
    if roll < 0.13:
        life.state, life.ended = S.WITHDRAWN, ack
        life.end_reason = rng.choice(texts.WITHDRAW_REASONS)
        return life
    accepted = ack if rng.random() < 0.3 else add_working_days(ack, rng.randint(1, 6))
    if accepted > as_of:
        life.state = S.ACKNOWLEDGED
        return life
    life.state, life.accepted = S.ACCEPTED, accepted
    start = add_working_days(accepted, weighted(rng, START_DAYS))
    if release is not None and release >= accepted:
        start = max(start, release + dt.timedelta(days=rng.randint(1, 7)))
    if held and pathway != Pathway.DRUGS_ALCOHOL:
        # Waits for release (only drug workers see people inside); accepted only lately,
        # or the start clock would run while the prison holds the person.
        if working_days_between(accepted, as_of) > settings.REFERRALS_START_WORKING_DAYS:
            life.state, life.accepted = S.ACKNOWLEDGED, None
        return life
    if rng.random() < 0.06:
        gone = accepted + dt.timedelta(days=rng.randint(10, 30))
        if gone <= as_of and gone < start:
            return ending(rng, life, gone)
    if start > as_of:
        return life
    life.state, life.started = S.STARTED, start
    low, high = DURATION[pathway]
    end = start + dt.timedelta(days=rng.randint(low, high))
    return life if end > as_of else ending(rng, life, end)


def from_engagement(rng: random.Random, start: dt.date, end: dt.date | None,
                     as_of: dt.date, release: dt.date | None) -> Life:  # fmt: skip
    """The referral behind an engagement: accepted on its first day, ended on its last.
    Accepted while the person was in custody, the work starts after `release`."""
    ack = start if rng.random() < 0.4 else back_working_days(start, rng.randint(1, 4))
    sent = back_working_days(ack, weighted(rng, ACK_DAYS))
    life = Life(S.ACCEPTED, sent, acknowledged=ack, accepted=start)
    began = add_working_days(start, weighted(rng, START_DAYS))
    if release is not None:
        began = max(began, release + dt.timedelta(days=rng.randint(1, 7)))
    if end is None:
        if began <= as_of:
            life.state, life.started = S.STARTED, began
        return life
    if (end - start).days < 21:
        return ending(rng, life, end)
    began = min(began, add_working_days(start, rng.randint(2, 10)))
    if release is not None:
        began = max(began, release + dt.timedelta(days=rng.randint(1, 7)))
    if began >= end - dt.timedelta(days=7):
        return ending(rng, life, end)  # ended before the work could start
    life.started = began
    return ending(rng, life, end)


def forced(rng: random.Random, state: str, as_of: dt.date, *, overdue: bool = False) -> Life:
    """A referral that is in the given state on the as-of day."""
    days = {
        S.DRAFT: (None,) * 5,
        S.SENT: ((9 if overdue else 2), None, None, None, None),
        S.ACKNOWLEDGED: (6, 3, None, None, None),
        S.ACCEPTED: (10, 8, 5, None, None),
        S.DECLINED: (12, 9, None, None, 9),
        S.STARTED: (40, 36, 33, 25, None),
        S.COMPLETED: (150, 146, 143, 135, 10),
        S.DISENGAGED: (90, 87, 85, 80, 20),
        S.WITHDRAWN: (30, 27, 25, None, 15),
    }[S(state)]
    at = [None if d is None else back_working_days(as_of, d + rng.randint(0, 1)) for d in days]
    sent, ack, accepted, started, ended = at
    if state == S.DECLINED:
        ended = ack  # declined as it was read
    reasons = {S.DECLINED: texts.DECLINE_REASONS, S.DISENGAGED: texts.DISENGAGE_REASONS,
               S.WITHDRAWN: texts.WITHDRAW_REASONS}  # fmt: skip
    reason = rng.choice(reasons[S(state)]) if state in reasons else ""
    return Life(state, sent, ack, accepted, started, ended, reason)
