"""Forms for the coordinator's changes to the cohort between forums, and earlier schemes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS
from tandem.core.models import Area, User
from tandem.selection.models import CriteriaSet

from .models import EndReason, Strand
from .services import SCHEME_CODE_PATTERN


def _date_field(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text="For example, 27/11/2026",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter the date {what}",
            "invalid": "Enter the date as day/month/year, like 27/11/2026",
        },
    )


def _not_in_future(day: dt.date) -> dt.date:
    if day > today():
        raise forms.ValidationError("The date cannot be in the future")
    return day


def _reason_field(label: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="The next forum reads this when it ratifies the change",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required,
            "max_length": "Keep the reason to 1,000 characters or fewer",
        },
    )


def _strand_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Strand",
        choices=Strand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a strand", "invalid_choice": "Choose a strand"},
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}, {obj.agency.name}" if obj.agency_id else obj.display_name


class FindPersonForm(forms.Form):
    number = forms.IntegerField(
        label="Tandem number",
        help_text="The number at the top of the person's page, for example 1234",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's Tandem number",
            "invalid": "Enter the Tandem number as digits, like 1234",
            "min_value": "Enter the Tandem number as digits, like 1234",
        },
    )


class AdoptForm(forms.Form):
    strand = _strand_field()
    start_date = _date_field("In the cohort from", "the person joins the cohort")
    reason = _reason_field(
        "Why adopt this person before the next forum?",
        "Say why the person is being adopted between forums",
    )
    lead = WorkerChoiceField(
        label="Lead offender manager (optional)",
        help_text="An offender manager who works in this area. You can allocate one later.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Allocate later",
        error_messages={"invalid_choice": "Choose an offender manager from the list"},
    )

    def __init__(self, *args: Any, leads: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = leads

    def clean_start_date(self) -> dt.date:
        return _not_in_future(self.cleaned_data["start_date"])


# Moving into another scheme has its own page, which keeps the two spells linked.
EXIT_REASONS = [(value, label) for value, label in EndReason.choices if value != "scheme_change"]


class EndForm(forms.Form):
    end_date = _date_field("Leaves the cohort on", "the person leaves the cohort")
    end_reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *EXIT_REASONS],
        error_messages={
            "required": "Choose why the membership ends",
            "invalid_choice": "Choose why the membership ends",
        },
    )
    note = _reason_field(
        "Why does the membership end before the next forum?",
        "Say why the membership ends, for the forum that ratifies it",
    )

    def clean_end_date(self) -> dt.date:
        return _not_in_future(self.cleaned_data["end_date"])


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class MoveForm(forms.Form):
    move_date = _date_field("Moves into the PPO scheme on", "the person moves across")
    area = AreaChoiceField(
        label="Area",
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the area",
            "invalid_choice": "Choose one of your areas",
        },
    )
    strand = _strand_field()
    reason = _reason_field(
        "Why does the person move into the PPO scheme?",
        "Say why the person moves into the PPO scheme",
    )

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = areas

    def clean_move_date(self) -> dt.date:
        return _not_in_future(self.cleaned_data["move_date"])


class SchemeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="A short code in capitals, for example POPPS or CHRYSALIS",
        max_length=30,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter a code for the scheme",
            "max_length": "Keep the code to 30 characters or fewer",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the scheme's name",
            "max_length": "Keep the name to 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="Who ran it, when, and who it selected",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the description to 2,000 characters or fewer"},
    )
    criteria_set = forms.ModelChoiceField(
        label="Criteria it selected by (optional)",
        queryset=CriteriaSet.objects.order_by("name"),
        required=False,
        empty_label="None recorded",
        error_messages={"invalid_choice": "Choose criteria from the list"},
    )
    accepts_new_members = forms.BooleanField(
        label="It still takes new members",
        help_text="Leave unticked for a scheme whose members are moving into the PPO scheme",
        required=False,
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        if not SCHEME_CODE_PATTERN.match(code):
            raise forms.ValidationError(
                "Enter a code of capital letters, digits, hyphens or underscores, like POPPS"
            )
        return code
