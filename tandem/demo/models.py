"""The synthetic city's ground truth: every offence its people committed, detected or not.

Real police data holds only what was detected and recorded. The generator knows more: each
synthetic person's true offending, undetected offences included. That truth is kept here,
apart from the police data, so that selection and its backtests can be checked against what
really happened. It is never shown as police data: it has no views, no admin, no API, and
nothing outside evaluation code should read it.
"""

from __future__ import annotations

from django.db import models

from tandem.core.models import Area
from tandem.offending.models import Offence, OffenceType
from tandem.people.models import Person


class SyntheticOffence(models.Model):
    """One true offence by a synthetic person; `offence` is the police record it became."""

    # The table holds several times as many rows as the police data, written only by the
    # generator, valid by construction. To keep the million-offence build inside its time
    # budget it carries one index, (person, offence_date), which serves lookups by person,
    # and one database-level key, to the person; the other keys are plain columns that
    # Django still follows (and PROTECT still guards).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    offence_type = models.ForeignKey(
        OffenceType,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    offence_date = models.DateField()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    detected = models.BooleanField(
        help_text="Whether the police identified the offender and recorded the offence."
    )
    # The police record this offence became. Offences are deleted only with their person
    # (who takes their truth rows too), so nothing is done when one goes.
    offence = models.ForeignKey(
        Offence,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["person", "offence_date"], name="synthetic_person_date"),
        ]

    def __str__(self) -> str:
        return f"Synthetic offence {self.pk}"
