"""Reminders: consent honoured, each sent once, the command's output, and the backends."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tandem.appointments.codes import AppointmentKind, Channel, ReminderStatus
from tandem.appointments.feeds import contact_consent_set
from tandem.appointments.models import Reminder
from tandem.appointments.notify import (
    ConsoleNotifier,
    GovukNotifyNotifier,
    masked,
    notifier_from_settings,
)
from tandem.appointments.reminders import reminder_text, reminders_send
from tandem.appointments.services import appointment_cancel, appointment_reschedule

from .conftest import at, book

PHONE = "07700 900982"


@dataclass
class Outbox:
    """A notifier that keeps what it was asked to send."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    emails: list[tuple[str, str, str]] = field(default_factory=list)
    fail: bool = False

    def send_text(self, to: str, body: str, *, reference: str = "") -> None:
        if self.fail:
            raise ConnectionError("provider down")
        self.texts.append((to, body))

    def send_email(self, to: str, subject: str, body: str, *, reference: str = "") -> None:
        if self.fail:
            raise ConnectionError("provider down")
        self.emails.append((to, subject, body))


def consent(cast, *, texts: bool = True, emails: bool = False):
    contact_consent_set(
        actor=cast.om, person=cast.person, phone=PHONE, email="jordan@example.com",
        text_reminders=texts, email_reminders=emails, calendar_feed=False,
    )  # fmt: skip


def test_only_with_consent_and_only_when_due(cast):
    book(cast.om, cast.person, days=0, start="20:00", end="20:30")  # today, within 24 hours
    book(cast.om, cast.person, days=2)  # too far ahead
    outbox = Outbox()
    assert reminders_send(notifier=outbox).sent == 0  # no consent recorded
    consent(cast, texts=False, emails=True)
    run = reminders_send(notifier=outbox)
    assert run.sent == 1 and outbox.texts == []
    ((to, subject, body),) = outbox.emails
    assert to == "jordan@example.com"
    assert subject == "Appointment reminder: Monday 2 March 2026 at 20:00"
    assert "Test Police" in body


def test_sent_once_each_channel(cast):
    consent(cast, texts=True, emails=True)
    meeting = book(cast.om, cast.person, days=0, start="20:00", end="20:30")
    outbox = Outbox()
    assert reminders_send(notifier=outbox).sent == 2
    again = reminders_send(notifier=outbox)
    assert (again.sent, again.already_sent) == (0, 2)
    assert len(outbox.texts) == 1 and len(outbox.emails) == 1
    assert set(Reminder.objects.values_list("channel", flat=True)) == {Channel.TEXT, Channel.EMAIL}
    assert Reminder.objects.filter(appointment=meeting, status=ReminderStatus.SENT).count() == 2


def test_a_moved_appointment_is_reminded_again_and_a_cancelled_one_not(cast):
    consent(cast)
    meeting = book(cast.om, cast.person, days=0, start="20:00", end="20:30")
    other = book(cast.om, cast.person, days=0, start="18:00", end="18:30")
    outbox = Outbox()
    assert reminders_send(notifier=outbox).sent == 2
    appointment_reschedule(actor=cast.om, appointment=meeting, starts_at=at(0, "21:00"),
                           ends_at=at(0, "21:30"), reason="Later")  # fmt: skip
    appointment_cancel(actor=cast.om, appointment=other, reason="Not needed")
    assert reminders_send(notifier=outbox).sent == 1
    assert "at 21:00" in outbox.texts[-1][1]


def test_failures_are_recorded_without_detail_and_retried(cast):
    consent(cast)
    book(cast.om, cast.person, days=0, start="20:00", end="20:30")
    run = reminders_send(notifier=Outbox(fail=True))
    assert (run.sent, run.failed) == (0, 1)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.FAILED and reminder.error == "ConnectionError"
    outbox = Outbox()
    assert reminders_send(notifier=outbox).sent == 1 and len(outbox.texts) == 1


def test_text_says_when_where_and_who_to_call_but_not_what_for(cast):
    cast.partner.phone = "0121 496 0777"
    cast.partner.save()
    meeting = book(cast.partner, cast.person, kind=AppointmentKind.DRUG_TREATMENT,
                   worker=cast.partner, place="Recovery Hub, 2 Low Road")  # fmt: skip
    text = reminder_text(meeting)
    assert text == (
        "Reminder: you have an appointment with Test Drug Service on Tuesday 3 March 2026 "
        "at 10:00, at Recovery Hub, 2 Low Road. If you cannot go, call 0121 496 0777."
    )


def test_command_prints_counts_and_masks_the_console_recipient(cast):
    consent(cast)
    book(cast.om, cast.person, days=0, start="20:00", end="20:30")
    out = io.StringIO()
    call_command("appointments_remind", stdout=out)
    printed = out.getvalue()
    assert printed.splitlines()[-1] == "1 reminders sent, 0 failed, 0 already sent."
    assert PHONE not in printed and masked(PHONE) in printed
    assert "Jordan" not in printed and "O'Neil-Smith" not in printed
    out = io.StringIO()
    call_command("appointments_remind", stdout=out)
    assert out.getvalue().strip() == "0 reminders sent, 0 failed, 1 already sent."


def test_console_backend_is_the_default(settings):
    assert isinstance(notifier_from_settings(), ConsoleNotifier)
    settings.APPOINTMENTS_NOTIFY_BACKEND = "notify"
    settings.APPOINTMENTS_NOTIFY_API_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        notifier_from_settings()
    settings.APPOINTMENTS_NOTIFY_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured):
        notifier_from_settings()


# A well-formed key (name, service id and secret) with made-up values; no request is made.
FAKE_KEY = (
    "test-" + "11111111-1111-1111-1111-111111111111" + "-" + "22222222-2222-2222-2222-222222222222"
)


def test_govuk_notify_backend_sends_through_the_templates(settings, monkeypatch):
    settings.APPOINTMENTS_NOTIFY_BACKEND = "notify"
    settings.APPOINTMENTS_NOTIFY_API_KEY = FAKE_KEY
    settings.APPOINTMENTS_NOTIFY_SMS_TEMPLATE_ID = "sms-template"
    settings.APPOINTMENTS_NOTIFY_EMAIL_TEMPLATE_ID = "email-template"
    notifier = notifier_from_settings()
    assert isinstance(notifier, GovukNotifyNotifier)
    calls: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(notifier.client, "send_sms_notification",
                        lambda **kw: calls.append(("sms", kw)))  # fmt: skip
    monkeypatch.setattr(notifier.client, "send_email_notification",
                        lambda **kw: calls.append(("email", kw)))  # fmt: skip
    notifier.send_text(PHONE, "Hello", reference="tandem-reminder-1")
    notifier.send_email("a@example.com", "Subject", "Body")
    assert calls == [
        ("sms", {"phone_number": PHONE, "template_id": "sms-template",
                 "personalisation": {"body": "Hello"}, "reference": "tandem-reminder-1"}),
        ("email", {"email_address": "a@example.com", "template_id": "email-template",
                   "personalisation": {"subject": "Subject", "body": "Body"}, "reference": None}),
    ]  # fmt: skip
