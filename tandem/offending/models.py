"""Offence catalogue, offences with their outcomes, drug tests, and import batches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tandem.core.models import Area
from tandem.people.models import Person

from .catalogue import DisplayCategory
from .ogrs3 import Ogrs3Group


class OffenceType(models.Model):
    """Reference data: one kind of offence, with its OGRS3 group and gravity."""

    code = models.CharField(max_length=40, unique=True, help_text="Tandem's code, used in imports")
    name = models.CharField(max_length=200)
    home_office_code = models.CharField(max_length=20, blank=True)
    display_category = models.CharField(max_length=20, choices=DisplayCategory.choices)
    ogrs3_group = models.CharField("OGRS3 offence group", max_length=30, choices=Ogrs3Group.choices)
    gravity = models.PositiveSmallIntegerField(
        help_text="Relative seriousness, 1 (least) to 10 (most); see the catalogue's basis."
    )
    recordable = models.BooleanField(default=True)
    drug_related = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_category", "name"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    CONVICTED = "convicted", "Convicted"
    CAUTIONED = "cautioned", "Cautioned"
    REPRIMAND = "reprimand", "Reprimand"
    FINAL_WARNING = "final_warning", "Final warning"
    CHARGED = "charged", "Charged, awaiting court"
    ACQUITTED = "acquitted", "Acquitted"
    PENALTY_NOTICE = "penalty_notice", "Penalty notice"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
    NO_FURTHER_ACTION = "nfa", "No further action"


# Sanctions are what OGRS3 and proven reoffending count.
SANCTION_OUTCOMES = frozenset(
    {Outcome.CONVICTED, Outcome.CAUTIONED, Outcome.REPRIMAND, Outcome.FINAL_WARNING}
)


class Disposal(models.TextChoices):
    IMMEDIATE_CUSTODY = "custody", "Immediate custody"
    SUSPENDED = "suspended", "Suspended sentence"
    COMMUNITY_ORDER = "community_order", "Community order"
    FINE = "fine", "Fine"
    DISCHARGE = "discharge", "Discharge"
    CAUTION = "caution", "Caution"
    OTHER = "other", "Other"


class ImportBatch(models.Model):
    """One import of a file (or one demo build): who, when, what, and how it went."""

    class Kind(models.TextChoices):
        PEOPLE = "people", "People"
        OFFENCES = "offences", "Offences"
        DRUG_TESTS = "drug-tests", "Drug tests"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    partial = models.BooleanField(default=False, help_text="Valid rows written, bad rows skipped")
    errors = models.PositiveIntegerField(
        default=0, help_text="Errors found; a row may have several"
    )
    # The error list (row, column, reason: never a cell's value) as gzip-compressed CSV, so
    # the web page can offer it for download without keeping files on disk.
    error_file = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk}"


# Offences arrive a million at a time (bench/import.py). PostgreSQL checks a foreign-key
# constraint with one trigger query per row, which alone would take longer than the whole
# rest of the import, so these keys are not database constraints. The importer checks every
# id with one set-based query per table, locking the rows it refers to as the constraint
# would (tandem.offending.imports.writing.lock_referenced); deletions keep their on_delete
# rules in Django; other writers of offences (the demo) write ids they have just read. The
# single-column indexes Django adds to foreign keys are left out too: person_id leads
# offence_person_date, and the others are read only when reference data is deleted.
_BULK_KEY: dict = {"db_index": False, "db_constraint": False}


class Offence(models.Model):
    """One recorded offence and what became of it. Imported facts: changes come by re-import."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="offences", **_BULK_KEY
    )
    offence_type = models.ForeignKey(
        OffenceType, on_delete=models.PROTECT, related_name="+", **_BULK_KEY
    )
    offence_date = models.DateField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", **_BULK_KEY
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    sanction_date = models.DateField(null=True, blank=True)
    disposal = models.CharField(max_length=20, choices=Disposal.choices, blank=True)
    source_system = models.CharField(max_length=50)
    source_ref = models.CharField(max_length=100)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", **_BULK_KEY
    )

    class Meta:
        ordering = ["-offence_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_ref"], name="offence_unique_source_ref"
            )
        ]
        indexes = [
            models.Index(fields=["person", "offence_date"], name="offence_person_date"),
            models.Index(fields=["offence_date"], name="offence_date"),
        ]

    def __str__(self) -> str:
        return f"Offence {self.pk}"

    @property
    def is_sanction(self) -> bool:
        return self.outcome in SANCTION_OUTCOMES


class TestResult(models.TextChoices):
    NOT_TESTED = "not_tested", "Not tested"
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"


class DrugTest(models.Model):
    """A Drug Intervention Programme test: where, for what, the result, and what followed."""

    class Setting(models.TextChoices):
        ON_ARREST = "arrest", "On arrest"
        IN_CUSTODY = "custody", "In custody"
        ON_LICENCE = "licence", "On licence or community order"
        IN_TREATMENT = "treatment", "In treatment"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="drug_tests")
    test_date = models.DateField()
    setting = models.CharField(max_length=20, choices=Setting.choices)
    opiates = models.CharField(max_length=20, choices=TestResult.choices)
    cocaine = models.CharField("Cocaine or crack", max_length=20, choices=TestResult.choices)
    other = models.CharField("Other substance", max_length=20, choices=TestResult.choices)
    other_substance = models.CharField(max_length=100, blank=True)
    assessment_required = models.BooleanField(default=False)
    assessment_followed = models.BooleanField(null=True, blank=True)
    source_system = models.CharField(max_length=50)
    source_ref = models.CharField(max_length=100)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-test_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_ref"], name="drugtest_unique_source_ref"
            )
        ]
        indexes = [models.Index(fields=["person", "test_date"], name="drugtest_person_date")]

    def __str__(self) -> str:
        return f"Drug test {self.pk}"

    @property
    def positive(self) -> bool:
        return TestResult.POSITIVE in {self.opiates, self.cocaine, self.other}
