"""The person page's Referrals section, from the record the page already loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from tandem.casework.pathways import PATHWAY_CATEGORY
from tandem.core.access import today

from .. import selectors, services
from ..models import ReferralState

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
    rows = selectors.referrals_of(user, record.person.pk, record.grants, today())
    # Only those the referral page will open for this reader (selectors.reads_referral,
    # without its per-row queries: the person is already in scope here).
    rows = [
        row
        for row in rows
        if row.referral.state == ReferralState.DRAFT
        or services.receives(user, row.referral)
        or record.grants.can_read(PATHWAY_CATEGORY[row.referral.pathway])
    ]
    return PersonReferrals(rows, user.role in services.REFERRING_ROLES)
