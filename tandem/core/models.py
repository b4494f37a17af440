"""The partnership, its areas and agencies, staff, the sharing protocol and the access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from .categories import Category, Level


class Partnership(models.Model):
    """A Crime and Disorder Reduction Partnership running a PPO scheme."""

    name = models.CharField(max_length=200, unique=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A police Basic Command Unit within the partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(max_length=20, unique=True, help_text="Short code, such as NE or BCU-A")
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    DIP = "dip", "Drug Intervention Programme team"
    DRUG_TREATMENT = "drug_treatment", "Drug treatment provider"
    HOUSING_AUTHORITY = "housing_authority", "Local authority housing"
    SOCIAL_LANDLORD = "social_landlord", "Registered social landlord"
    ETE = "ete", "Employment, training and education provider"
    MENTORING = "mentoring", "Mentoring charity"
    HEALTH = "health", "Health service"
    PARTNERSHIP = "partnership", "Community safety partnership team"


class Agency(models.Model):
    """An organisation taking part in the scheme."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    statutory = models.BooleanField(
        default=False, help_text="Statutory partners have a legal duty to take part."
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="agencies")
    contact = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    COORDINATOR = "coordinator", "PPO coordinator"
    PARTNER_WORKER = "partner_worker", "Partner worker"
    CUSTODY_OFFICER = "custody_officer", "Custody officer or arrest referral worker"
    VIEWER = "viewer", "Read-only viewer"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor or data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A member of staff of one agency, with one role and the areas they work in."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.VIEWER)
    areas = models.ManyToManyField(Area, blank=True, related_name="staff")
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def agency_kind(self) -> str | None:
        return self.agency.kind if self.agency_id else None  # type: ignore[union-attr]


class ProtocolRule(models.Model):
    """One cell of the Information Sharing Protocol: agency kind x role x category -> level."""

    agency_kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    role = models.CharField(max_length=30, choices=Role.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NONE)
    rationale = models.CharField(
        max_length=300, blank=True, help_text="Why this agency and role get this level."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency_kind", "role", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_kind", "role", "category"], name="one_protocol_rule_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_kind_display()} / {self.get_role_display()} / {self.category}"


class AccessAction(models.TextChoices):
    """Registered access-event codes; services write them through core.audit."""

    VIEW_PERSON = "view_person", "Viewed a person's record"
    VIEW_HISTORY = "view_history", "Viewed a person's change history"
    SEARCH = "search", "Searched for people"
    EXPORT = "export", "Exported data"
    VIEW_ACCESS_LOG = "view_access_log", "Viewed the access log"
    VIEW_LIST = "view_list", "Viewed a list of people"
    CUSTODY_CHECK = "custody_check", "Checked a person in custody"


class AccessEvent(models.Model):
    """Append-only record of who saw what. Never updated or deleted by the application."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_events"
    )
    actor_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=30, choices=Role.choices)
    action = models.CharField(max_length=30, choices=AccessAction.choices)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    categories = models.JSONField(default=list, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    result_count = models.PositiveIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="access_person_at"),
            models.Index(fields=["actor", "-at"], name="access_actor_at"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"


class Notice(models.Model):
    """A message to one member of staff: a handover, a transfer to answer, a task.

    Kept short and without personal detail beyond what the recipient may already see;
    the link leads to the page, which applies the usual access rules.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_read")]

    def __str__(self) -> str:
        return f"Notice {self.pk}"
