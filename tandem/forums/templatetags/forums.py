"""Template helpers for forum pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def iso_date(value: object) -> dt.date | None:
    """A date kept as ISO text in an item's detail (as it was when the agenda was built)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@register.filter
def get_item(mapping: object, key: object) -> object:
    """mapping[key], or None: for per-person lookups the views prepare."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.inclusion_tag("forums/includes/person_readiness.html", takes_context=True)
def exit_readiness(context: dict[str, Any], record: Any) -> dict[str, Any]:
    """The exit-readiness panel for a person page: current members only, and only for readers
    of offending (its evidence draws on offending, accommodation and drug tests)."""
    from tandem.core.access import today

    from ..exit import readiness_for
    from ..selectors import sees_offending

    membership = record.current_membership
    user = context["user"]
    if membership is None or not sees_offending(user):
        return {"readiness": None}
    # The person page's grants include consent, so each criterion follows them exactly.
    readiness = readiness_for([membership], today(), record.grants.readable)
    return {"readiness": readiness.get(membership.person_id)}
