"""Template helpers for forum pages."""

from __future__ import annotations

import datetime as dt

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
