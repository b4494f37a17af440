"""Forms for the diary pages. They check shapes and turn a day and clock times into London
times; the services check the rules (times to come, the same day, who may do what).

The times forms also check that the time is still to come and within the booking limit, as
the services do again: the page can then show every problem at once (a past date and a
missing reason together) rather than one round at a time, in the words of the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tandem.core.forms import date_field as _date
from tandem.core.forms import text_field as _text
from tandem.core.models import Area, User

from .codes import AbsenceReason, AppointmentKind, EnforcementAction, Outcome
from .rules import LONDON, BookingPolicy, ahead_phrase, kinds_for, too_far_ahead
from .text import kind_label

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"]


def _time(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text="Use the 24-hour clock, for example 14:30",
        input_formats=TIME_FORMATS,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": "Enter the time like 09:30 or 14:30",
        },
    )


def _reason(label: str, required: str) -> forms.CharField:
    return _text(label, required, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def local_datetime(day: dt.date, clock: dt.time) -> dt.datetime:
    """The London wall-clock time on that day, as an aware datetime."""
    return dt.datetime.combine(day, clock, tzinfo=LONDON)


class TimesForm(forms.Form):
    """A day, start and end time, a place and its area: booking and moving share these."""

    # What the page asks for when the time has passed or is too far ahead: "{limit}" is
    # "the next 2 years".
    past_message = "Book appointments for a time still to come"
    far_message = "Book appointments within {limit}: check the year"

    day = _date("Date")
    starts = _time("Start time")
    ends = _time("End time")
    place = _text(
        "Where",
        "Enter where the appointment is",
        max_length=300,
        help_text="The address as the person needs it, for example Probation office, 1 High Street",
    )
    area = forms.ModelChoiceField(
        label="Area",
        help_text="The area the place is in: the travel check compares areas",
        queryset=Area.objects.none(),
        empty_label="Choose an area",
        error_messages={"required": "Choose the area", "invalid_choice": "Choose the area"},
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("ends", "The end time must be after the start time")
        if day is not None:
            self._check_when(day, starts)
        return cleaned

    def _check_when(self, day: dt.date, starts: dt.time | None) -> None:
        """Still to come, and not beyond the limit: the date is at fault unless it is today
        and only the start time has passed."""
        now = timezone.now()
        policy = BookingPolicy.from_settings()
        today = now.astimezone(LONDON).date()
        if day < today:
            self.add_error("day", self.past_message)
        elif day == today and starts is not None and local_datetime(day, starts) <= now:
            self.add_error("starts", self.past_message)
        elif too_far_ahead(local_datetime(day, starts or dt.time()), now, policy):
            self.add_error("day", self.far_message.format(limit=ahead_phrase(policy)))

    @property
    def starts_at(self) -> dt.datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["starts"])

    @property
    def ends_at(self) -> dt.datetime:
        return local_datetime(self.cleaned_data["day"], self.cleaned_data["ends"])


class KindField(forms.ChoiceField):
    """The kinds the booking agency may hold (rules.KIND_AGENCY_KINDS). A real kind it may
    not hold, posted by hand, is refused saying so, not just "choose"."""

    def validate(self, value: Any) -> None:
        if value in AppointmentKind.values and not self.valid_value(value):
            raise forms.ValidationError(
                self.error_messages["not_held"],
                code="not_held",
                params={"kind": kind_label(value).lower()},
            )
        super().validate(value)


class BookingForm(TimesForm):
    kind = KindField(
        label="Kind of appointment",
        help_text="Only the kinds your agency holds",
        choices=[("", "Choose a kind"), *AppointmentKind.choices],
        error_messages={
            "required": "Choose the kind of appointment",
            "invalid_choice": "Choose the kind of appointment",
            "not_held": "Your agency does not hold %(kind)s appointments: choose a kind "
            "from the list",
        },
    )
    worker = forms.ModelChoiceField(
        label="Worker (optional)",
        help_text="Who the person will see; they are told",
        queryset=User.objects.none(),
        required=False,
        empty_label="No one named",
        error_messages={"invalid_choice": "Choose a worker of your agency"},
    )
    enforceable = forms.BooleanField(
        label="A licence or order requirement",
        help_text="Missing it without good reason counts towards enforcement. Leave unticked "
        "for a voluntary appointment.",
        required=False,
    )
    details = _text(
        "Details for the person (optional)",
        "",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to bring, who to ask for at reception",
    )
    # The warnings the user was shown, so "Book anyway" confirms those and no others.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["kind", "worker", "day", "starts", "ends", "place", "area", "enforceable",
                   "details", "seen"]  # fmt: skip

    def __init__(self, *args: Any, workers: Any, agency_kind: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        field.queryset = workers  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]
        labels = dict(AppointmentKind.choices)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a kind"),
            *((kind, labels[kind]) for kind in kinds_for(agency_kind)),
        ]


class RescheduleForm(TimesForm):
    past_message = "Move the appointment to a time still to come"
    far_message = "Move the appointment to a time within {limit}: check the year"

    reason = _reason("Why is it moving?", "Say why the appointment is moving")
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    reason = _reason("Why is it cancelled?", "Say why the appointment is cancelled")


def _outcome_fields() -> dict[str, forms.Field]:
    return {
        "outcome": forms.ChoiceField(
            label="What happened?",
            choices=Outcome.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose what happened",
                "invalid_choice": "Choose what happened",
            },
        ),
        "absence_reason": forms.ChoiceField(
            label="Reason for an acceptable absence",
            help_text="Only for an acceptable absence",
            choices=[("", "Not an acceptable absence"), *AbsenceReason.choices],
            required=False,
            error_messages={"invalid_choice": "Choose a reason from the list"},
        ),
        "note": _text(
            "Note (optional)",
            "",
            max_length=500,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    }


class OutcomeForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_outcome_fields())


class CorrectionForm(OutcomeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _reason(
            "Why is the outcome being corrected?", "Say why the outcome is being corrected"
        )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label="Your decision",
        choices=EnforcementAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your decision", "invalid_choice": "Choose your "
                        "decision"},
    )  # fmt: skip
    reason = _reason("Reason for the decision", "Give the reason for the decision")


class GoodProgressForm(forms.Form):
    note = _text(
        "What went well?",
        "Say what went well",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, attended every appointment this month and started a course",
    )


class ContactForm(forms.Form):
    phone = _text(
        "Mobile phone number (optional)",
        "",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        help_text="For text reminders, for example 07700 900 982",
    )
    email = _text(
        "Email address (optional)",
        "",
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    text_reminders = forms.BooleanField(
        label="The person agrees to text message reminders", required=False
    )
    email_reminders = forms.BooleanField(
        label="The person agrees to email reminders", required=False
    )
    calendar_feed = forms.BooleanField(
        label="The person agrees to a calendar feed of their appointments",
        help_text="A private link for their phone's calendar. Withdrawing consent stops the "
        "feed at once.",
        required=False,
    )
