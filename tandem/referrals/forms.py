"""Forms for the referral pages. Services check the rules; forms check shapes."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.casework.pathways import Pathway
from tandem.core.forms import DATE_FORMATS

from .models import PartnerService, Urgency

OUT_OF_DATE = "This page is out of date: open the referral again"


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def _date(label: str, help_text: str, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": "Enter the date as day/month/year, like 27/11/2026",
        },
    )


def service_choices(services: list[PartnerService]) -> list[Any]:
    """The services as a select's choices, grouped by the agency that provides them."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in sorted(services, key=lambda s: (s.agency.name, s.name)):
        pathways = ", ".join(service.pathway_labels).lower()
        label = f"{service.name} ({pathways})" if pathways else service.name
        groups.setdefault(service.agency.name, []).append((str(service.pk), label))
    return [("", "Choose a service"), *groups.items()]


class ChooseServiceForm(forms.Form):
    """Step 1: the pathway and the service; what may be shared depends on the service."""

    pathway = forms.ChoiceField(
        label="Pathway",
        help_text="The resettlement pathway the referral is for",
        choices=[("", "Choose a pathway"), *Pathway.choices],
        error_messages={
            "required": "Choose the pathway the referral is for",
            "invalid_choice": "Choose the pathway the referral is for",
        },
    )
    service = forms.ChoiceField(
        label="Service",
        help_text="Services covering the person's area, by agency, with the pathways each "
        "works on. Choose one that works on the pathway you chose.",
        error_messages={
            "required": "Choose the service to refer to",
            "invalid_choice": "Choose a service from the list",
        },
    )

    def __init__(self, *args: Any, services: list[PartnerService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in services}
        self.fields["service"].choices = service_choices(services)  # type: ignore[attr-defined]

    def clean_service(self) -> PartnerService:
        return self.services[self.cleaned_data["service"]]


class ReferralForm(forms.Form):
    """Step 2: why, how urgent, and what the person agreed may be shared."""

    pathway = forms.CharField(widget=forms.HiddenInput)
    service = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you making the referral?",
        help_text="What the person needs from the service, and anything the service should "
        "know before it meets them. The service reads this whatever the person consented to "
        "share: leave out health and drug details unless they consented to those below",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say why you are making the referral",
            "max_length": "Use 5,000 characters or fewer",
        },
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how urgent the referral is",
            "invalid_choice": "Choose how urgent the referral is",
        },
    )
    consent_categories = forms.MultipleChoiceField(
        label="What the person agreed may be shared",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the kinds of data listed"},
    )
    consent_given_on = _date(
        "Date the person gave consent",
        "Needed when you share anything beyond identity. For example, 27/11/2026",
        required=False,
    )
    confirmed = forms.BooleanField(
        label="I have read this and still want to make the referral", required=False
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_categories"].choices = categories  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """One lifecycle step: the version the page showed, and a reason or summary if any."""

    version = _version_field()
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 2,000 characters or fewer"},
    )
    outcome_summary = forms.CharField(
        label="Outcome summary (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 5,000 characters or fewer"},
    )


class ProgressForm(forms.Form):
    note = forms.CharField(
        label="How is the work going?",
        help_text="Kept in your agency's own data category for this pathway",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Write the progress note",
            "max_length": "Use 5,000 characters or fewer",
        },
    )
    written_on = _date(
        "Date of the note", "Leave blank for today. For example, 27/11/2026", required=False
    )


class OutcomeForm(forms.Form):
    version = _version_field()
    outcome_summary = forms.CharField(
        label="Outcome summary",
        help_text="What the work achieved, or why it ended without finishing",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Summarise the outcome",
            "max_length": "Use 5,000 characters or fewer",
        },
    )
