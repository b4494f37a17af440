"""The person page's Referrals section, from the record the page already loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from tandem.core.access import today

from .. import selectors, services

register = template.Library()


@dataclass(frozen=True)
class PersonReferrals:
    rows: list[selectors.ReferralRow]
    may_refer: bool
    shown: bool = True

    @property
    def readable_ids(self) -> set[int]:
        return {row.referral.pk for row in self.rows}


@register.simple_tag(takes_context=True)
def referrals_for(context: Any, record: Any) -> PersonReferrals:
    """The person's referrals this reader may see, and whether they may make one."""
    from ..view_common import READING_ROLES

    user = context["request"].user
    if user.role not in READING_ROLES:
        return PersonReferrals([], may_refer=False, shown=False)
    # referrals_of lists exactly what the referral page opens for this reader.
    rows = selectors.referrals_of(user, record.person.pk, record.grants, today())
    return PersonReferrals(rows, user.role in services.REFERRING_ROLES)
