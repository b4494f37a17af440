"""`tandem demo`: build the synthetic demo city and print the demo sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tandem.core.models import Partnership
from tandem.demo.generator import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    CitySummary,
    demo_sign_ins,
    generate_city,
    reset_database,
)

__all__ = ["Command", "demo_sign_ins", "sign_in_lines"]


def sign_in_lines() -> list[str]:
    """The demo sign-in table as lines of text, with the shared password stated once."""
    header = ("Username", "Role", "Agency", "Areas")
    rows = [(s.username, s.role, s.agency, s.areas) for s in demo_sign_ins()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    return [
        "Demo sign-ins. These are synthetic demo accounts for a synthetic city: no real",
        "people, no real data. Never use them anywhere real data is held.",
        f"Password for every demo account: {DEMO_PASSWORD}",
        "",
        line(header).rstrip(),
        line(tuple("-" * width for width in widths)),
        *(line(row).rstrip() for row in rows),
    ]


def summary_lines(summary: CitySummary) -> list[str]:
    """What the run built, in a few lines."""
    s = summary.statuses
    in_custody = s.get("remand", 0) + s.get("sentenced", 0)
    return [
        f"Synthetic City built from seed {summary.seed} in {summary.seconds:.2f} s "
        f"({summary.people_per_second:.0f} people a second).",
        f"  {summary.areas} areas, {summary.agencies} agencies, {summary.staff} demo staff.",
        f"  {summary.people} synthetic people: {in_custody} in custody "
        f"({s.get('remand', 0)} on remand, {s.get('sentenced', 0)} sentenced), "
        f"{s.get('licence', 0)} on licence, {s.get('community_order', 0)} on a community order, "
        f"{s.get('liberty', 0)} at liberty.",
        f"  {summary.aliases} aliases, {summary.identifiers} identifiers, "
        f"{summary.addresses} addresses, {summary.episodes} status episodes.",
        f"  {summary.engagements} partner engagements ({summary.open_engagements} open), "
        f"{summary.consents} consents.",
    ]


class Command(BaseCommand):
    help = (
        "Build the synthetic demo city (partnership, nine areas, agencies, demo staff and "
        "synthetic people) and print the demo sign-ins. Never runs in production mode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=int, default=DEFAULT_PEOPLE, help="How many synthetic people."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; same seed, same city."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete EVERYTHING in the database first (access log included), then build.",
        )
        parser.add_argument(
            "--sign-ins",
            action="store_true",
            dest="sign_ins",
            help="Only print the demo sign-ins; build nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TANDEM_MODE == "production":
            raise CommandError(
                "The demo city is synthetic data and never goes into a production database. "
                "Set TANDEM_MODE to demo or development."
            )
        if options["sign_ins"]:
            self._write(sign_in_lines())
            return
        if options["people"] < 0:
            raise CommandError("--people must be zero or more")
        # Reset and build share one transaction: a failed build leaves the database as it was.
        with transaction.atomic():
            if options["reset"]:
                reset_database()
            elif Partnership.objects.exists():
                raise CommandError(
                    "This database already holds a partnership. Run `tandem demo --reset` to "
                    "delete everything in it and build the demo city afresh."
                )
            summary = generate_city(seed=options["seed"], people=options["people"])
        self._write(summary_lines(summary))
        self._write(["", *sign_in_lines()])

    def _write(self, lines: list[str]) -> None:
        for text in lines:
            self.stdout.write(text)
