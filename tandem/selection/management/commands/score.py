"""`tandem score`: score everyone as of a date and print each area's counts, and, for a
coordinator named with --user, the top of each of their areas' ranked lists. The list is
personal data (Tandem numbers and offending), so printing it is logged as an export in the
coordinator's name, as the web page logs its views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.access import today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Area, Role, User
from tandem.selection.criteria import PPO_CRITERIA_NAME
from tandem.selection.models import CriteriaSet, CriteriaVersion
from tandem.selection.services import scoring_run_create


class Command(BaseCommand):
    help = "Score every eligible person as of a date and rank them per area."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="Date to score as of, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--criteria",
            help="Criteria version id, or 'SET NAME' for its latest version "
            "(default: the latest PPO criteria)",
        )
        parser.add_argument("--area", help="Only print this area's list (area code)")
        parser.add_argument("--top", type=int, default=10, help="People to print per area")
        parser.add_argument(
            "--user",
            help="A coordinator's username: list the top people in their areas (logged)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = self._as_of(options["as_of"])
        version = self._version(options["criteria"])
        reader = self._reader(options["user"])
        areas = Area.objects.order_by("code")
        if options["area"]:
            areas = areas.filter(code__iexact=options["area"])
            if not areas.exists():
                raise CommandError(f"There is no area with the code {options['area']!r}")
        if options["top"] < 0:
            raise CommandError("--top must be 0 or more")
        run, scored = scoring_run_create(actor=reader, criteria_version=version, as_of=as_of)
        self.stdout.write(
            f"Scored {run.scored} people as of {as_of:%d %b %Y} with {version}: "
            f"{run.eligible} eligible, in {run.seconds:.2f} s (run {run.pk})."
        )
        readable = set(reader.areas.values_list("pk", flat=True)) if reader else set()
        listed = 0
        for area in areas:
            ranked = scored.filter((pl.col("area_id") == area.pk) & pl.col("eligible")).sort("rank")
            above = ranked.filter(pl.col("above_threshold")).height
            self.stdout.write(
                f"\n{area.code} {area.name}: {ranked.height} eligible, {above} above threshold"
            )
            if area.pk not in readable:
                continue
            top = ranked.head(options["top"])
            listed += top.height
            for r in top.iter_rows(named=True):
                ogrs = "–" if r["ogrs3_2y"] is None else f"{r['ogrs3_2y']:.0%}"
                self.stdout.write(
                    f"  {r['rank']:>3}. person {r['person_id']:<7} total {r['total']:>6.1f}  "
                    f"R {r['recency_points']:g} (last {r['days_since_last']} days ago)  "
                    f"F {r['frequency_points']:g} ({r['frequency']} offences)  "
                    f"G {r['gravity_points']:g} (gravity {r['gravity_sum']})  OGRS3 {ogrs}"
                )
        if reader is None:
            self.stdout.write(
                "\nPeople are listed only for a coordinator: add --user USERNAME "
                "(the listing is logged in their name)."
            )
        else:
            access_record(
                actor=reader, action=AccessAction.EXPORT, categories=[Category.OFFENDING],
                detail=f"tandem score: run {run.pk}, top {options['top']} an area",
                result_count=listed,
            )  # fmt: skip

    def _reader(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or user.role != Role.COORDINATOR:
            raise CommandError(f"{username!r} is not an active coordinator's username")
        return user

    def _as_of(self, value: str | None) -> dt.date:
        if not value:
            return today()
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError("--as-of must be a date as YYYY-MM-DD") from None
        if day > today():
            raise CommandError("--as-of cannot be in the future")
        return day

    def _version(self, value: str | None) -> CriteriaVersion:
        if value and value.isdigit():
            version = CriteriaVersion.objects.filter(pk=int(value)).first()
        else:
            criteria_set = CriteriaSet.objects.filter(
                name__iexact=value or PPO_CRITERIA_NAME
            ).first()
            version = criteria_set.latest() if criteria_set else None
        if version is None:
            names = ", ".join(CriteriaSet.objects.values_list("name", flat=True))
            raise CommandError(f"No such criteria. Known criteria sets: {names}")
        return version
