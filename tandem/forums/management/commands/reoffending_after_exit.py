"""`tandem reoffending_after_exit`: flag former members offending soon after exit (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.core.access import today
from tandem.forums.services import reoffending_after_exit_flag


class Command(BaseCommand):
    help = (
        "Tell each area's coordinator of anyone who left the cohort within the watch period "
        "(12 months by default) and has a recorded offence committed since. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        flagged = reoffending_after_exit_flag(on=today())
        self.stdout.write(f"{flagged} former member{'s' if flagged != 1 else ''} flagged.")
