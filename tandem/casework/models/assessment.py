"""Assessments: an OASys-like record of needs per pathway, risk of serious harm, MAPPA and
OGRS3. It records, it does not replace OASys; every assessment is kept, never edited, so
the history shows how the person's needs and risks moved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.core.models import Agency
from tandem.offending.ogrs3 import Ogrs3Group
from tandem.people.models import Person

from ..pathways import Pathway


class NeedLevel(models.TextChoices):
    NONE = "none", "No need"
    STANDARD = "standard", "Standard need"
    SEVERE = "severe", "Severe need"


class RoshLevel(models.TextChoices):
    """Risk of serious harm, as OASys grades it."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Assessment(models.Model):
    """One assessment on a date by one assessor. Belongs to the risk category."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The assessor's agency on the day: staff move agency, the record should not.
    assessor_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    rosh = models.CharField("Risk of serious harm", max_length=20, choices=RoshLevel.choices)
    mappa = models.BooleanField("MAPPA case", default=False)
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # OGRS3 as computed from the offending record on the assessment date, with its inputs,
    # so the page can show how it was reached; null with a note when it cannot be computed.
    ogrs3_one_year = models.FloatField(null=True, blank=True)
    ogrs3_two_year = models.FloatField(null=True, blank=True)
    ogrs3_sex = models.CharField(max_length=10, blank=True)
    ogrs3_age_at_start = models.PositiveSmallIntegerField(null=True, blank=True)
    ogrs3_age_at_conviction = models.PositiveSmallIntegerField(null=True, blank=True)
    ogrs3_age_at_first_sanction = models.PositiveSmallIntegerField(null=True, blank=True)
    ogrs3_sanctions = models.PositiveIntegerField(null=True, blank=True)
    ogrs3_offence_group = models.CharField(max_length=40, choices=Ogrs3Group.choices, blank=True)
    ogrs3_note = models.CharField(max_length=300, blank=True)
    reassess_by = models.DateField()
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "-assessed_on"], name="assessment_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mappa=False, mappa_level__isnull=True)
                | Q(mappa=True, mappa_level__gte=1, mappa_level__lte=3),
                name="assessment_mappa_level_with_flag",
            ),
            models.CheckConstraint(
                condition=Q(reassess_by__gt=models.F("assessed_on")),
                name="assessment_reassess_after",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class AssessedNeed(models.Model):
    """The level of need on one pathway, and whether it drives reoffending or harm."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    level = models.CharField(max_length=10, choices=NeedLevel.choices)
    linked_to_reoffending = models.BooleanField(default=False)
    linked_to_harm = models.BooleanField(default=False)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pathway"], name="one_need_per_pathway")
        ]

    def __str__(self) -> str:
        return f"Need {self.pk}"
