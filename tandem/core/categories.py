"""Data categories and access levels: the vocabulary of the Information Sharing Protocol."""

from django.db import models


class Category(models.TextChoices):
    """Every piece of personal data belongs to exactly one of these."""

    IDENTITY = "identity", "Identity"
    OFFENDING = "offending", "Offending"
    INTELLIGENCE = "intelligence", "Intelligence"
    RISK = "risk", "Risk"
    HEALTH = "health", "Health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    FINANCE = "finance", "Finance"
    FAMILY = "family", "Family"
    ATTITUDES = "attitudes", "Attitudes"
    CASE_NOTES = "case_notes", "Case notes"


# Shared with partner agencies only with the person's recorded consent.
CONSENT_CATEGORIES = frozenset({Category.HEALTH, Category.SUBSTANCE_MISUSE})

CATEGORY_DESCRIPTIONS: dict[str, str] = {
    Category.IDENTITY: "Names, aliases, date of birth, identifiers and area of residence.",
    Category.OFFENDING: "Offences, sanctions, custody, licence and community order status.",
    Category.INTELLIGENCE: "Police intelligence, including local intelligence scores.",
    Category.RISK: "Risk of serious harm, MAPPA and risk assessments.",
    Category.HEALTH: "Physical and mental health.",
    Category.SUBSTANCE_MISUSE: "Drug and alcohol use, drug tests and treatment.",
    Category.ACCOMMODATION: "Addresses and housing needs.",
    Category.ETE: "Education, training and employment.",
    Category.FINANCE: "Benefits, debt and identity documents.",
    Category.FAMILY: "Children, families and relationships.",
    Category.ATTITUDES: "Attitudes, thinking and behaviour.",
    Category.CASE_NOTES: "Contacts and case notes.",
}


class Level(models.TextChoices):
    NONE = "none", "None"
    READ = "read", "Read"
    WRITE = "write", "Read and write"


LEVEL_RANK = {Level.NONE: 0, Level.READ: 1, Level.WRITE: 2}

JUSTICE_CONSENT_NOTE = (
    "Health and substance misuse data reach agencies other than the police, probation, "
    "prisons and the partnership team only when the person's consent to share it is "
    "recorded and not withdrawn."
)
