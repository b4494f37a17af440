"""The backtest form: which criteria, selected as of when, followed for how long."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS
from tandem.selection.criteria import PPO_CRITERIA_NAME

from .backtest import months_after
from .models import CriteriaVersion
from .scoring import months_before

MAX_HORIZON_MONTHS = 60
DEFAULT_HORIZON_MONTHS = 12


def _versions() -> Any:
    return CriteriaVersion.objects.select_related("criteria_set").order_by(
        "criteria_set__name", "-number"
    )


class BacktestForm(forms.Form):
    criteria_version = forms.ModelChoiceField(
        label="Criteria",
        queryset=_versions(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose criteria from the list"},
    )
    as_of = forms.DateField(
        label="Select as of",
        help_text="Only what was recorded by this date chooses the cohort. For example, 27/11/2024",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date to select as of",
            "invalid": "Enter the date as day/month/year, like 27/11/2024",
        },
    )
    horizon_months = forms.IntegerField(
        label="Follow-up in months",
        help_text=f"How long to watch what the cohort did next, from 1 to {MAX_HORIZON_MONTHS}",
        min_value=1,
        max_value=MAX_HORIZON_MONTHS,
        # GOV.UK asks for a text input with a numeric keypad, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the length of the follow-up in months",
            "invalid": "Enter the follow-up as a whole number of months",
            "min_value": "The follow-up must be at least 1 month",
            "max_value": f"The follow-up can be at most {MAX_HORIZON_MONTHS} months",
        },
    )
    compare_with = forms.ModelChoiceField(
        label="Compare with (optional)",
        help_text="Another criteria version, selected as of the same date, shown side by side",
        queryset=_versions(),
        required=False,
        empty_label="Do not compare",
        error_messages={"invalid_choice": "Choose criteria to compare with from the list"},
    )

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The latest PPO criteria, selected a year ago, followed up to today."""
        ppo = _versions().filter(criteria_set__name=PPO_CRITERIA_NAME).first()
        start = months_before(today(), DEFAULT_HORIZON_MONTHS)
        return {
            "criteria_version": ppo.pk if ppo else None,
            "as_of": start.strftime("%d/%m/%Y"),
            "horizon_months": DEFAULT_HORIZON_MONTHS,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        as_of: dt.date | None = data.get("as_of")
        horizon: int | None = data.get("horizon_months")
        if as_of is not None and horizon is not None:
            # What the cohort did next is only known once the follow-up has ended.
            end = months_after(as_of, horizon)
            if as_of >= today():
                self.add_error("as_of", "The date must be in the past")
            elif end > today():
                latest = months_before(today(), horizon)
                self.add_error(
                    "as_of",
                    f"A {horizon}-month follow-up from this date ends on {end:%d/%m/%Y}, "
                    f"after today: choose a date on or before {latest:%d/%m/%Y}, "
                    "or a shorter follow-up",
                )
        version, other = data.get("criteria_version"), data.get("compare_with")
        if version is not None and other is not None and version == other:
            self.add_error("compare_with", "Choose a different version to compare with")
        return data
