"""Values every page template needs: mode banners and the navigation for the user's role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .access import can_open_records
from .middleware import SECOND_FACTOR_SKIPPED_KEY, second_factor_passed
from .models import Role


def _nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated or not second_factor_passed(request):
        return []
    items = [("Home", reverse("core:home"))]
    if can_open_records(user):
        items.append(("Find a person", reverse("people:search")))
    if user.role == Role.AUDITOR:
        items.append(("Access log", reverse("core:access_log")))
    if user.role == Role.COORDINATOR:
        items.append(("Import data", reverse("offending:import")))
    if user.role == Role.COORDINATOR:
        items.append(("Selection", reverse("selection:home")))
    if user.role == Role.OFFENDER_MANAGER:
        items.append(("Candidates", reverse("selection:run_latest")))
    if user.role in {Role.OFFENDER_MANAGER, Role.COORDINATOR}:
        items.append(("Nominations", reverse("selection:nominations")))
    if user.role in {Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER}:
        items.append(("OGRS3", reverse("selection:ogrs3")))
    items.append(("Sharing protocol", reverse("core:protocol")))
    if user.is_staff:
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    home = reverse("core:home")
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
