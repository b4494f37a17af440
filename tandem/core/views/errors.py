"""GOV.UK-styled error pages. They never show a stack trace, the request data or a record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int, title: str, lines: list[str]) -> HttpResponse:
    return render(request, "errors/error.html", {"title": title, "lines": lines}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        400,
        "Sorry, there is a problem with that request",
        ["Go back and try again. If you followed a link, it may be incomplete."],
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        "You cannot use this page",
        ["Your role does not include this page. Ask your administrator if you think it should."],
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Identical for a record that does not exist and one outside the user's scope.
    return _page(
        request,
        404,
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you followed a link to a person's record, the record may not exist or may not "
            "be shared with your agency.",
        ],
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Sorry, there is a problem with the service",
        ["Try again later. Nothing you entered has been saved unless a page told you so."],
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        "Your form could not be sent",
        [
            "This can happen if the page was open for a long time or you signed in elsewhere.",
            "Go back, reload the page and try again. Nothing was saved.",
        ],
    )
