"""Forms for the service directory and the coordinator's referral reports.

The service form asks for what is missing with service_save's own words, so an empty form
lists every problem at once; service_save still decides (duplicates, capacity, and the rest).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.forms import DATE_FORMATS
from tandem.core.models import Agency, Area

from .models import HowReferred

YES_NO = [("yes", "Yes"), ("no", "No, not while they are using drugs")]
ACTIVE_CHOICES = [
    ("yes", "Taking referrals"),
    ("no", "Not taking referrals: keep it, but take it out of the directory"),
]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class AreasField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class DirectorySearchForm(forms.Form):
    """Search the directory by pathway, area and words."""

    pathway = forms.ChoiceField(
        label="Pathway",
        required=False,
        choices=[("", "Any pathway"), *Pathway.choices],
        error_messages={"invalid_choice": "Choose a pathway from the list"},
    )
    area = AreaChoiceField(
        label="Area",
        required=False,
        queryset=Area.objects.order_by("code"),
        empty_label="Any area",
        error_messages={"invalid_choice": "Choose an area from the list"},
    )
    q = forms.CharField(
        label="Words",
        help_text="In the service's name, offer, eligibility or agency, for example hostel",
        required=False,
        max_length=200,
        error_messages={"max_length": "Keep the words to 200 characters or fewer"},
    )
    inactive = forms.BooleanField(
        label="Include services no longer taking referrals", required=False
    )


class ServiceForm(forms.Form):
    """A directory entry as the coordinator types it."""

    agency = forms.ModelChoiceField(
        label="Provider agency",
        queryset=Agency.objects.order_by("name"),
        empty_label="Choose the agency",
        error_messages={
            "required": "Choose the agency that provides the service",
            "invalid_choice": "Choose the agency from the list",
        },
    )
    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        error_messages={
            "required": "Enter the service's name",
            "max_length": "Keep the name to 200 characters or fewer",
        },
    )
    pathways = forms.MultipleChoiceField(
        label="Pathways it works on",
        choices=Pathway.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one pathway the service works on",
            "invalid_choice": "Choose pathways from the list",
        },
    )
    offer = forms.CharField(
        label="What it offers",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say what the service offers",
            "max_length": "Keep the offer to 2,000 characters or fewer",
        },
    )
    eligibility = forms.CharField(
        label="Who it can take (optional)",
        help_text="For example, men aged 18 and over with a local connection",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the eligibility to 2,000 characters or fewer"},
    )
    accepts_current_drug_use = forms.ChoiceField(
        label="Does it take clients who are using drugs now?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the service takes clients who are using drugs now",
            "invalid_choice": "Say whether the service takes clients who are using drugs now",
        },
    )
    areas = AreasField(
        label="Areas it covers",
        queryset=Area.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one area the service covers",
            "invalid_choice": "Choose areas from the list",
            "invalid_pk_value": "Choose areas from the list",
        },
    )
    capacity = forms.IntegerField(
        label="Places at any one time (optional)",
        help_text="Leave blank when the service is not limited",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the number of places as digits, like 12"},
    )
    contact = forms.CharField(
        label="Contact",
        help_text="A name, phone number or team email address",
        max_length=300,
        error_messages={
            "required": "Enter how to contact the service",
            "max_length": "Keep the contact to 300 characters or fewer",
        },
    )
    how_referred = forms.ChoiceField(
        label="How it accepts referrals",
        choices=HowReferred.choices,
        initial=HowReferred.TANDEM,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the service accepts referrals",
            "invalid_choice": "Choose how the service accepts referrals",
        },
    )
    referral_notes = forms.CharField(
        label="What referrers need to know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the notes to 2,000 characters or fewer"},
    )
    active = forms.ChoiceField(
        label="Is it taking referrals?",
        help_text="Services are never deleted: referrals already made keep pointing at them",
        choices=ACTIVE_CHOICES,
        initial="yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the service is taking referrals",
            "invalid_choice": "Say whether the service is taking referrals",
        },
    )

    def __init__(self, *args: Any, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            # A new service takes referrals; deactivating is a change made later.
            del self.fields["active"]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as service_save's keyword arguments."""
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "name": data["name"],
            "pathways": list(data["pathways"]),
            "offer": data["offer"],
            "eligibility": data["eligibility"],
            "accepts_current_drug_use": data["accepts_current_drug_use"] == "yes",
            "areas": list(data["areas"]),
            "capacity": data["capacity"],
            "contact": data["contact"],
            "how_referred": data["how_referred"],
            "referral_notes": data["referral_notes"],
            "active": data.get("active", "yes") == "yes",
        }


def service_initial(service: Any) -> dict[str, Any]:
    """A saved service as the form's starting values."""
    return {
        "agency": service.agency_id,
        "name": service.name,
        "pathways": list(service.pathways),
        "offer": service.offer,
        "eligibility": service.eligibility,
        "accepts_current_drug_use": "yes" if service.accepts_current_drug_use else "no",
        "areas": [a.pk for a in service.areas.all()],
        "capacity": service.capacity,
        "contact": service.contact,
        "how_referred": service.how_referred,
        "referral_notes": service.referral_notes,
        "active": "yes" if service.active else "no",
    }


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/11/2026",
        error_messages={"invalid": f"Enter the {label.lower()} date as day/month/year, "
                                   "like 27/11/2026"},
    )  # fmt: skip


def last_twelve_months(on: dt.date) -> tuple[dt.date, dt.date]:
    """The year up to and including a day: 28 November 2025 to 27 November 2026."""
    try:
        year_ago = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_ago = on.replace(year=on.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), on


class FlowsForm(forms.Form):
    """The period of the referrals report: the last 12 months unless given."""

    date_from = _date_field("From")
    date_to = _date_field("To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = last_twelve_months(today())
        if self.errors:
            return data
        data["date_from"] = data.get("date_from") or start
        data["date_to"] = data.get("date_to") or end
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data


class AreaFilterForm(forms.Form):
    """Which of the user's areas a report covers: all of them unless one is chosen."""

    area = AreaChoiceField(
        label="Area",
        required=False,
        queryset=Area.objects.none(),
        empty_label="All your areas",
        error_messages={"invalid_choice": "Choose one of your areas from the list"},
    )

    def __init__(self, *args: Any, areas: Any, all_label: str = "All your areas",
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        field.queryset = areas  # type: ignore[attr-defined]
        field.empty_label = all_label  # type: ignore[attr-defined]
