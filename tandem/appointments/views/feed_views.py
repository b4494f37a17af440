"""The person's contact details and consent, their private calendar feed, the worker's own
feed, and the feed itself as calendar clients fetch it.

A feed token is shown once, on the page that issues it, and never again (Tandem keeps only
its hash); that page is not cached. The feed endpoint has no sign-in: it answers a live
token with the calendar and anything else with the same bare 404, naming nobody.

Reads of a feed are auditable through the feed's "last read" time (kept by
feeds.feed_calendar to the hour), shown on the pages that manage it, rather than through
access events: a calendar client polls every hour or so with nobody signed in, and an event
in the issuer's name for every poll would say they viewed the record when they did not, and
bury the views people did make. The accountable act is issuing the feed, which is logged as
an export by the worker who issued it, with the categories the feed carries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import PersonGrants
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction
from tandem.people.models import Person

from ..access import BOOKING_ROLES, CASE_ROLES, may_record_for
from ..codes import KIND_CATEGORY
from ..feeds import (
    contact_consent_set,
    feed_calendar,
    feed_issue_for_person,
    feed_issue_for_worker,
    feed_revoke,
)
from ..forms import ContactForm
from ..models import CalendarFeed, ContactConsent
from .common import copy_errors, log_view, open_person, person_context, posted, user_of


def _feed_url(request: HttpRequest, token: str) -> dict[str, str]:
    url = request.build_absolute_uri(reverse("appointments:feed", args=[token]))
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def _issued(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The page that shows a new token, once: never stored by the browser or a proxy."""
    response = render(request, "appointments/feed_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _contact_page(
    request: HttpRequest,
    person: Person,
    grants: PersonGrants,
    form: ContactForm,
    *,
    feed_error: str = "",
) -> HttpResponse:
    user = user_of(request)
    consent = ContactConsent.objects.filter(person=person).first()
    feed = (
        CalendarFeed.objects.filter(person=person, revoked_at__isnull=True)
        .select_related("created_by")
        .first()
    )
    reads_all = all(grants.can_read(c) for c in set(KIND_CATEGORY.values()))
    if request.method == "GET":
        log_view(request, person, [], "contact details and consent")
    context = person_context(
        person, grants, "Contact details and calendar feed", "contact", form=form,
        consent=consent, feed=feed, reads_all=reads_all, feed_error=feed_error,
        may_issue=bool(consent and consent.feed_allowed and reads_all),
        user_is_case_worker=may_record_for(user, person),
    )  # fmt: skip
    if feed_error:
        context["has_errors"] = True
    status = 400 if form.errors or feed_error else 200
    return render(request, "appointments/contact.html", context, status=status)


def _contact_form(request: HttpRequest, person: Person, *, bound: bool = True) -> ContactForm:
    consent = ContactConsent.objects.filter(person=person).first()
    initial = (
        {
            "phone": consent.phone, "email": consent.email,
            "text_reminders": consent.text_reminders_since is not None,
            "email_reminders": consent.email_reminders_since is not None,
            "calendar_feed": consent.calendar_feed_since is not None,
        }
        if consent
        else {}
    )  # fmt: skip
    return ContactForm(posted(request) if bound else None, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's phone and email and what they agreed to; their calendar feed."""
    person, grants = open_person(request, person_id, roles=CASE_ROLES)
    user = user_of(request)
    if not may_record_for(user, person):
        raise PermissionDenied
    form = _contact_form(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            contact_consent_set(actor=user, person=person, **form.cleaned_data)
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Contact details and consent saved")
            return redirect("appointments:contact", person_id=person.pk)
    return _contact_page(request, person, grants, form)


@login_required
@require_POST
def person_feed(request: HttpRequest, person_id: int) -> HttpResponse:
    """Issue a new private feed (with the person's consent; the token shown once), or stop
    the live one."""
    person, grants = open_person(request, person_id, roles=CASE_ROLES)
    user = user_of(request)
    if not may_record_for(user, person):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if action == "revoke":
        live = CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()
        if live is not None:
            feed_revoke(actor=user, feed=live)
            messages.success(request, "The calendar feed is stopped: the link no longer works")
        return redirect("appointments:contact", person_id=person.pk)
    if action != "issue":
        return _contact_page(
            request,
            person,
            grants,
            _contact_form(request, person, bound=False),
            feed_error="Choose an action",
        )
    try:
        feed, token = feed_issue_for_person(actor=user, person=person)
    except ValidationError as error:
        return _contact_page(
            request,
            person,
            grants,
            _contact_form(request, person, bound=False),
            feed_error=" ".join(error.messages),
        )
    categories = [Category.IDENTITY, *sorted(set(KIND_CATEGORY.values()))]
    access_record(
        actor=user, action=AccessAction.EXPORT, person=person, categories=categories,
        detail=f"calendar feed issued ({feed.prefix}…): every agency's appointments",
        request=request,
    )  # fmt: skip
    return _issued(
        request,
        person_context(
            person, grants, "The person's calendar feed", "contact", urls=_feed_url(request, token),
            for_person=True,
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def my_feed(request: HttpRequest) -> HttpResponse:
    """The user's own calendar feed of the appointments they hold or join."""
    user = user_of(request)
    if user.role not in BOOKING_ROLES or user.agency_id is None:
        raise PermissionDenied
    live = CalendarFeed.objects.filter(worker=user, revoked_at__isnull=True).first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "revoke" and live is not None:
            feed_revoke(actor=user, feed=live)
            messages.success(request, "Your calendar feed is stopped: the link no longer works")
            return redirect("appointments:my_feed")
        if action == "issue":
            _, token = feed_issue_for_worker(actor=user)
            return _issued(
                request,
                {"title": "Your calendar feed", "urls": _feed_url(request, token),
                 "for_person": False},
            )  # fmt: skip
        return redirect("appointments:my_feed")
    return render(
        request, "appointments/my_feed.html", {"title": "Your calendar feed", "feed": live}
    )


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics for a live token, with no sign-in; a bare 404 for anything else."""
    body = feed_calendar(token)
    response: HttpResponse
    if body is None:
        response = HttpResponseNotFound("Not found\n", content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    # A private calendar: no shared cache may keep it, and no browser should store it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
