"""Reaching the person: contact details with their consent to reminders and a calendar
feed, the private feeds themselves, and the reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.people.models import Person

from ..codes import Channel, ReminderStatus
from .appointment import Appointment


class ContactConsent(models.Model):
    """The person's phone and email, and since when they agreed to each kind of contact.

    A consent is given from its date and withdrawn by clearing it; the history keeps both.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact_consent")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    text_reminders_since = models.DateField(null=True, blank=True)
    email_reminders_since = models.DateField(null=True, blank=True)
    calendar_feed_since = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self) -> str:
        return f"Contact consent {self.pk}"

    @property
    def texts_allowed(self) -> bool:
        return self.text_reminders_since is not None and bool(self.phone)

    @property
    def emails_allowed(self) -> bool:
        return self.email_reminders_since is not None and bool(self.email)

    @property
    def feed_allowed(self) -> bool:
        return self.calendar_feed_since is not None


class CalendarFeed(models.Model):
    """A private .ics feed of one person's or one worker's appointments.

    Only a SHA-256 hash of the token is kept, as for API tokens: the token is 256 random
    bits, so a fast hash is enough and a copy of the database opens no feed.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True, worker__isnull=False)
                | Q(person__isnull=False, worker__isnull=True),
                name="feed_for_person_or_worker",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True, person__isnull=False),
                name="one_live_feed_per_person",
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(revoked_at__isnull=True, worker__isnull=False),
                name="one_live_feed_per_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… (calendar feed {self.pk})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Reminder(models.Model):
    """One reminder of one appointment at one time by one channel: sent at most once.

    Keyed on the start time too, so a rescheduled appointment is reminded of afresh.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    for_starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices)
    attempted_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The error's class name only: messages from a provider can echo the phone number.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "channel", "for_starts_at"], name="one_reminder_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk}"
