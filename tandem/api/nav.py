"""The custody check's place in the navigation, by role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.core.models import Role


def custody_nav(user: Any) -> list[tuple[str, str]]:
    """Custody officers check people; coordinators set what custody suites are told."""
    if user.role == Role.CUSTODY_OFFICER:
        return [("Custody check", reverse("api:custody_check"))]
    if user.role == Role.COORDINATOR:
        return [("Custody instructions", reverse("api:instructions"))]
    return []
