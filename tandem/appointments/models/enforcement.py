"""Enforcement with discretion: a flag when a National Standards threshold is reached, the
offender manager's recorded decision, and good progress recorded alongside.

Nothing here acts on the person: a flag asks for a decision, and the decision is a record
of what a person chose to do and why.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Agency
from tandem.people.models import Person
from tandem.referrals.working_days import add_working_days

from ..codes import EnforcementAction, EnforcementLevel, FlagStatus
from ..rules import LONDON
from .appointment import Appointment


class EnforcementFlag(models.Model):
    """A threshold reached by missed enforceable appointments, awaiting one decision.

    A person has at most one open flag: a further miss while it is undecided joins it (its
    count and level are worked out again) rather than raising another, so the offender
    manager makes one decision that answers for every miss so far.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enforcement_flags")
    # The latest missed appointment the flag answers for: the one its count and level were
    # last worked out at. A foreign key, not one-to-one: a flag withdrawn when an outcome
    # was corrected keeps pointing at its appointment, and a later flag may cover it again.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="enforcement_flags"
    )
    # Every missed appointment the flag answers for (`appointment` among them).
    covers = models.ManyToManyField(Appointment, blank=True, related_name="covering_flags")
    level = models.CharField(max_length=20, choices=EnforcementLevel.choices)
    # Missed enforceable appointments in the window up to `appointment`.
    missed_count = models.PositiveSmallIntegerField()
    # The person's lead offender manager when raised; empty when there was none, and the
    # coordinators of the person's area were told instead.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    raised_at = models.DateTimeField()
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords(m2m_fields=[covers])

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="flag_withdrawn_has_reason",
            )
        ]
        indexes = [models.Index(fields=["person", "status"], name="flag_person_status")]

    def __str__(self) -> str:
        return f"Enforcement flag {self.pk}"

    @property
    def decide_by(self) -> dt.date:
        """The day the decision is due: APPOINTMENTS_DECISION_WORKING_DAYS (5) working days
        after the flag was raised, England and Wales bank holidays excepted. A further miss
        joining the flag does not move it: the first miss already needed deciding."""
        days = int(getattr(settings, "APPOINTMENTS_DECISION_WORKING_DAYS", 5))
        return add_working_days(self.raised_at.astimezone(LONDON).date(), days)

    def decision_overdue(self, on: dt.date) -> bool:
        """Still undecided after its decide-by day."""
        return self.status == FlagStatus.OPEN and on > self.decide_by


class EnforcementDecision(models.Model):
    """What the offender manager decided on a flag, always with the reason."""

    flag = models.OneToOneField(EnforcementFlag, on_delete=models.PROTECT, related_name="decision")
    action = models.CharField(max_length=30, choices=EnforcementAction.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="decision_has_reason")]

    def __str__(self) -> str:
        return f"Enforcement decision {self.pk}"


class GoodProgress(models.Model):
    """A commendation: the study's "discretion to reward good progress", on the record."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="good_progress")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "good progress"
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="good_progress_note")]

    def __str__(self) -> str:
        return f"Good progress {self.pk}"
