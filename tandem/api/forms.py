"""Forms for the custody check page and the coordinator's instructions."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS

from .models import INSTRUCTION_MAX_LENGTH, CheckPurpose
from .selectors import CheckQuery
from .serializers import NAME_MAX_LENGTH


class CustodyCheckForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Why are you checking?",
        choices=CheckPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are checking"},
    )
    pnc = forms.CharField(
        label="PNC number",
        help_text="For example 2004/0123456M",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": "Enter a PNC number of 20 characters or fewer"},
    )
    first_name = forms.CharField(
        label="First name",
        required=False,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": f"Enter {NAME_MAX_LENGTH} characters or fewer"},
    )
    last_name = forms.CharField(
        label="Last name",
        required=False,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": f"Enter {NAME_MAX_LENGTH} characters or fewer"},
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        help_text="For example 14/03/2001",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the date of birth as day/month/year, like 14/03/2001"},
    )

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > today():
            raise forms.ValidationError("The date of birth must be in the past")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors.get("date_of_birth"):
            return data
        names = [data.get("first_name", "").strip(), data.get("last_name", "").strip()]
        born = data.get("date_of_birth")
        if not (data.get("pnc", "").strip() or any(names) or born):
            raise forms.ValidationError(
                "Enter a PNC number, or a first name, last name and date of birth"
            )
        if any(names) or born:
            if not names[0]:
                self.add_error("first_name", "Enter the first name, or check by PNC number only")
            if not names[1]:
                self.add_error("last_name", "Enter the last name, or check by PNC number only")
            if not born:
                self.add_error("date_of_birth", "Enter the date of birth, like 14/03/2001")
        return data

    def query(self) -> CheckQuery:
        data = self.cleaned_data
        return CheckQuery(
            pnc=data.get("pnc", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
        )


class CandidateForm(forms.Form):
    purpose = forms.ChoiceField(choices=CheckPurpose.choices, widget=forms.HiddenInput)
    candidate = forms.CharField(max_length=500, widget=forms.HiddenInput)


class InstructionForm(forms.Form):
    text = forms.CharField(
        label="Instruction for custody suites",
        max_length=INSTRUCTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Keep the instruction to {INSTRUCTION_MAX_LENGTH} characters or fewer"
        },
    )
