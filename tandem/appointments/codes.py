"""The appointment vocabulary: kinds, outcomes (the probation case record's code list),
absence reasons, enforcement levels and actions.

Plain choices with no model behind them, so the pure rules can use them without the
database (see ../shared/reference/domain-codes.md for the source of the codes).
"""

from __future__ import annotations

from django.db import models

from tandem.core.categories import Category


class AppointmentKind(models.TextChoices):
    SUPERVISION = "supervision", "Offender manager supervision"
    DRUG_TREATMENT = "drug_treatment", "Drug treatment"
    DRUG_TEST = "drug_test", "Drug test"
    HOUSING = "housing", "Housing"
    ETE = "ete", "Education, training and employment"
    MENTORING = "mentoring", "Mentoring"
    OTHER = "other", "Other"


# The data category an appointment of this kind reveals. Knowing that someone goes to a
# drug service is substance-misuse data; the other kinds reveal nothing beyond the fact
# that an agency works with the person, which everyone who may open the record can see.
KIND_CATEGORY: dict[str, str] = {
    AppointmentKind.DRUG_TREATMENT: Category.SUBSTANCE_MISUSE,
    AppointmentKind.DRUG_TEST: Category.SUBSTANCE_MISUSE,
}

# What the person reads in their own diary, feed and reminders.
PLAIN_KIND: dict[str, str] = {
    AppointmentKind.SUPERVISION: "Meeting with your offender manager",
    AppointmentKind.DRUG_TREATMENT: "Drug service appointment",
    AppointmentKind.DRUG_TEST: "Drug test",
    AppointmentKind.HOUSING: "Housing appointment",
    AppointmentKind.ETE: "Education, training or work appointment",
    AppointmentKind.MENTORING: "Meeting with your mentor",
    AppointmentKind.OTHER: "Appointment",
}


class AppointmentStatus(models.TextChoices):
    # A rescheduled appointment stays booked: its history keeps the old times, and its
    # calendar sequence tells phones to replace the old entry.
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class Outcome(models.TextChoices):
    ATTENDED_COMPLIED = "attended_complied", "Attended – complied"
    ATTENDED_FAILED_TO_COMPLY = "attended_failed_to_comply", "Attended – failed to comply"
    SENT_HOME_BEHAVIOUR = "sent_home_behaviour", "Attended – sent home (behaviour)"
    SENT_HOME_SERVICE = "sent_home_service", "Attended – sent home (service issues)"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", "Unacceptable absence"
    FAILED_TO_ATTEND = "failed_to_attend", "Failed to attend"


ATTENDED_OUTCOMES = frozenset(
    {
        Outcome.ATTENDED_COMPLIED,
        Outcome.ATTENDED_FAILED_TO_COMPLY,
        Outcome.SENT_HOME_BEHAVIOUR,
        Outcome.SENT_HOME_SERVICE,
    }
)
# A missed appointment: counts towards enforcement (when enforceable), creates a
# re-engagement task and counts towards "not engaging".
MISSED_OUTCOMES = frozenset({Outcome.UNACCEPTABLE_ABSENCE, Outcome.FAILED_TO_ATTEND})


class AbsenceReason(models.TextChoices):
    """Why an absence was acceptable; required with that outcome and only with it."""

    COURT_LEGAL = "court_legal", "Court or legal"
    EMPLOYMENT = "employment", "Employment"
    FAMILY_CHILDCARE = "family_childcare", "Family or childcare"
    HOLIDAY = "holiday", "Holiday"
    MEDICAL = "medical", "Medical"
    RELIGIOUS = "religious", "Religious"
    PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"


class EnforcementLevel(models.TextChoices):
    WARNING = "warning", "A warning should be considered"
    BREACH = "breach", "Breach action must be considered"


class EnforcementAction(models.TextChoices):
    """What the offender manager decided; nothing happens to the person without it."""

    FIRST_WARNING_LETTER = "first_warning_letter", "First warning letter"
    SECOND_WARNING_LETTER = "second_warning_letter", "Second warning letter"
    BREACH_LETTER = "breach_letter", "Breach letter"
    BREACH_REQUESTED = "breach_requested", "Breach requested"
    RECALL_REQUESTED = "recall_requested", "Recall requested (licence)"
    DISCRETION = "discretion", "Discretion: no formal action, keep the person on the scheme"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Decision needed"
    DECIDED = "decided", "Decided"
    # The missed outcome behind it was corrected, so the threshold was never reached.
    WITHDRAWN = "withdrawn", "Withdrawn"


class Channel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class ReminderStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
