"""`tandem appointments_remind`: send the text and email reminders due within
APPOINTMENTS_REMINDER_HOURS, each once (for cron, hourly). Idempotent. Prints counts only,
never names, numbers or addresses (the console backend prints the messages themselves, as
it stands in for sending them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...notify import notifier_from_settings
from ...reminders import reminders_send


class Command(BaseCommand):
    help = "Send the appointment reminders due (run hourly from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="Remind of appointments starting within this many hours "
            "(default: APPOINTMENTS_REMINDER_HOURS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = reminders_send(notifier=notifier_from_settings(self.stdout), hours=options["hours"])
        self.stdout.write(
            f"{run.sent} reminders sent, {run.failed} failed, {run.already_sent} already sent."
        )
        if run.failed:
            # Non-zero exit so cron mails the operator; the failures are retried next run.
            raise SystemExit(1)
