"""People on or around the scheme: identity, identifiers, aliases, addresses and status."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tandem.core.categories import Category
from tandem.core.models import Agency, Area


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other or not stated"


class Ethnicity(models.TextChoices):
    """The 2021 Census top-level ethnic groups for England and Wales."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_STATED = "not_stated", "Not stated"


class Person(models.Model):
    """Someone Tandem holds a record of. Identity fields belong to the identity category."""

    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(db_index=True)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(
        max_length=20, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED
    )
    # Maintained by people.services from the current address; drives who may open the record.
    residence_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="residents"
    )
    no_fixed_abode = models.BooleanField(default=False)
    # Normalised keys for forgiving search, set by services.
    first_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    synthetic = models.BooleanField(
        default=False, help_text="Generated for the demo; not a real person."
    )
    # Where an imported record came from: imports upsert on (source_system, source_ref).
    source_system = models.CharField(max_length=50, blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["first_name_key", "last_name_key", "updated_at"])

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name_key", "first_name_key"], name="person_name_key")]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="person_unique_source_ref",
            )
        ]

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Alias(models.Model):
    """Another name a person is known by."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    first_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    last_name_key = models.CharField(max_length=100, editable=False, db_index=True)
    history = HistoricalRecords(excluded_fields=["first_name_key", "last_name_key"])

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return f"Alias {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class IdentifierKind(models.TextChoices):
    PNC = "pnc", "PNC number"
    CRO = "cro", "CRO number"
    PRISON = "prison", "Prison number"
    NOMIS = "nomis", "NOMIS number"
    CRN = "crn", "Probation case reference (CRN)"
    NHS = "nhs", "NHS number"
    LOCAL = "local", "Local identifier"


class Identifier(models.Model):
    """A reference number from another system (PNC, prison number, a local id)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(max_length=50)
    value_key = models.CharField(max_length=50, editable=False, db_index=True)
    issued_by = models.CharField(max_length=200, blank=True, help_text="System or agency.")
    history = HistoricalRecords(excluded_fields=["value_key"])

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_key"], name="identifier_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class Address(models.Model):
    """Where a person lived, from and to. Belongs to the accommodation category."""

    class Kind(models.TextChoices):
        HOME = "home", "Home"
        HOSTEL = "hostel", "Hostel or approved premises"
        TEMPORARY = "temporary", "Temporary accommodation"
        PRISON = "prison", "Prison"
        INTENDED_RELEASE = "intended_release", "Intended release address"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOME)
    line1 = models.CharField("Address line 1", max_length=200)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="addresses")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"Address {self.pk}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class EpisodeKind(models.TextChoices):
    """Stages through the justice system; status is derived from the dated episodes."""

    REMAND = "remand", "In custody on remand"
    SENTENCED = "sentenced", "In custody, sentenced"
    LICENCE = "licence", "On licence"
    COMMUNITY_ORDER = "community_order", "On a community order"


CUSTODY_KINDS = frozenset({EpisodeKind.REMAND, EpisodeKind.SENTENCED})


class ReleaseType(models.TextChoices):
    """How a sentenced prisoner is (or is expected to be) released."""

    AUTOMATIC = "automatic", "Automatic conditional release"
    HDC = "hdc", "Home detention curfew"
    PAROLE = "parole", "Parole Board release"
    SENTENCE_END = "sentence_end", "End of sentence (no licence)"


class Requirement(models.TextChoices):
    """Requirements a court attaches to a community order."""

    UNPAID_WORK = "unpaid_work", "Unpaid work"
    SUPERVISION = "supervision", "Supervision (rehabilitation activity)"
    DRUG_REHABILITATION = "drug_rehabilitation", "Drug rehabilitation"
    ALCOHOL_TREATMENT = "alcohol_treatment", "Alcohol treatment"
    CURFEW = "curfew", "Curfew"
    PROGRAMME = "programme", "Accredited programme"
    OTHER = "other", "Other"


class OrderOutcome(models.TextChoices):
    """How a community order ended."""

    COMPLETED = "completed", "Completed"
    REVOKED = "revoked", "Revoked"
    BREACHED = "breached", "Breached"


class StatusEpisode(models.Model):
    """A dated spell on remand, in sentenced custody, on licence or on a community order.

    Kind-specific facts sit on the one model (a few nullable columns) rather than four
    tables, so status for a whole caseload is one query and the demo writes one table.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="episodes")
    kind = models.CharField(max_length=20, choices=EpisodeKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    establishment = models.CharField(
        max_length=200, blank=True, help_text="Prison or court, where relevant."
    )
    expected_end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Expected release (custody), licence end (licence) or order end date.",
    )
    # Sentenced custody: the length the court gave, and how release comes.
    sentence_months = models.PositiveSmallIntegerField(null=True, blank=True)
    sentence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    release_type = models.CharField(max_length=20, choices=ReleaseType.choices, blank=True)
    # Licence: the conditions as the licence states them.
    licence_conditions = models.TextField(blank=True)
    # Community order: a list of Requirement values, and how the order ended.
    requirements = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=20, choices=OrderOutcome.choices, blank=True)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="Court review, parole hearing or licence review."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="episode_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def is_open_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @property
    def in_custody(self) -> bool:
        return self.kind in CUSTODY_KINDS

    @property
    def released_on(self) -> dt.date | None:
        """The day a custody spell's person walked out: the day after its last day."""
        if not self.in_custody or self.end_date is None:
            return None
        return self.end_date + dt.timedelta(days=1)

    @property
    def sentence_length(self) -> str:
        """The sentence as the court gave it, such as "18 months" or "6 months 14 days"."""
        parts = []
        for n, unit in ((self.sentence_months, "month"), (self.sentence_days, "day")):
            if n:
                parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
        return " ".join(parts)

    @property
    def requirement_labels(self) -> list[str]:
        labels = dict(Requirement.choices)
        return [str(labels.get(r, r)) for r in self.requirements or []]


class MonitoringLevel(models.TextChoices):
    """How closely the police watch a scheme member at liberty."""

    PROACTIVE = "proactive", "Proactive targeting"
    BASIC = "basic", "Basic monitoring"


class Monitoring(models.Model):
    """A dated spell at one monitoring level; it applies while the person is at liberty.

    Kept apart from status episodes: at liberty is the absence of an open episode, and the
    level is a police decision that outlives spells in custody (see decision 0008).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="monitoring")
    level = models.CharField(max_length=20, choices=MonitoringLevel.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "monitoring levels"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_monitoring",
            )
        ]

    def __str__(self) -> str:
        return f"Monitoring {self.pk}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Engagement(models.Model):
    """An agency's working relationship with a person, which lets its partner workers open
    the record. Opened and closed by services only: by accepting and ending a referral
    (tandem.referrals), or by a mentoring pairing."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="engagements")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="engagements")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"Engagement {self.pk}"


class Consent(models.Model):
    """A person's consent to share health or substance-misuse data with partner agencies."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    category = models.CharField(
        max_length=30,
        choices=[(c.value, c.label) for c in (Category.HEALTH, Category.SUBSTANCE_MISUSE)],
    )
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    scope = models.CharField(
        max_length=300, blank=True, help_text="What the person agreed to share, and with whom."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"Consent {self.pk}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class ResponsibilityRule(models.TextChoices):
    """Which rule decided a person's responsible area (tandem.people.responsibility)."""

    RELEASE_ADDRESS = "release_address", "In custody: intended release address"
    LAST_RESIDENCE = "last_residence", "In custody: last residence"
    NO_FIXED_ABODE = "no_fixed_abode", "No fixed abode: most recent offence"
    RESIDENCE = "residence", "Current residence"
    NOT_KNOWN = "not_known", "Not known"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted by both areas"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Resolved by the coordinator"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_TRANSFER_STATUSES = (TransferStatus.PROPOSED, TransferStatus.DISPUTED)


class TransferResponse(models.TextChoices):
    ACCEPT = "accept", "Accept"
    DISPUTE = "dispute", "Dispute"


class TransferResolution(models.TextChoices):
    TRANSFER = "transfer", "Transfer to the proposed area"
    STAY = "stay", "Stay in the current area"


class TransferProposal(models.Model):
    """A proposal to move a cohort member to the area the responsibility rules point to.

    The sending and receiving areas each accept or dispute; both accepting completes the
    transfer, and a dispute goes to the partnership coordinator, who decides with a reason.
    Until it completes, the membership and the lead stay where they are.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    membership = models.ForeignKey(
        "cohort.Membership", on_delete=models.PROTECT, related_name="transfer_proposals"
    )
    from_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=20, choices=ResponsibilityRule.choices)
    reason = models.CharField(max_length=500)
    status = models.CharField(
        max_length=20, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    # Null when Tandem proposed it (the nightly `tandem transfers propose`).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sending_response = models.CharField(max_length=10, choices=TransferResponse.choices, blank=True)
    sending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sending_at = models.DateTimeField(null=True, blank=True)
    sending_note = models.CharField(max_length=1000, blank=True)
    receiving_response = models.CharField(
        max_length=10, choices=TransferResponse.choices, blank=True
    )
    receiving_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_at = models.DateTimeField(null=True, blank=True)
    receiving_note = models.CharField(max_length=1000, blank=True)
    # The receiving area may name the lead who takes over when the transfer completes.
    proposed_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=10, choices=TransferResolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.CharField(max_length=1000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.CharField(max_length=500, blank=True)
    # The membership the completed transfer started in the receiving area.
    new_membership = models.OneToOneField(
        "cohort.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_by",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # Idempotent proposing: one open proposal per membership, however often cron runs.
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status__in=["proposed", "disputed"]),
                name="one_open_transfer_per_membership",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_area=models.F("to_area")), name="transfer_between_areas"
            ),
        ]
        indexes = [models.Index(fields=["status", "to_area"], name="transfer_status_to")]

    def __str__(self) -> str:
        return f"Transfer proposal {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TRANSFER_STATUSES

    def response_of(self, side: str) -> str:
        return str(getattr(self, f"{side}_response"))

    @property
    def sending_answer(self) -> str:
        return ANSWER_LABELS.get(self.sending_response, "not yet")

    @property
    def receiving_answer(self) -> str:
        return ANSWER_LABELS.get(self.receiving_response, "not yet")


ANSWER_LABELS: dict[str, str] = {
    TransferResponse.ACCEPT: "accepted",
    TransferResponse.DISPUTE: "disputed",
}
