"""Reads of offending histories and drug tests for one person, for pages that passed access."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from tandem.people.models import Person

from .catalogue import DisplayCategory
from .models import SANCTION_OUTCOMES, DrugTest, Offence, TestResult

RECENT_OFFENCES = 25
RECENT_DRUG_TESTS = 25


@dataclass
class YearCount:
    year: int
    offences: int
    sanctions: int


@dataclass
class OffendingSummary:
    total: int = 0
    sanctions: int = 0
    by_year: list[YearCount] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    recent: list[Offence] = field(default_factory=list)


def offences_for(person: Person) -> QuerySet[Offence]:
    """All of a person's offences, newest first, with what the pages show joined in."""
    return Offence.objects.filter(person=person).select_related("offence_type", "area")


def offending_summary(person: Person) -> OffendingSummary:
    """Counts per year and per kind of offence, and the most recent offences: four queries."""
    sanction = Q(outcome__in=SANCTION_OUTCOMES)
    base = Offence.objects.filter(person=person)
    years = (
        base.annotate(year=ExtractYear("offence_date"))
        .values("year")
        .annotate(offences=Count("id"), sanctions=Count("id", filter=sanction))
        .order_by("-year")
    )
    labels = dict(DisplayCategory.choices)
    categories = (
        base.values("offence_type__display_category")
        .annotate(n=Count("id"))
        .order_by("-n", "offence_type__display_category")
    )
    summary = OffendingSummary(
        by_year=[YearCount(r["year"], r["offences"], r["sanctions"]) for r in years],
        by_category=[
            (labels.get(r["offence_type__display_category"], "Other"), r["n"]) for r in categories
        ],
        recent=list(offences_for(person)[:RECENT_OFFENCES]),
    )
    summary.total = sum(y.offences for y in summary.by_year)
    summary.sanctions = sum(y.sanctions for y in summary.by_year)
    return summary


@dataclass
class DrugTestSummary:
    total: int
    positive: int
    recent: list[DrugTest]


def drug_test_summary(person: Person) -> DrugTestSummary:
    """How many tests, how many positive, and the most recent tests: two queries."""
    positive = Q(opiates=TestResult.POSITIVE) | Q(cocaine=TestResult.POSITIVE)
    positive |= Q(other=TestResult.POSITIVE)
    counts = DrugTest.objects.filter(person=person).aggregate(
        total=Count("id"), positive=Count("id", filter=positive)
    )
    recent = list(DrugTest.objects.filter(person=person)[:RECENT_DRUG_TESTS])
    return DrugTestSummary(counts["total"], counts["positive"], recent)
