"""`tandem backtest`: how well would selection as of a past date have worked?"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.access import today
from tandem.selection.backtest import AreaResult, backtest, months_after
from tandem.selection.criteria import PPO_CRITERIA_NAME, Criteria
from tandem.selection.models import CriteriaSet, CriteriaVersion


class Command(BaseCommand):
    help = (
        "Select as of a past date, then measure the share of later offences the cohort "
        "committed, against the best cohort chosen with hindsight and the six-offence rule."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", required=True, help="Selection date, YYYY-MM-DD")
        parser.add_argument("--horizon-months", type=int, default=12)
        parser.add_argument("--criteria", help="Criteria version id (default: latest PPO)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError("--as-of must be a date as YYYY-MM-DD") from None
        horizon = options["horizon_months"]
        if horizon < 1 or horizon > 60:
            raise CommandError("--horizon-months must be between 1 and 60")
        if months_after(as_of, horizon) > today():
            raise CommandError("The follow-up must have ended: choose an earlier --as-of")
        version = self._version(options["criteria"])
        result = backtest(
            criteria=Criteria.from_dict(version.config), as_of=as_of, horizon_months=horizon
        )
        self.stdout.write(
            f"Selected as of {as_of:%d %b %Y} with {version}; follow-up to "
            f"{result.horizon_end:%d %b %Y}: {result.offences_after:,} recorded offences"
            + (
                f", {result.true_offences_after:,} true offences (synthetic city)."
                if result.true_offences_after
                else "."
            )
        )
        header = f"{'area':24} {'cohort':>6} {'selected':>9} {'hindsight':>9} {'6-rule':>14}"
        if result.true_offences_after:
            header += f" {'true sel.':>9} {'true best':>9}"
        self.stdout.write(header)
        for area in [*result.areas, result.overall]:
            self.stdout.write(self._line(area))
        x, y = result.cohort_on_curve
        self.stdout.write(
            f"The cohort is {x:.1%} of the people who offended in the follow-up and committed "
            f"{y:.1%} of the offences. Concentration curve (share of offenders: share of "
            "offences): " + ", ".join(f"{p:.0%}: {q:.0%}" for p, q in result.curve[1::2])
        )

    def _line(self, area: AreaResult) -> str:
        line = (
            f"{area.label[:24]:24} {area.selected.people:>6} {area.selected.share:>9.1%} "
            f"{area.hindsight.share:>9.1%} {area.rule.share:>6.1%} ({area.rule.people:>4})"
        )
        if area.selected_true and area.hindsight_true:
            line += f" {area.selected_true.share:>9.1%} {area.hindsight_true.share:>9.1%}"
        return line

    def _version(self, value: str | None) -> CriteriaVersion:
        if value:
            version = CriteriaVersion.objects.filter(
                pk=int(value) if value.isdigit() else 0
            ).first()
        else:
            criteria_set = CriteriaSet.objects.filter(name=PPO_CRITERIA_NAME).first()
            version = criteria_set.latest() if criteria_set else None
        if version is None:
            raise CommandError("No such criteria version")
        return version
