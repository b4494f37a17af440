"""Referral lists: the partner inbox (also shown on the home page) and the referrer's own."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core.access import people_for, protocol_levels, today
from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction

from . import selectors, services
from .models import Referral
from .rules import Step
from .view_common import _user, shared_name


@dataclass(frozen=True)
class Line:
    """One referral on a list, with the name the reader may see and the quick actions."""

    row: selectors.ReferralRow
    name: str
    quick: list[Step]

    @property
    def referral(self) -> Referral:
        return self.row.referral


QUICK_STEPS = frozenset({"acknowledge", "accept"})


@dataclass(frozen=True)
class Inbox:
    lines: list[Line]
    show: str
    overdue: int
    page: int = 1
    has_more: bool = False


def inbox_section(request: HttpRequest, show: str = "open", page: int = 1) -> Inbox:
    """Referrals to the user's agency, logged as a list view (the home page shows it too)."""
    user = _user(request)
    found = selectors.inbox_for(user, today(), show=show, page=page)
    lines = [
        Line(row, shared_name(row.referral), [s for s in row.steps if s.name in QUICK_STEPS])
        for row in found.rows
    ]
    access_record(
        actor=user, action=AccessAction.VIEW_LIST, categories=[Category.IDENTITY],
        detail=f"referral inbox ({show})", result_count=len(lines), request=request,
    )  # fmt: skip
    return Inbox(lines, show, found.overdue, found.page, found.has_more)


def _page_number(request: HttpRequest) -> int:
    """The ?page= asked for; anything but a whole number from 1 to 99,999 is the first page."""
    value = request.GET.get("page", "1")
    # ASCII only: "²" is a digit to isdigit() but not to int().
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100_000 else 1


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The partner inbox: referrals to the user's agency, newest first; open or all."""
    user = _user(request)
    if user.role not in services.RECEIVING_ROLES or not user.agency_id:
        raise PermissionDenied
    show = "all" if request.GET.get("show") == "all" else "open"
    return render(
        request,
        "referrals/inbox.html",
        {
            "title": f"Referrals to {user.agency.name}",  # type: ignore[union-attr]
            "inbox": inbox_section(request, show, _page_number(request)),
            "refers": user.role in services.REFERRING_ROLES,
        },
    )


@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The referrer's open referrals (drafts too), with their state and timers."""
    user = _user(request)
    if user.role not in services.REFERRING_ROLES or not user.agency_id:
        raise PermissionDenied
    found = selectors.referrals_made_by(user, today(), _page_number(request))
    in_scope = set(
        people_for(user)
        .filter(pk__in={r.referral.person_id for r in found.rows})
        .values_list("pk", flat=True)
    )
    reads_names = protocol_levels(user).get(Category.IDENTITY) != Level.NONE
    lines = [
        Line(
            row,
            row.referral.person.full_name
            if reads_names and row.referral.person_id in in_scope
            else "",
            [],
        )
        for row in found.rows
    ]
    access_record(
        actor=user, action=AccessAction.VIEW_LIST, categories=[Category.IDENTITY],
        detail="referrals made", result_count=len(lines), request=request,
    )  # fmt: skip
    return render(
        request,
        "referrals/sent.html",
        {
            "title": "Referrals you made",
            "lines": lines,
            "page": found.page,
            "has_more": found.has_more,
            "overdue": found.overdue,
            "receives": user.role in services.RECEIVING_ROLES,
        },
    )
