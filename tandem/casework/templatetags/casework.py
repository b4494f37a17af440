"""The person page's Casework section, computed from the record the page already loaded."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import CaseworkSummary, casework_summary

register = template.Library()


@register.simple_tag
def casework_for(record: Any, reader: Any) -> CaseworkSummary:
    """What casework says of this person for this reader (the record carries the grants)."""
    return casework_summary(record, reader)


@register.filter
def reads_management(user: Any) -> bool:
    """Whether the user's role opens the Management page (who manages the person)."""
    from ..rules import READS_MANAGEMENT

    return bool(getattr(user, "is_authenticated", False) and user.role in READS_MANAGEMENT)
