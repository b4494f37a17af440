"""Tasks on a person's case with a due date, such as the pre-release tasks generated ahead
of a release from custody (CASEWORK_PRE_RELEASE_TIMELINE). A task stays on the caseload
until it is done or cancelled (with a reason)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Agency
from tandem.people.models import Person, StatusEpisode


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    """Something to do for a person by a date, owned by a worker (or just their agency)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tasks")
    # A key from the timeline setting (housing_referral, …): configurable, so no choices.
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    # The custody episode whose expected release the task was generated from.
    source_episode = models.ForeignKey(
        StatusEpisode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_episode", "kind"],
                condition=Q(source_episode__isnull=False),
                name="one_task_per_episode_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="task_cancelled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="task_person_status")]

    def __str__(self) -> str:
        return f"Task {self.pk}"
