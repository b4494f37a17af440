"""Sending text messages and emails behind one small interface.

Two backends, chosen by APPOINTMENTS_NOTIFY_BACKEND: `console` (the default), which prints
each message instead of sending it, for development and the demo; and `notify`, GOV.UK
Notify through its Python client, with the API key and template ids from the environment
only. Each Notify template shows the ((body)) personalisation field, and the email
template ((subject)) as its subject, so the wording stays in Tandem and under test.

Logs carry references only, never numbers, addresses or message text (DESIGN.md).
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    """Sends one message; raises if it could not be handed over for delivery."""

    def send_text(self, to: str, body: str, *, reference: str = "") -> None: ...

    def send_email(self, to: str, subject: str, body: str, *, reference: str = "") -> None: ...


class Stream(Protocol):
    """Anything with write(): sys.stdout, a management command's stdout, a StringIO."""

    def write(self, text: str, /) -> Any: ...


def masked(address: str) -> str:
    """The last three characters only, enough to tell two numbers apart on a console."""
    return "•" * max(len(address) - 3, 0) + address[-3:]


class ConsoleNotifier:
    """Prints each message where the real one would go; the recipient is masked."""

    def __init__(self, stream: Stream | None = None) -> None:
        self.stream = stream or sys.stdout

    def send_text(self, to: str, body: str, *, reference: str = "") -> None:
        self.stream.write(f"[text to {masked(to)}] {body}\n")
        logger.info("Console text message %s", reference)

    def send_email(self, to: str, subject: str, body: str, *, reference: str = "") -> None:
        self.stream.write(f"[email to {masked(to)}] {subject}\n{body}\n")
        logger.info("Console email %s", reference)


class GovukNotifyNotifier:
    """GOV.UK Notify: one text template and one email template carry Tandem's wording."""

    def __init__(self, *, api_key: str, sms_template_id: str, email_template_id: str) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)
        self.sms_template_id = sms_template_id
        self.email_template_id = email_template_id

    def send_text(self, to: str, body: str, *, reference: str = "") -> None:
        self.client.send_sms_notification(
            phone_number=to,
            template_id=self.sms_template_id,
            personalisation={"body": body},
            reference=reference or None,
        )
        logger.info("Notify text message %s", reference)

    def send_email(self, to: str, subject: str, body: str, *, reference: str = "") -> None:
        self.client.send_email_notification(
            email_address=to,
            template_id=self.email_template_id,
            personalisation={"subject": subject, "body": body},
            reference=reference or None,
        )
        logger.info("Notify email %s", reference)


def notifier_from_settings(stream: Stream | None = None) -> Notifier:
    """The configured backend; `stream` is where the console backend prints."""
    backend = str(getattr(settings, "APPOINTMENTS_NOTIFY_BACKEND", "console")).lower()
    if backend == "console":
        return ConsoleNotifier(stream)
    if backend == "notify":
        api_key = getattr(settings, "APPOINTMENTS_NOTIFY_API_KEY", "")
        sms = getattr(settings, "APPOINTMENTS_NOTIFY_SMS_TEMPLATE_ID", "")
        email = getattr(settings, "APPOINTMENTS_NOTIFY_EMAIL_TEMPLATE_ID", "")
        if not (api_key and sms and email):
            raise ImproperlyConfigured(
                "The notify backend needs APPOINTMENTS_NOTIFY_API_KEY, "
                "APPOINTMENTS_NOTIFY_SMS_TEMPLATE_ID and APPOINTMENTS_NOTIFY_EMAIL_TEMPLATE_ID"
            )
        return GovukNotifyNotifier(api_key=api_key, sms_template_id=sms, email_template_id=email)
    raise ImproperlyConfigured("APPOINTMENTS_NOTIFY_BACKEND must be console or notify")
