"""The care plan: one per person, from custody to community, across the seven pathways.

The plan carries a version, bumped by every change to it, its objectives, actions or
reviews; each objective, action and review records the version its last change made. An
edit states the version it started from, so a colleague's change in between is caught and
shown (from the history) instead of being overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Agency
from tandem.people.models import Person

from ..pathways import Pathway


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class CarePlan(models.Model):
    """A person's one care plan, created the first time someone adds to it."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="care_plan")
    version = models.PositiveIntegerField(default=0)
    review_every_weeks = models.PositiveSmallIntegerField()
    next_review_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Care plan {self.pk}"


class Objective(models.Model):
    """What the plan aims for on one pathway."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="objectives")
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    description = models.CharField(max_length=500)
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    dropped_reason = models.CharField(max_length=500, blank=True)
    plan_version = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="objective_dropped_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Objective {self.pk}"


class PlanAction(models.Model):
    """One step towards an objective: which agency does it, who leads, by when."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    dropped_reason = models.CharField(max_length=500, blank=True)
    plan_version = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "target_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="action_dropped_has_reason",
            )
        ]
        indexes = [models.Index(fields=["lead_officer", "status"], name="planaction_lead_status")]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class PlanReview(models.Model):
    """A review of the whole plan: who came, what was agreed, when the next one is."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    attendees = models.CharField(max_length=500)
    summary = models.TextField()
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    plan_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=models.F("reviewed_on")),
                name="review_next_after",
            )
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}"
