"""Criteria (versioned), scoring runs and their ranked results, and local intelligence."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tandem.core.models import Area
from tandem.people.models import Person


class CriteriaSet(models.Model):
    """A named set of selection criteria, such as the partnership's PPO criteria."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def latest(self) -> CriteriaVersion | None:
        return self.versions.order_by("-number").first()


class CriteriaVersion(models.Model):
    """One immutable version of a criteria set; every run records the version it used."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    config = models.JSONField(help_text="tandem.selection.criteria.Criteria as a dictionary")
    note = models.CharField(max_length=500, blank=True, help_text="What changed and why")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["criteria_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set.name}, version {self.number}"


class ScoringRun(models.Model):
    """Everyone scored as of a date by one criteria version."""

    criteria_version = models.ForeignKey(
        CriteriaVersion, on_delete=models.PROTECT, related_name="runs"
    )
    as_of = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    scored = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scoring run {self.pk}"


class Score(models.Model):
    """One eligible person's score in one run, with every component (why they are here)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    total = models.FloatField()
    above_threshold = models.BooleanField()
    components = models.JSONField()

    class Meta:
        ordering = ["run", "area", "rank"]
        indexes = [models.Index(fields=["run", "area", "rank"], name="score_run_area_rank")]

    def __str__(self) -> str:
        return f"Score {self.pk}"


class LocalIntelligence(models.Model):
    """Points an officer adds to a person's score, with a reason and an expiry."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="intelligence")
    points = models.FloatField()
    reason = models.CharField(max_length=500)
    recorded_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on"]
        verbose_name_plural = "local intelligence"

    def __str__(self) -> str:
        return f"Local intelligence {self.pk}"


class CapacityOverride(models.Model):
    """A coordinator's figure for an area's cohort capacity, replacing the shared default."""

    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="capacity_override")
    capacity = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Capacity override {self.pk}"


class NominationSource(models.TextChoices):
    LIST = "list", "From the scoring list"
    INTELLIGENCE = "intelligence", "On local intelligence"


class NominationStatus(models.TextChoices):
    OPEN = "open", "Awaiting the forum"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECIDED = "decided", "Decided at a forum"


class Nomination(models.Model):
    """A candidate put forward for the area's next forum, with the score as it was then."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nominations")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=NominationSource.choices)
    reason = models.CharField(max_length=1000, blank=True)
    # The score is copied, not linked: later runs and criteria changes leave it as it was.
    score_snapshot = models.JSONField(null=True, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=NominationStatus.choices, default=NominationStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_note = models.CharField(max_length=1000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-nominated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="one_open_nomination",
            )
        ]

    def __str__(self) -> str:
        return f"Nomination {self.pk}"

    @property
    def scored_as_of(self) -> dt.date | None:
        """The as-of date of the score the nomination keeps."""
        if not self.score_snapshot:
            return None
        return dt.date.fromisoformat(self.score_snapshot["as_of"])
