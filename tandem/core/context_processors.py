"""Values every page template needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .middleware import SECOND_FACTOR_SKIPPED_KEY


def tandem(request: HttpRequest) -> dict[str, Any]:
    skipped = bool(
        settings.ALLOW_SKIP_SECOND_FACTOR
        and hasattr(request, "session")
        and request.session.get(SECOND_FACTOR_SKIPPED_KEY)
    )
    return {
        "demo_mode": settings.DEMO_MODE,
        "second_factor_skipped": skipped,
        "service_name": "Tandem",
    }
