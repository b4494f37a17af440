"""How appointments read to people: local dates and times, and what one is called.

Wording in one place so the diary, warnings, the feed and reminders say the same thing.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from .codes import PLAIN_KIND, AppointmentKind
from .models import Appointment
from .rules import LONDON


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def day_label(day: dt.date) -> str:
    """ "Tuesday 3 March 2026": the long form the GOV.UK style guide uses."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def time_label(moment: dt.datetime) -> str:
    return f"{local(moment):%H:%M}"


def when_label(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """ "Tuesday 3 March 2026, 10:00 to 11:00"."""
    return f"{day_label(local(starts_at).date())}, {time_label(starts_at)} to {time_label(ends_at)}"


def masked_title(agency_name: str) -> str:
    """What a reader without the appointment's category sees."""
    return f"Appointment — {agency_name}"


def kind_label(kind: str) -> str:
    return str(AppointmentKind(kind).label) if kind in AppointmentKind.values else kind


def describe(appointment: Appointment, *, detailed: bool) -> str:
    """ "the drug test appointment with Test Drug Service", or "an appointment with …"."""
    agency = appointment.agency.name
    if not detailed:
        return f"an appointment with {agency}"
    return f"the {kind_label(appointment.kind).lower()} appointment with {agency}"


def plain_kind(kind: str) -> str:
    """The person's own words for the kind of appointment."""
    return PLAIN_KIND.get(kind, "Appointment")


def person_link(person_id: int) -> str:
    """Where a notice about the person leads: their record, behind the usual access check."""
    return reverse("people:detail", args=[person_id])
