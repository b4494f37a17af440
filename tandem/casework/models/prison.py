"""What a person did in custody, kept so the work carries on after release.

"They come out… it all seems to be lost": a course half done, a detox started, a
qualification begun. Each entry names the provider and the establishment, so the
community agencies can pick it up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.categories import Category
from tandem.people.models import Person


class PrisonWorkKind(models.TextChoices):
    COURSE = "course", "Offending behaviour course"
    TREATMENT = "treatment", "Drug or alcohol treatment"
    HEALTH = "health", "Health or mental health treatment"
    EDUCATION = "education", "Education"
    WORK = "work", "Work"


# Each kind of entry is data of one protocol category, so partners see what they may.
PRISON_WORK_CATEGORY: dict[str, str] = {
    PrisonWorkKind.COURSE: Category.ATTITUDES,
    PrisonWorkKind.TREATMENT: Category.SUBSTANCE_MISUSE,
    PrisonWorkKind.HEALTH: Category.HEALTH,
    PrisonWorkKind.EDUCATION: Category.ETE,
    PrisonWorkKind.WORK: Category.ETE,
}


class PrisonWork(models.Model):
    """One course, treatment, education or work spell in custody."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="prison_work")
    kind = models.CharField(max_length=20, choices=PrisonWorkKind.choices)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    establishment = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "prison work"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="prison_work_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Prison work {self.pk}"

    @property
    def category(self) -> str:
        return PRISON_WORK_CATEGORY[self.kind]
