"""Who manages each person: one lead offender manager at a time, and co-workers.

Allocation is a dated record with the reason it changed hands (its trigger), so a handover
can always be traced and the custody-suite check can say who to call.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Agency
from tandem.people.models import Person


class AllocationRole(models.TextChoices):
    LEAD = "lead", "Lead offender manager"
    CO_WORKER = "co_worker", "Co-worker"


class AllocationTrigger(models.TextChoices):
    ADOPTION = "adoption", "Adopted into the cohort"
    USER = "user", "Reallocated by a colleague"
    TRANSFER = "transfer", "Transfer between areas"
    RELEASE = "release", "Release from custody"
    CUSTODY = "custody", "Sentenced to custody"
    EXIT = "exit", "Left the cohort"


class Allocation(models.Model):
    """One worker's spell managing one person, as lead or co-worker."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    # The worker's agency when allocated: staff move agency, the record should not.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=AllocationRole.choices)
    start_date = models.DateField()
    start_trigger = models.CharField(max_length=20, choices=AllocationTrigger.choices)
    end_date = models.DateField(null=True, blank=True)
    end_trigger = models.CharField(max_length=20, choices=AllocationTrigger.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(role="lead", end_date__isnull=True),
                name="one_open_lead",
            ),
            models.UniqueConstraint(
                fields=["person", "worker"],
                condition=Q(end_date__isnull=True),
                name="one_open_allocation_per_worker",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["worker", "end_date"], name="allocation_worker_end")]

    def __str__(self) -> str:
        return f"Allocation {self.pk}"
