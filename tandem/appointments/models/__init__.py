"""Appointments data, one module per topic; everything importable from here."""

from .appointment import Appointment, Attendance, Participant
from .contact import CalendarFeed, ContactConsent, Reminder
from .enforcement import EnforcementDecision, EnforcementFlag, GoodProgress

__all__ = [
    "Appointment",
    "Attendance",
    "CalendarFeed",
    "ContactConsent",
    "EnforcementDecision",
    "EnforcementFlag",
    "GoodProgress",
    "Participant",
    "Reminder",
]
