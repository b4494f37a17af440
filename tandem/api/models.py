"""The coordinator's instructions for custody suites, and API tokens for custody systems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.core.models import Area, Partnership


class CheckPurpose(models.TextChoices):
    """Why a custody check was made; every check records one."""

    ARREST = "arrest", "Arrested or detained in custody"
    VOLUNTARY_ATTENDANCE = "voluntary_attendance", "Voluntary attendance interview"
    ARREST_REFERRAL = "arrest_referral", "Arrest referral or drug intervention assessment"
    CHARGE_BAIL = "charge_bail", "Charge or bail decision"


class CheckStatus(models.TextChoices):
    """The custody check's answer."""

    PPO = "ppo", "PPO"
    FORMER_PPO = "former_ppo", "Left the cohort recently"
    NOT_PPO = "not_ppo", "Not a PPO"
    NO_MATCH = "no_match", "No match"
    CANDIDATES = "candidates", "Possible matches"


# Short enough to read aloud over a custody desk and to fit a custody system's screen.
INSTRUCTION_MAX_LENGTH = 300


class CustodyInstruction(models.Model):
    """What a custody suite should do when it has a PPO in: per area, or partnership-wide."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    # Empty for the partnership-wide default that areas without their own instruction use.
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=INSTRUCTION_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["partnership", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area"],
                condition=Q(area__isnull=False),
                name="one_custody_instruction_per_area",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(area__isnull=True),
                name="one_default_custody_instruction",
            ),
        ]

    def __str__(self) -> str:
        return f"Custody instruction {self.pk}"


class ApiToken(models.Model):
    """A custody system's key to the API, acting as one custody-officer service user.

    Only a SHA-256 hash of the token is kept: the token is 256 random bits, so a fast hash is
    as safe as a slow one and keeps every request cheap, and a copy of the database does not
    give anyone a working token.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=200, help_text="The system that uses it.")
    # The first characters of the token, to tell tokens apart in lists and logs.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
