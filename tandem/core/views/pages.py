"""Home and the Information Sharing Protocol page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import can_open_records, people_for, protocol_levels
from ..categories import CATEGORY_DESCRIPTIONS, JUSTICE_CONSENT_NOTE, Category, Level
from ..models import Role
from ..selectors import protocol_tables


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user can do, by role."""
    user = request.user
    in_scope = people_for(user).count() if can_open_records(user) else None  # type: ignore[arg-type]
    inbox = None
    if user.role == Role.PARTNER_WORKER and user.agency_id:  # type: ignore[union-attr]
        # A partner worker's home is their agency's referral inbox.
        from tandem.referrals.list_views import inbox_section

        inbox = inbox_section(request)
    return render(
        request,
        "core/home.html",
        {
            "title": "Home",
            "in_scope": in_scope,
            "areas": list(user.areas.all()),  # type: ignore[union-attr]
            "Role": Role,
            "can_open_records": can_open_records(user),  # type: ignore[arg-type]
            "inbox": inbox,
        },
    )


@login_required
def protocol(request: HttpRequest) -> HttpResponse:
    """The whole protocol, readable by everyone, with the user's own row first."""
    levels = protocol_levels(request.user)  # type: ignore[arg-type]
    labels = dict(Level.choices)
    own_row = [
        (category.label, CATEGORY_DESCRIPTIONS[category], labels[levels[category.value]])
        for category in Category
    ]
    return render(
        request,
        "core/protocol.html",
        {
            "title": "Information Sharing Protocol",
            "own_row": own_row,
            "tables": protocol_tables(),
            "consent_note": JUSTICE_CONSENT_NOTE,
        },
    )
