"""Forms for people pages."""

from __future__ import annotations

from django import forms

from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS
from tandem.core.models import Agency


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth, PNC number or local identifier",
        help_text="For example Jordan O'Neil, 14/03/2001 or 2004/0123456A",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )


class EngagementForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency working with this person"},
    )
    start_date = forms.DateField(
        label="Working with them since",
        help_text="For example, 27/11/2026",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the agency started working with them",
            "invalid": "Enter the date as day/month/year, like 27/11/2026",
        },
    )
    purpose = forms.CharField(label="Purpose", required=False, max_length=300)

    def __init__(self, *args: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean_start_date(self) -> object:
        start = self.cleaned_data["start_date"]
        if start > today():
            raise forms.ValidationError("The start date cannot be in the future")
        return start
