"""Referral timers: not acknowledged within REFERRALS_ACKNOWLEDGE_WORKING_DAYS of being
sent, or not started within REFERRALS_START_WORKING_DAYS of being accepted. Both sides see
the flag on their lists; the daily run (`tandem referral_timers`) tells both sides once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tandem.core.models import User
from tandem.core.notices import notice_send

from .models import Referral, ReferralState
from .working_days import add_working_days


@dataclass(frozen=True)
class Timer:
    kind: str  # "acknowledge" or "start"
    due_on: dt.date
    overdue: bool

    @property
    def label(self) -> str:
        what = "Acknowledgement" if self.kind == "acknowledge" else "Start"
        return f"{what} {'overdue since' if self.overdue else 'due by'} {self.due_on:%-d %B %Y}"


def timer_for(referral: Referral, on: dt.date) -> Timer | None:
    """The clock running on a referral, if any: waiting to be acknowledged or started."""
    if referral.state == ReferralState.SENT and referral.sent_at is not None:
        due = add_working_days(
            timezone.localdate(referral.sent_at), settings.REFERRALS_ACKNOWLEDGE_WORKING_DAYS
        )
        return Timer("acknowledge", due, on > due)
    if referral.state == ReferralState.ACCEPTED and referral.accepted_at is not None:
        due = add_working_days(
            timezone.localdate(referral.accepted_at), settings.REFERRALS_START_WORKING_DAYS
        )
        return Timer("start", due, on > due)
    return None


def _waiting() -> QuerySet[Referral]:
    return Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACCEPTED]
    ).select_related("service", "referrer", "worker")


def overdue(on: dt.date) -> list[tuple[Referral, Timer]]:
    found = []
    for referral in _waiting():
        timer = timer_for(referral, on)
        if timer is not None and timer.overdue:
            found.append((referral, timer))
    return found


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
            subject=f"Referral {referral.pk} to {referral.service.name}: {timer.label.lower()}",
            body=f"Tandem number {referral.person_id}: referral {referral.pk} is waiting to be "
            f"{'acknowledged' if timer.kind == 'acknowledge' else 'started'}.",
            link=reverse("referrals:detail", args=[referral.pk]),
        )
        Referral.objects.filter(pk=referral.pk).update(**{field: now})
        told += 1
    return told
