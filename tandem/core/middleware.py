"""Session safety: idle timeout and the second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

LAST_SEEN_KEY = "tandem_last_seen"
SECOND_FACTOR_SKIPPED_KEY = "tandem_second_factor_skipped"

# Paths a signed-in user can reach before passing the second factor.
_OPEN_PREFIXES = ("/sign-in", "/sign-out", "/static/", "/assets/", "/health")


class IdleSessionTimeoutMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT_SECONDS without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if (
                last_seen is not None
                and now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT_SECONDS
            ):
                logout(request)
                query = urlencode({"timed_out": "1", "next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('core:sign_in')}?{query}")
            # Rewriting the session on every request costs a database write; a minute's
            # precision is plenty for an idle limit measured in tens of minutes.
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def second_factor_passed(request: HttpRequest) -> bool:
    """Verified with TOTP, or (demo mode only) deliberately skipped."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return True
    return bool(
        settings.ALLOW_SKIP_SECOND_FACTOR and request.session.get(SECOND_FACTOR_SKIPPED_KEY)
    )


class RequireSecondFactorMiddleware:
    """A signed-in user who has not passed the second factor can reach only the sign-in steps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not second_factor_passed(request)
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('core:second_factor')}?{query}")
        return self.get_response(request)


class ErrorTitleMiddleware:
    """A page showing an error summary starts its title with "Error: " (the GOV.UK pattern,
    so screen reader users hear it first), on every form, whether or not its view says so.

    The title is rendered before the form's errors are, so the template cannot know in
    time; the finished page can."""

    SUMMARY = b'class="govuk-error-summary"'

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and self.SUMMARY in response.content
            and b"<title>Error: " not in response.content
        ):
            response.content = response.content.replace(b"<title>", b"<title>Error: ", 1)
        return response
