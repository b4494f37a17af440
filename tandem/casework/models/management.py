"""How a person is managed: police-led, probation-led or jointly, with its history.

One row per person, changed in place; simple_history keeps every earlier model, who set it
and when, so the page can show how the arrangement moved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tandem.people.models import Person


class ManagementModel(models.TextChoices):
    POLICE_LED = "police_led", "Police-led"
    PROBATION_LED = "probation_led", "Probation-led"
    JOINT = "joint", "Joint (police and probation)"


class CaseManagement(models.Model):
    """The person's management model, as last set."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="management")
    model = models.CharField(max_length=20, choices=ManagementModel.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "case management model"

    def __str__(self) -> str:
        return f"Case management {self.pk}"
