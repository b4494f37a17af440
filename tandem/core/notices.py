"""Telling people: one notice per recipient, read on Tandem's Notices page.

Services in every app call `notice_send` when something needs a person's attention (a
handover, a transfer to accept, a task due); email or text delivery can hang off this later
without changing the callers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notice, User


def notice_send(
    *, recipients: Iterable[User | None], subject: str, body: str = "", link: str = ""
) -> list[Notice]:
    """One notice to each distinct, active recipient (None and repeats are skipped)."""
    seen: set[int] = set()
    notices = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(Notice(recipient=user, subject=subject[:200], body=body, link=link[:300]))
    return Notice.objects.bulk_create(notices)


def notices_for(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user: User) -> int:
    """Mark all the user's notices read; returns how many were unread."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
