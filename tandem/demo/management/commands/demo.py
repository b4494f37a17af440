"""`tandem demo`: build the synthetic demo city and print the demo sign-ins."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tandem.core.models import Partnership
from tandem.demo.generator import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    DEMO_PASSWORD,
    CitySummary,
    demo_sign_ins,
    generate_city,
    reset_database,
)
from tandem.demo.generator.summary import COHORT_PER_AREA

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


# PNC serial numbers run to seven digits and must be unique; memory is the practical limit.
MAX_PEOPLE = 500_000


def _date(value: dt.date | str | None) -> dt.date | None:
    """--as-of from the command line (already a date) or from call_command (maybe text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def summary_lines(summary: CitySummary) -> list[str]:
    """What the run built, with the figures that show whether it looks like real offending."""
    s = summary.statuses
    in_custody = s.get("remand", 0) + s.get("sentenced", 0)
    return [
        f"Synthetic City built from seed {summary.seed} in {summary.seconds:.1f} s: "
        f"{summary.years} years to {summary.as_of}.",
        f"  {summary.areas} areas, {summary.agencies} agencies, {summary.staff} demo staff.",
        f"  {summary.people:,} synthetic people ({_pct(summary.male_share)} male), "
        f"each with at least one recorded offence.",
        f"  {summary.true_offences:,} true offences; {summary.recorded_offences:,} recorded "
        f"by the police ({summary.recorded_offences / max(summary.true_offences, 1):.0%}); "
        f"{summary.sanctions:,} sanctions.",
        f"  The top tenth of offenders committed {_pct(summary.top_tenth_share)} of true "
        "offences (the Home Office figure: about half).",
        f"  Offending at ages 18-24: {summary.rate_18_24:.2f} true offences a person-year; "
        f"at 40 and over: {summary.rate_40_plus:.2f}.",
        f"  Today: {in_custody:,} in custody ({s.get('remand', 0):,} on remand, "
        f"{s.get('sentenced', 0):,} sentenced), {s.get('licence', 0):,} on licence, "
        f"{s.get('community_order', 0):,} on a community order.",
        f"  Cohort-like group (the {COHORT_PER_AREA} people in each area with most recorded "
        f"offences in the last year, {summary.cohort} in all): "
        f"{_pct(summary.cohort_male)} male, {_pct(summary.cohort_18_25)} aged 18-25, "
        f"{_pct(summary.cohort_in_custody)} in custody, {_pct(summary.cohort_drug_users)} "
        "heroin or crack users (Birmingham, February 2005: 99% male, 56% aged 18-25, "
        "48% in custody).",
        f"  {summary.drug_tests:,} drug tests, {_pct(summary.positive_rate)} positive.",
        f"  {summary.aliases:,} aliases, {summary.identifiers:,} identifiers, "
        f"{summary.addresses:,} addresses, {summary.episodes:,} status episodes.",
        f"  PPO cohort: {summary.ppo_members} members today after a year of selection and "
        f"forums ({summary.ppo_left} left at the half-year review), {summary.nominations} "
        "nominations awaiting forums, "
        f"{summary.scoring_runs} scoring runs, {summary.forum_meetings} forum meetings.",
        f"  {summary.engagements:,} partner engagements ({summary.open_engagements:,} open), "
        f"{summary.consents:,} consents.",
    ]


class Command(BaseCommand):
    help = (
        "Build the synthetic demo city (partnership, nine areas, agencies, demo staff and "
        "synthetic offenders with criminal careers) and print the demo sign-ins. Never runs "
        "in production mode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people", type=int, default=DEFAULT_PEOPLE, help="How many synthetic people."
        )
        parser.add_argument(
            "--years", type=int, default=DEFAULT_YEARS, help="Years of offending to generate."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; same seed, same city."
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            dest="as_of",
            default=None,
            help="The last day generated, YYYY-MM-DD (default today).",
        )
        parser.add_argument(
            "--write-files",
            type=Path,
            dest="write_files",
            default=None,
            metavar="DIR",
            help="Also write people.csv, offences.csv and drug-tests.csv (import format).",
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
        if not 0 <= options["people"] <= MAX_PEOPLE:
            raise CommandError(f"--people must be between 0 and {MAX_PEOPLE:,}")
        if not 1 <= options["years"] <= 40:
            raise CommandError("--years must be between 1 and 40")
        # Reset and build share one transaction: a failed build leaves the database as it was.
        with transaction.atomic():
            if options["reset"]:
                reset_database()
            elif Partnership.objects.exists():
                raise CommandError(
                    "This database already holds a partnership. Run `tandem demo --reset` to "
                    "delete everything in it and build the demo city afresh."
                )
            summary = generate_city(
                seed=options["seed"],
                people=options["people"],
                years=options["years"],
                as_of=_date(options["as_of"]),
                write_files=options["write_files"],
            )
        self._write(summary_lines(summary))
        if options["write_files"] is not None:
            self._write([f"  Import files written to {options['write_files']}."])
        self._write(["", *sign_in_lines()])

    def _write(self, lines: list[str]) -> None:
        for text in lines:
            self.stdout.write(text)
