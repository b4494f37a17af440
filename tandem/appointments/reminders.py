"""Reminders of appointments by text and email, with the person's consent, each sent once.

`reminders_send` is for cron (`tandem appointments_remind`): it finds booked appointments
starting within APPOINTMENTS_REMINDER_HOURS, and for each channel the person consented to
and has an address for, writes a Reminder row keyed on (appointment, channel, start time)
before sending. The unique key makes a second run, or two at once, send nothing twice; a
moved appointment has a new start time and so gets a reminder of its own. A send that
failed is tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .codes import AppointmentStatus, Channel, ReminderStatus
from .models import Appointment, Reminder
from .notify import Notifier, notifier_from_settings
from .text import day_label, local, time_label


@dataclass(frozen=True)
class ReminderRun:
    sent: int = 0
    failed: int = 0
    already_sent: int = 0


def reminder_text(appointment: Appointment) -> str:
    """The text message: when, where, with which agency, and who to call; not the kind of
    appointment, since a phone's lock screen is seen by others."""
    agency = appointment.agency
    worker = appointment.worker
    phone = (worker.phone if worker else "") or agency.contact
    start = local(appointment.starts_at)
    text = (
        f"Reminder: you have an appointment with {agency.name} on "
        f"{day_label(start.date())} at {time_label(start)}, at {appointment.place}."
    )
    if phone:
        text += f" If you cannot go, call {phone}."
    return text


def reminder_subject(appointment: Appointment) -> str:
    start = local(appointment.starts_at)
    return f"Appointment reminder: {day_label(start.date())} at {time_label(start)}"


def due_appointments(now: dt.datetime, hours: int) -> list[Appointment]:
    """Booked appointments starting within the next `hours` whose person agreed to reminders."""
    return list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(hours=hours),
        )
        .filter(
            Q(person__contact_consent__text_reminders_since__isnull=False)
            | Q(person__contact_consent__email_reminders_since__isnull=False)
        )
        .select_related("agency", "worker", "person__contact_consent")
        .order_by("starts_at", "id")
    )


def _send_one(
    notifier: Notifier, appointment: Appointment, channel: str, to: str, now: dt.datetime
) -> str:
    """Send one reminder unless already sent; returns the resulting status or "already"."""
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            appointment=appointment,
            channel=channel,
            for_starts_at=appointment.starts_at,
            defaults={"status": ReminderStatus.SENDING, "attempted_at": now},
        )
        if not created and reminder.status == ReminderStatus.SENT:
            return "already"
        reference = f"tandem-reminder-{reminder.pk}"
        try:
            if channel == Channel.TEXT:
                notifier.send_text(to, reminder_text(appointment), reference=reference)
            else:
                notifier.send_email(
                    to,
                    reminder_subject(appointment),
                    reminder_text(appointment),
                    reference=reference,
                )
        except Exception as error:  # any provider failure: recorded, retried next run
            reminder.status = ReminderStatus.FAILED
            reminder.error = type(error).__name__[:200]
        else:
            reminder.status = ReminderStatus.SENT
            reminder.sent_at = timezone.now()
            reminder.error = ""
        reminder.attempted_at = now
        reminder.save()
        return str(reminder.status)


def reminders_send(
    *, notifier: Notifier | None = None, now: dt.datetime | None = None, hours: int | None = None
) -> ReminderRun:
    """Send every reminder due now, once each; counts only, for the command to print."""
    notifier = notifier or notifier_from_settings()
    now = now or timezone.now()
    hours = (
        hours if hours is not None else int(getattr(settings, "APPOINTMENTS_REMINDER_HOURS", 24))
    )
    counts = {"sent": 0, "failed": 0, "already": 0}
    for appointment in due_appointments(now, hours):
        consent = appointment.person.contact_consent
        channels = []
        if consent.texts_allowed:
            channels.append((Channel.TEXT, consent.phone))
        if consent.emails_allowed:
            channels.append((Channel.EMAIL, consent.email))
        for channel, to in channels:
            counts[_send_one(notifier, appointment, channel, to, now)] += 1
    return ReminderRun(sent=counts["sent"], failed=counts["failed"], already_sent=counts["already"])
