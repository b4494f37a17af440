"""Forms for the forum pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tandem.cohort.models import EndReason, Strand
from tandem.core.forms import date_field as _date
from tandem.core.models import Agency, User

from .models import ActionStatus, Outcome

WEEKDAYS = [
    (i, day)
    for i, day in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text="24-hour clock, for example 14:00",
        input_formats=TIME_FORMATS,
        error_messages={"required": "Enter the time", "invalid": "Enter the time like 14:00"},
    )


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.Select,
        error_messages={"required": "Choose a day of the week"},
    )
    time = _time("Time")
    place = forms.CharField(
        label="Where", max_length=200, error_messages={"required": "Enter where the forum meets"}
    )
    interval_days = forms.IntegerField(
        label="Every how many days",
        initial=14,
        min_value=7,
        max_value=56,
        error_messages={
            "required": "Enter how often the forum meets",
            "invalid": "Enter a whole number of days, like 14",
            "min_value": "Forums meet at most weekly",
            "max_value": "Forums meet at least every eight weeks",
        },
    )


class GenerateForm(forms.Form):
    from_date = _date("First date", "Meetings are generated from this date on the usual day")
    count = forms.IntegerField(
        label="How many meetings",
        initial=6,
        min_value=1,
        max_value=26,
        error_messages={
            "required": "Enter how many meetings to generate",
            "invalid": "Enter a whole number, like 6",
            "min_value": "Generate at least one meeting",
            "max_value": "Generate at most 26 meetings (a year) at a time",
        },
    )


class MoveForm(forms.Form):
    day = _date("Date")
    time = _time("Time")
    place = forms.CharField(
        label="Where", max_length=200, error_messages={"required": "Enter where the forum meets"}
    )
    reason = forms.CharField(
        label="Why is the meeting moving?",
        max_length=300,
        error_messages={"required": "Say why the meeting moves, so the agencies know"},
    )

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class ItemForm(forms.Form):
    title = forms.CharField(
        label="What is the item?",
        max_length=300,
        error_messages={"required": "Say what the item is about"},
    )
    person = forms.IntegerField(
        label="Tandem number of the person (if the item is about someone)",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Enter the Tandem number, like 4821",
            "min_value": "Enter the Tandem number, like 4821",
        },
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision", "invalid_choice": "Choose the decision"},
    )
    rationale = forms.CharField(
        label="Why did the forum decide this?",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Record why the forum decided this"},
    )
    strand = forms.ChoiceField(
        label="Strand (when adopting)",
        required=False,
        widget=forms.RadioSelect,
        choices=Strand.choices,
    )
    end_reason = forms.ChoiceField(
        label="Reason for leaving (when exiting)",
        required=False,
        choices=[("", "Choose a reason"), *EndReason.choices],
    )
    review_by = _date("Extended to (when extending)", required=False)
    post_exit_contact = forms.CharField(
        label="Contact after exit (optional)",
        required=False,
        max_length=500,
        help_text="Light-touch contact agreed on exit, for example a monthly phone call",
    )
    post_exit_until = _date("Contact after exit until", required=False)
    lead = forms.ModelChoiceField(
        label="Lead offender manager (when adopting)",
        required=False,
        queryset=User.objects.none(),
        empty_label="Allocate later",
    )

    def __init__(self, *args: Any, outcomes: tuple[str, ...], leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["lead"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.display_name}, {user.agency.name}"
        )


class ViewForm(forms.Form):
    text = forms.CharField(
        label="Your agency's view",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Write the agency's view"},
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs doing?",
        max_length=500,
        error_messages={"required": "Say what needs doing"},
    )
    owner_agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = forms.ModelChoiceField(
        label="Person (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone in the agency",
    )
    due_on = _date("Due date")
    item = forms.TypedChoiceField(
        label="About agenda item (optional)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, agencies: Any, owners: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.display_name}, {user.agency.name}"
        )
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", "General business"),
            *((item.pk, f"{item.position}. {item.title}") for item in items),
        ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status"},
    )
    note = forms.CharField(label="Note", required=False, max_length=500)


class ExitCriteriaForm(forms.Form):
    min_months_on_scheme = forms.IntegerField(
        label="Months on the scheme at least",
        min_value=0,
        max_value=60,
        error_messages={
            "required": "Enter a number of months",
            "invalid": "Enter whole months",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 60 or fewer",
        },
    )
    time_limit_months = forms.IntegerField(
        label="Time limit in months (a forum may extend it)",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter the time limit",
            "invalid": "Enter whole months",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 60 or fewer",
        },
    )
    no_proven_offending_months = forms.IntegerField(
        label="No proven offending for this many months",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter a number of months",
            "invalid": "Enter whole months",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 60 or fewer",
        },
    )
    settled_accommodation = forms.BooleanField(label="Settled accommodation", required=False)
    engaged_in_ete = forms.BooleanField(
        label="Engaged in education, training or employment", required=False
    )
    drug_treatment_done_or_not_needed = forms.BooleanField(
        label="Drug treatment completed or not needed", required=False
    )
    no_outstanding_breach = forms.BooleanField(label="No outstanding breach", required=False)
    reoffending_watch_months = forms.IntegerField(
        label="Flag offending this many months after exit",
        min_value=1,
        max_value=36,
        error_messages={
            "required": "Enter a number of months",
            "invalid": "Enter whole months",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 36 or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        least, limit = data.get("min_months_on_scheme"), data.get("time_limit_months")
        if least is not None and limit is not None and least > limit:
            self.add_error(
                "time_limit_months",
                "The time limit cannot be shorter than the months on the scheme at least",
            )
        return data
