"""Forms for people pages."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import DATE_FORMATS
from tandem.core.models import User

from .models import (
    CUSTODY_KINDS,
    EpisodeKind,
    MonitoringLevel,
    OrderOutcome,
    ReleaseType,
    Requirement,
    TransferResolution,
    TransferResponse,
)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth, PNC number or local identifier",
        help_text="For example Jordan O'Neil, 14/03/2001 or 2004/0123456A",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )


# Status episodes and monitoring


def _date(label: str, *, required: bool = True, hint: str = "For example, 27/11/2026") -> Any:
    return forms.DateField(
        label=label,
        help_text=hint,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": "Enter the date as day/month/year, like 27/11/2026",
        },
    )


def _number(label: str, maximum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=maximum,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"Enter the {label.lower()} as a whole number",
            "min_value": f"The {label.lower()} cannot be negative",
            "max_value": f"Enter {maximum:,} {label.lower()} or fewer",
        },
    )


EXPECTED_END_LABELS = {
    EpisodeKind.REMAND: "Expected release or next hearing date",
    EpisodeKind.SENTENCED: "Expected release date",
    EpisodeKind.LICENCE: "Licence end date",
    EpisodeKind.COMMUNITY_ORDER: "Order end date",
}
ESTABLISHMENT_LABELS = {
    EpisodeKind.REMAND: "Prison",
    EpisodeKind.SENTENCED: "Prison",
    EpisodeKind.COMMUNITY_ORDER: "Sentencing court",
}


class EpisodeForm(forms.Form):
    """Record or correct one episode; the fields are those of its kind."""

    start_date = _date("Start date")
    end_date = _date("End date", required=False, hint="Leave empty if it has not ended")
    establishment = forms.CharField(label="Prison", required=False, max_length=200)
    expected_end_date = _date("Expected end date", required=False)
    sentence_months = _number("Months", 1200)
    sentence_days = _number("Days", 366)
    release_type = forms.ChoiceField(
        label="Release type",
        required=False,
        choices=[("", "Not known yet"), *ReleaseType.choices],
    )
    licence_conditions = forms.CharField(
        label="Licence conditions",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="As the licence states them, one to a line",
    )
    requirements = forms.MultipleChoiceField(
        label="Requirements",
        choices=Requirement.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one requirement of the order"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Not ended yet"), *OrderOutcome.choices],
    )
    next_review_date = _date(
        "Next review date",
        required=False,
        hint="Court review, parole hearing or licence review, if one is set",
    )

    KIND_FIELDS = {
        EpisodeKind.REMAND: {"establishment", "expected_end_date"},
        EpisodeKind.SENTENCED: {
            "establishment",
            "expected_end_date",
            "sentence_months",
            "sentence_days",
            "release_type",
            "next_review_date",
        },
        EpisodeKind.LICENCE: {"expected_end_date", "licence_conditions", "next_review_date"},
        EpisodeKind.COMMUNITY_ORDER: {
            "establishment",
            "expected_end_date",
            "requirements",
            "outcome",
            "next_review_date",
        },
    }

    def __init__(self, *args: Any, kind: str, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"start_date", *self.KIND_FIELDS[EpisodeKind(kind)]}
        if correcting:
            keep.add("end_date")
        else:
            keep.discard("outcome")  # an order is recorded running; its outcome comes at its end
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "expected_end_date" in self.fields:
            self.fields["expected_end_date"].label = EXPECTED_END_LABELS[EpisodeKind(kind)]
        if "establishment" in self.fields:
            self.fields["establishment"].label = ESTABLISHMENT_LABELS[EpisodeKind(kind)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = data.get("sentence_months") or data.get("sentence_days")
        wrong = "sentence_months" in self.errors or "sentence_days" in self.errors
        if "sentence_months" in self.fields and not given and not wrong:
            self.add_error("sentence_months", "Enter the sentence length in months or days")
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the episode services take it (absent fields left out)."""
        data = dict(self.cleaned_data)
        for name in ("establishment", "release_type", "licence_conditions", "outcome"):
            if name in data and data[name] is None:
                data[name] = ""
        return data


class EpisodeEndForm(forms.Form):
    end_date = _date("End date", hint="The last day of the episode, for example 27/11/2026")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=OrderOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the order ended: completed, revoked or breached"},
    )
    release_type = forms.ChoiceField(
        label="Release type", required=False, choices=[("", "Not known"), *ReleaseType.choices]
    )
    new_lead = forms.ModelChoiceField(
        label="New lead offender manager in the community",
        queryset=User.objects.none(),
        required=False,
        empty_label="No change of lead",
        help_text="The handover is recorded as a release",
    )

    def __init__(self, *args: Any, kind: str, leads: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != EpisodeKind.COMMUNITY_ORDER:
            del self.fields["outcome"]
        if kind != EpisodeKind.SENTENCED:
            del self.fields["release_type"]
            del self.fields["new_lead"]
        if kind in CUSTODY_KINDS:
            # People say the day someone was released; the episode ends the day before.
            self.fields["end_date"].label = "Release date"
            self.fields["end_date"].help_text = "The day they left custody, for example 27/11/2026"
            self.fields["end_date"].error_messages["required"] = "Enter the release date"
        if kind == EpisodeKind.SENTENCED:
            self.fields["new_lead"].queryset = leads  # type: ignore[attr-defined]
            self.fields["new_lead"].label_from_instance = _lead_label  # type: ignore[attr-defined]


def _lead_label(user: User) -> str:
    agency = user.agency.name if user.agency_id else ""  # type: ignore[union-attr]
    return f"{user.display_name}, {agency}" if agency else user.display_name


class MonitoringForm(forms.Form):
    level = forms.ChoiceField(
        label="Monitoring level at liberty",
        choices=MonitoringLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose proactive targeting or basic monitoring"},
    )
    start_date = _date("From")
    review_date = _date("Review date", required=False, hint="When the level is next reviewed")
    note = forms.CharField(label="Reason", required=False, max_length=500)


# Transfers


class TransferRespondForm(forms.Form):
    side = forms.ChoiceField(
        label="Answering for",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which area you answer for"},
    )
    response = forms.ChoiceField(
        label="Your area's answer",
        choices=TransferResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept or dispute"},
    )
    note = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="Needed if you dispute: the coordinator decides from it",
    )
    lead = forms.ModelChoiceField(
        label="New lead offender manager (receiving area)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Allocate later",
        help_text="Takes over when the transfer completes; until then the current lead stays",
    )

    def __init__(self, *args: Any, sides: list[tuple[str, str]], leads: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = sides  # type: ignore[attr-defined]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0][0]
            self.fields["side"].widget = forms.HiddenInput()
        if leads is None:
            del self.fields["lead"]
        else:
            self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
            self.fields["lead"].label_from_instance = _lead_label  # type: ignore[attr-defined]


class TransferResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label="Decision",
        choices=TransferResolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the person transfers or stays"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea,
        help_text="Both areas see it",
        error_messages={"required": "Give the reason for the decision; both areas will see it"},
    )
    lead = forms.ModelChoiceField(
        label="New lead offender manager, if the person transfers",
        queryset=User.objects.none(),
        required=False,
        empty_label="Allocate later",
    )

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["lead"].label_from_instance = _lead_label  # type: ignore[attr-defined]


class TransferLeadForm(forms.Form):
    lead = forms.ModelChoiceField(
        label="New lead offender manager",
        queryset=User.objects.none(),
        empty_label="Choose an offender manager",
        error_messages={"required": "Choose the new lead offender manager"},
    )

    def __init__(self, *args: Any, leads: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["lead"].label_from_instance = _lead_label  # type: ignore[attr-defined]
