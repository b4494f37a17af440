"""Values every page template needs: mode banners and the navigation for the user's role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from tandem.api.nav import custody_nav

from .access import can_open_records
from .middleware import SECOND_FACTOR_SKIPPED_KEY, second_factor_passed
from .models import Role
from .notices import unread_count


def _nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated or not second_factor_passed(request):
        return []
    items = [("Home", reverse("core:home"))]
    role = user.role
    if can_open_records(user):
        items.append(("Find a person", reverse("people:search")))
    if role == Role.CUSTODY_OFFICER:
        items.extend(custody_nav(user))
    if role == Role.OFFENDER_MANAGER:
        items.append(("Caseload", reverse("casework:caseload")))
    if role in {Role.OFFENDER_MANAGER, Role.VIEWER, Role.COORDINATOR}:
        items.append(("Cohort", reverse("cohort:home")))
    if role in {Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER, Role.PARTNER_WORKER}:
        items.append(("Forums", reverse("forums:home")))
    # Partner workers work from the referrals to their agency; offender managers and the
    # coordinator from the referrals they made.
    if role == Role.PARTNER_WORKER:
        items.append(("Referrals", reverse("referrals:inbox")))
    elif role in {Role.OFFENDER_MANAGER, Role.COORDINATOR}:
        items.append(("Referrals", reverse("referrals:sent")))
    # Other tools (imports, capacity, custody instructions, nominations, transfers, OGRS3)
    # are listed on the home page, and the protocol in the footer, so the bar stays on one
    # line.
    if role == Role.COORDINATOR:
        items.append(("Selection", reverse("selection:home")))
    if role == Role.OFFENDER_MANAGER:
        items.append(("Candidates", reverse("selection:run_latest")))
    if role == Role.AUDITOR:
        items.append(("Access log", reverse("core:access_log")))
    unread = unread_count(user)
    items.append((f"Notices ({unread} new)" if unread else "Notices", reverse("core:notices")))
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    home = reverse("core:home")
    # Transfers live under /people/ but are a tool from the home page, not a search.
    if path.startswith(reverse("people:transfers")):
        return [{"label": label, "url": url, "active": False} for label, url in items]
    # The longest matching link is the current section (/selection/nominations/ is
    # Nominations, not Selection).
    matching = [url for _, url in items if (path == url if url == home else path.startswith(url))]
    current = max(matching, key=len, default=None)
    return [{"label": label, "url": url, "active": url == current} for label, url in items]


def tandem(request: HttpRequest) -> dict[str, Any]:
    skipped = bool(
        settings.ALLOW_SKIP_SECOND_FACTOR
        and hasattr(request, "session")
        and request.session.get(SECOND_FACTOR_SKIPPED_KEY)
    )
    return {
        "demo_mode": settings.DEMO_MODE,
        "second_factor_skipped": skipped,
        "nav_items": _nav_items(request) if hasattr(request, "user") else [],
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
