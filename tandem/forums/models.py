"""Shared Priority Forums: fortnightly meetings per area where the agencies decide together.

A meeting has the agencies invited and who came, an agenda built from the area's data, a
decision with its rationale on each item, each attending agency's view in its own words,
and actions carried from meeting to meeting until done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.cohort.models import EndReason, Membership, Strand
from tandem.core.models import Agency, Area
from tandem.people.models import Person
from tandem.selection.models import Nomination


class ForumSchedule(models.Model):
    """When an area's forum usually meets; meetings are generated ahead from it."""

    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="forum_schedule")
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday")
    time = models.TimeField()
    place = models.CharField(max_length=200)
    interval_days = models.PositiveSmallIntegerField(default=14)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Forum schedule {self.pk}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One Shared Priority Forum in one area."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved_reason = models.CharField(max_length=300, blank=True)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["area", "starts_at"], name="meeting_area_starts")]

    def __str__(self) -> str:
        return f"Forum {self.pk}"

    @property
    def day(self) -> dt.date:
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class Attendance(models.Model):
    """An agency invited to a meeting, and whether it came and who represented it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(null=True, help_text="Unknown until the meeting is held")
    representatives = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="one_attendance_per_agency")
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class ItemKind(models.TextChoices):
    NOMINATION = "nomination", "New nomination"
    RATIFY_ADOPTION = "ratify_adoption", "Adopted between forums: to ratify"
    RATIFY_EXIT = "ratify_exit", "Left between forums: to ratify"
    REVIEW = "review", "Six-monthly review due"
    RELEASE = "release", "Due for release within 12 weeks"
    EXIT_CANDIDATE = "exit_candidate", "Exit candidate"
    TIME_LIMIT = "time_limit", "Time limit expiring"
    TRANSFER_OUT = "transfer_out", "Transfer out: now lives in another area"
    TRANSFER_IN = "transfer_in", "Transfer in: a member elsewhere now lives here"
    NOT_ENGAGING = "not_engaging", "Not engaging: missed appointments or left a service"
    MANUAL = "manual", "Added by hand"


class AgendaItem(models.Model):
    """One thing the forum considers, in the order the coordinator sets."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=ItemKind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    title = models.CharField(max_length=300)
    # Why it is on the agenda, as it was when the agenda was built (a score, a release date).
    detail = models.JSONField(default=dict, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            # The builder adds each person once per reason per meeting, however often it runs.
            models.UniqueConstraint(
                fields=["meeting", "kind", "person"],
                condition=Q(person__isnull=False) & ~Q(kind="manual"),
                name="one_item_per_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class Outcome(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    NOT_ADOPT = "not_adopt", "Do not adopt"
    DEFER = "defer", "Defer"
    CONTINUE = "continue", "Continue"
    EXTEND = "extend", "Extend"
    EXIT = "exit", "Exit"
    TRANSFER = "transfer", "Transfer"
    NOTED = "noted", "Noted"


class Decision(models.Model):
    """The forum's decision on an item, with its rationale and what it changed."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    strand = models.CharField(max_length=30, choices=Strand.choices, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    review_by = models.DateField(null=True, blank=True)
    # On exit: light-touch contact for a while after leaving the scheme, if agreed.
    post_exit_contact = models.CharField(max_length=500, blank=True)
    post_exit_until = models.DateField(null=True, blank=True)
    membership_started = models.OneToOneField(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="adopted_by"
    )
    membership_ended = models.OneToOneField(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_by_decision",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Decision {self.pk}"


class AgencyView(models.Model):
    """What one attending agency thinks about an item, in that agency's own words."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="views")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="one_view_per_agency")
        ]

    def __str__(self) -> str:
        return f"Agency view {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.Model):
    """Something a forum asked an agency (and a person in it) to do by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.CharField(max_length=500)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    status_note = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class ExitCriteria(models.Model):
    """The partnership's exit criteria, which the readiness panel checks against the record.

    One row, edited by the coordinator, history kept. Defaults from the study's schemes:
    at least 3 months on, a 6-month time limit a forum may extend, and evidence of change.
    """

    min_months_on_scheme = models.PositiveSmallIntegerField(default=3)
    time_limit_months = models.PositiveSmallIntegerField(default=6)
    no_proven_offending_months = models.PositiveSmallIntegerField(default=6)
    settled_accommodation = models.BooleanField(default=True)
    engaged_in_ete = models.BooleanField(default=True)
    drug_treatment_done_or_not_needed = models.BooleanField(default=True)
    no_outstanding_breach = models.BooleanField(default=True)
    reoffending_watch_months = models.PositiveSmallIntegerField(
        default=12, help_text="Reoffending this long after exit is flagged to the coordinator"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return "Exit criteria"


class ReoffendingAfterExit(models.Model):
    """A former member recorded offending within the watch period after leaving: flagged
    once to the coordinator, who decides whether the forum should consider them again."""

    membership = models.OneToOneField(
        Membership, on_delete=models.PROTECT, related_name="reoffending_after_exit"
    )
    first_offence_date = models.DateField()
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return f"Reoffending after exit {self.pk}"
