"""Schemes and cohort membership: who is a PPO, where, on which strand, since when, and why.

Membership is a dated record, never a flag: it starts on a date with a recorded basis and
ends on a date with a reason, so "who was in the cohort on 1 March" always has an answer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Area
from tandem.people.models import Person
from tandem.selection.models import CriteriaSet

PPO_SCHEME_CODE = "PPO"


class Scheme(models.Model):
    """The PPO scheme, or an earlier local scheme whose members can move into it."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The criteria this scheme selects by, if it has its own.",
    )
    accepts_new_members = models.BooleanField(
        default=True, help_text="Earlier schemes keep their members' history but take no one new."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Strand(models.TextChoices):
    REHABILITATE_RESETTLE = "rehabilitate_resettle", "Rehabilitate and resettle"
    CATCH_CONVICT = "catch_convict", "Catch and convict"
    PREVENT_DETER = "prevent_deter", "Prevent and deter"


class EndReason(models.TextChoices):
    EXIT_CRITERIA_MET = "exit_criteria_met", "Exit criteria met"
    REPLACED = "replaced", "Replaced by someone scoring higher"
    TRANSFERRED = "transferred", "Transferred to another area"
    MOVED_AWAY = "moved_away", "Moved out of the partnership"
    LONG_CUSTODY = "long_custody", "Long custodial sentence"
    SCHEME_CHANGE = "scheme_change", "Moved to another scheme"
    TIME_LIMIT = "time_limit", "Time limit reached"
    DECEASED = "deceased", "Deceased"
    OTHER = "other", "Other"


class Membership(models.Model):
    """One spell in a scheme's cohort, in one area, on one strand."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="memberships")
    strand = models.CharField(max_length=30, choices=Strand.choices)
    start_date = models.DateField()
    basis = models.CharField(
        max_length=1000, help_text="The forum decision or the coordinator's reason for adoption."
    )
    between_forums = models.BooleanField(
        default=False,
        help_text="Adopted by the coordinator between forums: the next forum ratifies it.",
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        help_text="The earlier spell (another scheme or area) this one continues.",
    )
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.CharField(max_length=1000, blank=True)
    ended_between_forums = models.BooleanField(
        default=False,
        help_text="Ended by the coordinator between forums: the next forum ratifies it.",
    )
    # Set by the forum decision that ratified a change made between forums.
    adoption_ratified = models.BooleanField(default=False)
    exit_ratified = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # Nobody is in two cohorts at once: moving scheme or area ends one spell first.
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["area", "end_date"], name="membership_area_end")]

    def __str__(self) -> str:
        return f"Membership {self.pk}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date > day)

    @property
    def adoption_awaits_ratification(self) -> bool:
        """Adopted between forums, and no forum has ratified it yet."""
        return self.between_forums and not self.adoption_ratified

    @property
    def exit_awaits_ratification(self) -> bool:
        """Ended between forums, and no forum has ratified it yet."""
        return self.end_date is not None and self.ended_between_forums and not self.exit_ratified
