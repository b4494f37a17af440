"""Forms for the selection pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS

from .criteria import Band, Criteria
from .models import CriteriaVersion

BAND_PATTERN = re.compile(r"^\s*(\d+)\s*:\s*(\d+(?:\.\d+)?)\s*$")


class ScoringRunForm(forms.Form):
    criteria_version = forms.ModelChoiceField(
        label="Criteria",
        queryset=CriteriaVersion.objects.select_related("criteria_set").order_by(
            "criteria_set__name", "-number"
        ),
        empty_label=None,
        error_messages={"invalid_choice": "Choose criteria from the list"},
    )
    as_of = forms.DateField(
        label="Score as of",
        help_text="Only what was recorded by this date counts. For example, 27/11/2026",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date to score as of",
            "invalid": "Enter the date as day/month/year, like 27/11/2026",
        },
    )

    def clean_as_of(self) -> dt.date:
        day: dt.date = self.cleaned_data["as_of"]
        if day > today():
            raise forms.ValidationError("The date cannot be in the future")
        return day


def bands_to_text(bands: list[Band]) -> str:
    return ", ".join(f"{t}:{p:g}" for t, p in bands)


class BandsField(forms.CharField):
    """Bands written as threshold:points pairs, for example 30:10, 90:7, 180:4."""

    def to_python(self, value: Any) -> list[Band]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        bands = []
        for part in text.split(","):
            match = BAND_PATTERN.match(part)
            if not match:
                raise forms.ValidationError(
                    "Write each band as threshold:points, separated by commas, "
                    "for example 30:10, 90:7"
                )
            bands.append((int(match[1]), float(match[2])))
        return bands


class CriteriaVersionForm(forms.Form):
    """Every setting of a criteria version; saving makes a new version, never an edit."""

    min_age = forms.IntegerField(label="Minimum age", min_value=10, max_value=100)
    lookback_months = forms.IntegerField(
        label="Look-back window in months", min_value=1, max_value=120
    )
    min_recordable_offences = forms.IntegerField(
        label="Minimum recordable offences in the window", min_value=0, max_value=1000
    )
    exclude_in_custody_beyond_days = forms.IntegerField(
        label="Exclude people in custody for more than this many days",
        help_text="Leave blank to include everyone in custody",
        required=False,
        min_value=0,
        max_value=36500,
    )
    exclude_moved_away = forms.BooleanField(
        label="Exclude people who live outside the partnership", required=False
    )
    frequency_only = forms.BooleanField(
        label="Score is the number of offences only (the persistent-offender rule)",
        required=False,
    )
    recency_bands = BandsField(
        label="Recency bands (days since the last offence : points)",
        help_text="The first band the days fit in scores. For example 30:10, 90:7, 180:4",
        required=False,
    )
    frequency_bands = BandsField(
        label="Frequency bands (offences in the window : points)",
        help_text="The highest band reached scores. For example 1:1, 3:3, 6:6",
        required=False,
    )
    gravity_bands = BandsField(
        label="Gravity bands (summed gravity in the window : points)",
        help_text="The highest band reached scores. For example 3:1, 10:3, 20:6",
        required=False,
    )
    recency_weight = forms.FloatField(label="Recency weight", min_value=0)
    frequency_weight = forms.FloatField(label="Frequency weight", min_value=0)
    gravity_weight = forms.FloatField(label="Gravity weight", min_value=0)
    ogrs3_weight = forms.FloatField(
        label="OGRS3 weight",
        help_text="Points for a two-year probability of 100%; 0 leaves OGRS3 out",
        min_value=0,
    )
    intelligence_weight = forms.FloatField(label="Local intelligence weight", min_value=0)
    drug_offence_points = forms.FloatField(
        label="Points per drug-related offence in the window", min_value=0
    )
    positive_test_points = forms.FloatField(
        label="Points per positive drug test in the window", min_value=0
    )
    threshold = forms.FloatField(label="Threshold score for candidates", min_value=0)
    note = forms.CharField(
        label="What changed and why",
        max_length=500,
        error_messages={"required": "Say what changed and why, for the record"},
    )

    @classmethod
    def initial_from(cls, criteria: Criteria) -> dict[str, Any]:
        data = criteria.to_dict()
        for name in ("recency_bands", "frequency_bands", "gravity_bands"):
            data[name] = bands_to_text(getattr(criteria, name))
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        config = {k: v for k, v in data.items() if k != "note"}
        try:
            self.criteria = Criteria.from_dict(config)
        except ValueError as error:
            field, _, message = str(error).partition(": ")
            target = field if field in self.fields else None
            self.add_error(target, message.capitalize() if message else str(error))
        return data


class Ogrs3Form(forms.Form):
    """The calculator's inputs; the formula itself checks the combinations."""

    sex = forms.ChoiceField(
        label="Sex",
        choices=[("male", "Male"), ("female", "Female")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose male or female"},
    )
    age_at_start = forms.IntegerField(
        label="Age at the start of follow-up",
        help_text="On release from custody, or at sentence for a community sentence",
        min_value=0,
        max_value=120,
    )
    age_at_conviction = forms.IntegerField(
        label="Age at the current conviction", min_value=0, max_value=120
    )
    age_at_first_sanction = forms.IntegerField(
        label="Age at the first sanction",
        help_text="The first conviction, caution, reprimand or final warning",
        min_value=0,
        max_value=120,
    )
    sanctions = forms.IntegerField(
        label="Number of sanctions, including the current one", min_value=0, max_value=500
    )
    offence_group = forms.ChoiceField(label="Current offence", choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tandem.offending.ogrs3 import Ogrs3Group

        super().__init__(*args, **kwargs)
        groups = sorted(Ogrs3Group.choices, key=lambda choice: choice[1])
        offence_group = self.fields["offence_group"]
        assert isinstance(offence_group, forms.ChoiceField)
        offence_group.choices = [("", "Choose the offence group"), *groups]
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                field.widget.attrs["inputmode"] = "numeric"
                field.error_messages = {
                    "required": f"Enter the {field.label.lower()}",  # type: ignore[union-attr]
                    "invalid": f"Enter the {field.label.lower()} as a whole number",  # type: ignore[union-attr]
                    "min_value": "Enter a number of 0 or more",
                    "max_value": "Enter a smaller number",
                }
        self.fields["offence_group"].error_messages["required"] = "Choose the offence group"


class IntelligenceForm(forms.Form):
    points = forms.FloatField(
        label="Points",
        help_text="Added to the person's selection score until the expiry date",
        error_messages={"required": "Enter the points", "invalid": "Enter the points as a number"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": "Say why, so the forum can weigh it"},
    )
    expires_on = forms.DateField(
        label="Expires on",
        help_text="For example, 27/02/2027",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the expiry date",
            "invalid": "Enter the expiry date as day/month/year, like 27/02/2027",
        },
    )


class NominationForm(forms.Form):
    reason = forms.CharField(
        label="Why nominate this person?",
        help_text="From the list, this is optional. On local intelligence, say what it is.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the reason to 1,000 characters or fewer"},
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label="Why is the nomination withdrawn?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the nomination is withdrawn",
            "max_length": "Keep the reason to 1,000 characters or fewer",
        },
    )


class CapacityOverrideForm(forms.Form):
    capacity = forms.IntegerField(
        label="Capacity",
        help_text="How many people this area's cohort can hold",
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Enter the capacity",
            "invalid": "Enter the capacity as a whole number, like 30",
            "min_value": "Capacity cannot be negative",
            "max_value": "Capacity must be 1,000 or fewer",
        },
    )
    reason = forms.CharField(
        label="Why does this area need a different figure?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why this area's capacity differs from the shared default",
            "max_length": "Keep the reason to 500 characters or fewer",
        },
    )


class CapacityClearForm(forms.Form):
    clear_reason = forms.CharField(
        label="Why go back to the shared default?",
        max_length=100,
        error_messages={
            "required": "Say why the area goes back to the shared default",
            "max_length": "Keep the reason to 100 characters or fewer",
        },
    )
