"""`tandem pre_release_tasks`: generate the pre-release tasks for every cohort member due
for release within the timeline, and re-date open ones whose release moved (for cron,
daily). Idempotent. Prints counts only, never names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.casework.services import pre_release_tasks_run


class Command(BaseCommand):
    help = "Generate pre-release tasks from CASEWORK_PRE_RELEASE_TIMELINE (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = pre_release_tasks_run()
        self.stdout.write(f"{result.created} tasks created, {result.redated} re-dated.")
