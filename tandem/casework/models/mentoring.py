"""Mentoring: a person paired with a mentor, the meetings they have, and the pairing's end.

The mentor is the offender manager or a volunteer from a mentoring charity; mentoring is
attitudes, thinking and behaviour data under the protocol.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.core.categories import Category
from tandem.core.models import Agency
from tandem.people.models import Person

MENTORING_CATEGORY: str = Category.ATTITUDES


class MentorKind(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    VOLUNTEER = "volunteer", "Volunteer from a mentoring charity"


class MentoringPairing(models.Model):
    """A person and their mentor, from the start of the pairing to its end."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentoring")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mentor_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MentorKind.choices)
    specialism = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="one_open_mentoring_pairing_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mentoring_pairing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentoring pairing {self.pk}"


class MentoringMeeting(models.Model):
    """One meeting (or missed meeting) of a mentoring pairing."""

    pairing = models.ForeignKey(MentoringPairing, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    place = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000, blank=True)
    attended = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Mentoring meeting {self.pk}"
