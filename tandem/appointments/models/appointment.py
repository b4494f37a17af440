"""Appointments in the one diary across agencies, the agencies joining them, and what
happened (the attendance outcome)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Agency, Area
from tandem.people.models import Person

from ..codes import AbsenceReason, AppointmentKind, AppointmentStatus, Outcome


class Appointment(models.Model):
    """One meeting with the person, held by one agency, perhaps joined by others.

    Rescheduling changes the times in place: the history keeps the old ones, and the
    sequence goes up so calendar clients replace the entry with the same UID.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    # The agency holding the appointment; joint participants are in `participants`.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="appointments")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    place = models.CharField(
        max_length=300, help_text="Where: the address, as the person needs it."
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    enforceable = models.BooleanField(
        default=False,
        help_text="A licence or order requirement: missing it without good reason counts "
        "towards enforcement.",
    )
    details = models.CharField(
        max_length=500, blank=True, help_text="What to bring, who to ask for at reception."
    )
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    # Why it last moved; the history keeps every earlier time and reason.
    reschedule_reason = models.CharField(max_length=500, blank=True)
    # Calendar identity: the UID never changes; SEQUENCE rises with every change people's
    # calendars must pick up (RFC 5545 section 3.8.7.4).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="appointment_cancelled_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "starts_at"], name="appointment_person_start"),
            models.Index(fields=["worker", "starts_at"], name="appointment_worker_start"),
            models.Index(fields=["agency", "starts_at"], name="appointment_agency_start"),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED


class Participant(models.Model):
    """Another agency (and perhaps its worker) present at a joint appointment."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="participants"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_appointments",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "agency"], name="one_participation_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"Participant {self.pk}"


class Attendance(models.Model):
    """The outcome of one appointment, recorded once by an agency that was there.

    A change after that is a deliberate correction with its reason; the history keeps
    every version.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="attendance"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    absence_reason = models.CharField(max_length=30, choices=AbsenceReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.CharField(max_length=500, blank=True)
    # The offender manager's re-engagement task a missed outcome created (casework owns it).
    reengagement_task = models.ForeignKey(
        "casework.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="acceptable_absence") & ~Q(absence_reason=""))
                | (~Q(outcome="acceptable_absence") & Q(absence_reason="")),
                name="attendance_absence_reason_iff_acceptable",
            ),
            models.CheckConstraint(
                condition=Q(corrected_at__isnull=True) | ~Q(correction_reason=""),
                name="attendance_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"
