"""The one place that writes access events: who saw whom, which categories, when, from where."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from .models import AccessAction, AccessEvent, User

if TYPE_CHECKING:
    from tandem.people.models import Person


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as the web server saw it (a proxy in front sets REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    actor: User,
    action: AccessAction,
    person: Person | None = None,
    categories: Iterable[str] = (),
    detail: str = "",
    result_count: int | None = None,
    request: HttpRequest | None = None,
) -> AccessEvent:
    """Append one access event. The log is never updated or deleted by the application."""
    return AccessEvent.objects.create(
        actor=actor,
        actor_agency_id=actor.agency_id,
        actor_role=actor.role,
        action=action,
        person=person,
        categories=sorted(set(categories)),
        detail=detail[:500],
        result_count=result_count,
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )
