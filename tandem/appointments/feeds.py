"""The person's contact details and consent, and the private calendar feeds.

A feed is read by a calendar client with no Tandem sign-in, so its URL carries a secret:
256 random bits, shown once when issued, of which Tandem keeps only a SHA-256 hash (as
tandem.api does for custody tokens). A person's feed works only while their consent to a
calendar feed stands; withdrawing consent revokes it. Issuing a new feed revokes the old
one (a lost phone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tandem.core.access import grants_for, today
from tandem.core.models import User
from tandem.people.models import Person

from .access import BOOKING_ROLES, may_record_for
from .codes import KIND_CATEGORY
from .ics import person_calendar, worker_calendar
from .models import CalendarFeed, ContactConsent
from .selectors.diary import person_appointments, worker_appointments

FEED_TOKEN_PREFIX = "tdmcal_"  # noqa: S105 - marks Tandem feed tokens for secret scanners
# A feed shows the last month and the year ahead.
FEED_PAST = dt.timedelta(days=31)
FEED_AHEAD = dt.timedelta(days=366)
# Writing the last-used time on every calendar poll would be a write per refresh.
LAST_USED_PRECISION = dt.timedelta(hours=1)
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{7,25}$")


@transaction.atomic
def contact_consent_set(
    *,
    actor: User,
    person: Person,
    phone: str,
    email: str,
    text_reminders: bool,
    email_reminders: bool,
    calendar_feed: bool,
) -> ContactConsent:
    """Record the person's phone and email and what they agree to; a consent newly given
    is dated today, one kept keeps its date, one withdrawn is cleared (the history keeps
    it) and, for the calendar feed, revokes the feed."""
    if not may_record_for(actor, person):
        raise PermissionDenied
    phone, email = phone.strip(), email.strip()
    errors: dict[str, str] = {}
    if phone and not PHONE_PATTERN.match(phone):
        errors["phone"] = "Enter a phone number, like 07700 900 982"
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address, like name@example.com"
    if text_reminders and not phone:
        errors["text_reminders"] = "Text reminders need a mobile phone number"
    if email_reminders and not email:
        errors["email_reminders"] = "Email reminders need an email address"
    if errors:
        raise ValidationError(errors)
    consent = ContactConsent.objects.select_for_update().filter(person=person).first()
    consent = consent or ContactConsent(person=person)
    on = today()

    def since(current: dt.date | None, given: bool) -> dt.date | None:
        return (current or on) if given else None

    consent.phone, consent.email = phone, email
    consent.text_reminders_since = since(consent.text_reminders_since, text_reminders)
    consent.email_reminders_since = since(consent.email_reminders_since, email_reminders)
    consent.calendar_feed_since = since(consent.calendar_feed_since, calendar_feed)
    consent.updated_by = actor
    consent._history_user = actor  # type: ignore[attr-defined]
    consent.save()
    if not calendar_feed:
        CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
    return consent


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(
    actor: User, *, person: Person | None = None, worker: User | None = None
) -> tuple[CalendarFeed, str]:
    now = timezone.now()
    live = CalendarFeed.objects.filter(revoked_at__isnull=True)
    live = live.filter(person=person) if person is not None else live.filter(worker=worker)
    live.update(revoked_at=now, revoked_by=actor)
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        person=person, worker=worker, prefix=token[:12], key_hash=_hash(token), created_by=actor
    )
    return feed, token


@transaction.atomic
def feed_issue_for_person(*, actor: User, person: Person) -> tuple[CalendarFeed, str]:
    """A new private feed of the person's appointments, with their recorded consent; the
    token is returned only here.

    The feed shows every agency's appointments in full, so only a worker who may read all
    of it (the categories the kinds reveal) may issue it: anyone else could read through
    the feed what the protocol withholds from them.
    """
    if not may_record_for(actor, person):
        raise PermissionDenied
    grants = grants_for(actor, person)
    if not all(grants.can_read(category) for category in set(KIND_CATEGORY.values())):
        raise PermissionDenied
    consent = ContactConsent.objects.filter(person=person).first()
    if consent is None or not consent.feed_allowed:
        raise ValidationError(
            {"person": "Record the person's consent to a calendar feed before issuing one"}
        )
    return _issue(actor, person=person)


@transaction.atomic
def feed_issue_for_worker(*, actor: User) -> tuple[CalendarFeed, str]:
    """A new private feed of the appointments the actor holds or joins."""
    if not (actor.is_active and actor.agency_id and actor.role in BOOKING_ROLES):
        raise PermissionDenied
    return _issue(actor, worker=actor)


def feed_revoke(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    """Stop a feed working; its owner (worker) or anyone who may record for the person."""
    allowed = (
        feed.worker_id == actor.pk
        if feed.worker_id is not None
        else feed.person is not None and may_record_for(actor, feed.person)
    )
    if not allowed:
        raise PermissionDenied
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.revoked_by = actor
        feed.save(update_fields=["revoked_at", "revoked_by"])
    return feed


def feed_calendar(token: str) -> bytes | None:
    """The .ics for a live feed token, or None (unknown, revoked, or consent withdrawn).

    The view answers None with a 404, the same for every failure, so a guessed token learns
    nothing.
    """
    if not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(key_hash=_hash(token), revoked_at__isnull=True)
        .select_related("person__contact_consent", "worker")
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    start, end = now - FEED_PAST, now + FEED_AHEAD
    if feed.person is not None:
        consent = getattr(feed.person, "contact_consent", None)
        if consent is None or not consent.feed_allowed:
            return None
        body = person_calendar(feed.person, person_appointments(feed.person, start, end))
    else:
        worker = feed.worker
        if worker is None or not worker.is_active:
            return None
        body = worker_calendar(worker, worker_appointments(worker, start, end))
    if feed.last_used_at is None or now - feed.last_used_at >= LAST_USED_PRECISION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return body
