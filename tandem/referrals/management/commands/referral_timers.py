"""`tandem referral_timers`: tell both sides of each referral newly overdue for
acknowledgement or start (for cron, daily). Idempotent: each timer is told once. Prints a
count only, never names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.core.access import today
from tandem.referrals.timers import timers_tell


class Command(BaseCommand):
    help = "Tell both sides of referrals newly overdue for acknowledgement or start (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        told = timers_tell(today())
        self.stdout.write(f"{told} overdue {'referral' if told == 1 else 'referrals'} told.")
