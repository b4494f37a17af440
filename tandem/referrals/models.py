"""Partner services and referrals to them.

A referral is the one route by which a partner agency comes to work with a person: accepting
one opens an engagement (tandem.people.Engagement, which the access layer reads), ending it
closes the engagement. Every step is kept as an event with its time and actor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tandem.casework.models import PlanAction
from tandem.casework.pathways import Pathway
from tandem.core.models import Agency, Area
from tandem.people.models import Engagement, Person


class HowReferred(models.TextChoices):
    TANDEM = "tandem", "Through Tandem"
    TANDEM_AND_PHONE = "tandem_and_phone", "Through Tandem, with a phone call first"
    FORM_AND_TANDEM = "form_and_tandem", "Through Tandem, plus the provider's own form"


class PartnerService(models.Model):
    """A service a partner agency offers: what, for whom, where, how many places."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    # Pathway values (tandem.casework.pathways.Pathway); a JSON list so SQLite serves the demo.
    pathways = models.JSONField(default=list)
    offer = models.TextField(help_text="What the service offers.")
    eligibility = models.TextField(blank=True, help_text="Who the service can take.")
    accepts_current_drug_use = models.BooleanField(
        default=True, help_text="Whether the service takes clients who are using drugs now."
    )
    areas = models.ManyToManyField(Area, related_name="partner_services")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places at any one time; blank when not limited."
    )
    contact = models.CharField(max_length=300)
    how_referred = models.CharField(
        max_length=30, choices=HowReferred.choices, default=HowReferred.TANDEM
    )
    referral_notes = models.TextField(blank=True, help_text="What the provider needs to know.")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="service_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pathway_labels(self) -> list[str]:
        return [Pathway(p).label for p in self.pathways if p in Pathway.values]


class ReferralState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DISENGAGED = "disengaged", "Disengaged"
    WITHDRAWN = "withdrawn", "Withdrawn"


# States in which the referral is still live (on someone's list).
OPEN_STATES = frozenset(
    {
        ReferralState.DRAFT,
        ReferralState.SENT,
        ReferralState.ACKNOWLEDGED,
        ReferralState.ACCEPTED,
        ReferralState.STARTED,
    }
)
ENDED_STATES = frozenset(
    {
        ReferralState.DECLINED,
        ReferralState.COMPLETED,
        ReferralState.DISENGAGED,
        ReferralState.WITHDRAWN,
    }
)
# A service's place is taken from acceptance until the work ends.
TAKING_A_PLACE = frozenset({ReferralState.ACCEPTED, ReferralState.STARTED})


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Referral(models.Model):
    """One referral of one person to one partner service, from draft to outcome."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(PartnerService, on_delete=models.PROTECT, related_name="referrals")
    # The receiving agency, kept as sent even if the directory entry changes hands later.
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_in")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_out")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    pathway = models.CharField(max_length=20, choices=Pathway.choices)
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    plan_action = models.ForeignKey(
        PlanAction, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # Consent: the categories the person agreed may be shared with the receiving agency.
    consent_given_on = models.DateField(null=True, blank=True)
    consent_categories = models.JSONField(default=list, blank=True)
    # What was shared, frozen when sent: the receiving agency reads this, not the record,
    # until it accepts (tandem.referrals.sharing).
    shared = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=ReferralState.choices, default=ReferralState.DRAFT
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why it was declined, withdrawn or ended in disengagement.
    end_reason = models.TextField(blank=True)
    outcome_summary = models.TextField(blank=True)
    made_in_custody = models.BooleanField(default=False)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_held",
        help_text="The receiving agency's worker who took the referral on.",
    )
    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    # Timers already told to both sides, so the daily run tells each once.
    acknowledge_overdue_told_at = models.DateTimeField(null=True, blank=True)
    start_overdue_told_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["declined", "withdrawn", "disengaged"]) | ~Q(end_reason=""),
                name="referral_ended_has_reason",
            )
        ]
        indexes = [
            models.Index(fields=["to_agency", "state"], name="referral_to_state"),
            models.Index(fields=["person", "state"], name="referral_person_state"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    STEP = "step", "A step in the referral's life"
    OUTCOME = "outcome", "The outcome summary, recorded or corrected after the work ended"


class ReferralEvent(models.Model):
    """One step of a referral's life: the state it moved to, when, by whom, and why; or the
    outcome summary recorded once the work has ended (the state stays as it was)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=10, choices=EventKind.choices, default=EventKind.STEP, db_default="step"
    )
    state = models.CharField(max_length=20, choices=ReferralState.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Referral event {self.pk}"

    @property
    def label(self) -> str:
        """What happened, as the timeline and the caseload say it."""
        if self.kind == EventKind.OUTCOME:
            return "Outcome recorded"
        return self.get_state_display()


class ProgressNote(models.Model):
    """The receiving agency's account of how the work is going, in its own data category."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="progress")
    written_on = models.DateField()
    note = models.TextField()
    # The protocol category the note belongs to: the pathway's (tandem.casework.pathways).
    category = models.CharField(max_length=30)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"Progress note {self.pk}"
