"""The seven resettlement pathways and the protocol category each one's data belongs to.

Care plans, assessed needs and (later) referrals are organised by pathway
(reference/domain-codes.md); access follows the category, so a housing officer reading
accommodation sees the accommodation objectives and nothing of the drugs work.
"""

from __future__ import annotations

from django.db import models

from tandem.core.categories import Category


class Pathway(models.TextChoices):
    """The Reducing Re-offending National Action Plan's pathways, as HMPPS names them now."""

    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    HEALTH = "health", "Health (physical and mental)"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs and alcohol"
    FINANCE = "finance", "Finance, benefit and debt"
    FAMILY = "family", "Children, families and communities"
    ATTITUDES = "attitudes", "Attitudes, thinking and behaviour"


PATHWAY_CATEGORY: dict[str, str] = {
    Pathway.ACCOMMODATION: Category.ACCOMMODATION,
    Pathway.ETE: Category.ETE,
    Pathway.HEALTH: Category.HEALTH,
    Pathway.DRUGS_ALCOHOL: Category.SUBSTANCE_MISUSE,
    Pathway.FINANCE: Category.FINANCE,
    Pathway.FAMILY: Category.FAMILY,
    Pathway.ATTITUDES: Category.ATTITUDES,
}
