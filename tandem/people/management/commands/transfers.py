"""`tandem transfers propose`: apply the responsibility rules to every cohort member and
propose a transfer wherever they point to another area (for cron, nightly).

Idempotent: a member with an open proposal keeps it; unanswered proposals the rules no
longer support are withdrawn. Prints counts only, never names.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.people.transfers import transfers_propose_all


class Command(BaseCommand):
    help = (
        "Transfers between areas. `propose`: propose transfers the responsibility rules call for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "propose",
            help="review every current member and propose transfers (run nightly)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = transfers_propose_all(actor=None)
        self.stdout.write(
            f"Reviewed {summary.members} members: {summary.proposed} transfers proposed, "
            f"{summary.already_open} already open, {summary.withdrawn} withdrawn, "
            f"{summary.decided} left as the coordinator decided."
        )
