"""Contacts and case notes: what happened when someone saw or spoke to the person.

Each note belongs to one protocol category (case notes by default), so partners read only
what the protocol gives them; a sensitive note's text is kept to the author's agency and
the coordinator. Notes are corrected by a new note, never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.core.categories import Category
from tandem.core.models import Agency
from tandem.people.models import Person


class ContactType(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE = "office", "Office"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    OTHER = "other", "Other"


class ContactNote(models.Model):
    """One contact or case note about a person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_notes")
    contact_type = models.CharField(max_length=20, choices=ContactType.choices)
    contact_date = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(
        max_length=30, choices=Category.choices, default=Category.CASE_NOTES
    )
    text = models.TextField(max_length=5000)
    sensitive = models.BooleanField(default=False)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-contact_date", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "-contact_date"])]

    def __str__(self) -> str:
        return f"Contact note {self.pk}"
