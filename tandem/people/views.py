"""People pages: search, the person's record, its change history and who viewed it."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import can_open_records, grants_for, person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role
from tandem.core.permissions import role_required
from tandem.core.selectors import AccessLogFilter, access_events
from tandem.offending.selectors import offences_for
from tandem.selection import services as selection_services
from tandem.selection.forms import IntelligenceForm

from . import history
from .forms import SearchForm
from .search import parse_query
from .selectors import person_record, search_people


def _require_record_access(request: HttpRequest) -> None:
    if not can_open_records(request.user):  # type: ignore[arg-type]
        raise PermissionDenied


SEARCHES_KEY = "tandem_searches"
SEARCHES_KEPT = 20


def _remember_search(request: HttpRequest, text: str) -> str:
    """Keep the search text in the session under an opaque token for the results URL.

    Names and dates of birth then never appear in URLs, so they stay out of web server
    logs, browser history and Referer headers.
    """
    searches: dict[str, str] = request.session.get(SEARCHES_KEY, {})
    token = secrets.token_urlsafe(9)
    searches[token] = text
    request.session[SEARCHES_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Search people in scope by name (aliases too), date of birth, PNC or local id."""
    _require_record_access(request)
    context: dict[str, object] = {"title": "Find a person", "results": None}
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            parsed = parse_query(form.cleaned_data["q"])
            if parsed.bad_date:
                form.add_error("q", "Enter a real date of birth, like 14/03/2001")
            elif parsed.is_empty:
                context["empty"] = True
            else:
                token = _remember_search(request, parsed.text)
                return redirect(f"{reverse('people:search')}?{urlencode({'s': token})}")
        return render(request, "people/search.html", {**context, "form": form})

    token = request.GET.get("s", "")
    text = request.session.get(SEARCHES_KEY, {}).get(token) if token else None
    form = SearchForm(initial={"q": text or ""})
    if token and text is None:
        context["expired"] = True
    elif text:
        results = search_people(request.user, parse_query(text))  # type: ignore[arg-type]
        access_record(
            actor=request.user,  # type: ignore[arg-type]
            action=AccessAction.SEARCH,
            categories=[Category.IDENTITY],
            detail=text,
            result_count=results.total,
            request=request,
        )
        context["results"] = results
    return render(request, "people/search.html", {**context, "form": form})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person's record, with each section shown only if the protocol grants it."""
    _require_record_access(request)
    record = person_record(request.user, person_id)  # type: ignore[arg-type]
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_PERSON,
        person=record.person,
        categories=record.grants.readable,
        request=request,
    )
    return render(
        request,
        "people/person.html",
        {
            "title": record.person.full_name
            if record.grants.can_read(Category.IDENTITY)
            else "Person",
            "record": record,
            "person": record.person,
            "grants": record.grants,
            "age": record.person.age_on(today()),
            "today": today(),
            "intelligence_form": IntelligenceForm()
            if record.grants.can_write(Category.INTELLIGENCE)
            else None,
        },
    )


@login_required
@require_POST
def intelligence_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Officers add local intelligence points, with a reason and an expiry."""
    _require_record_access(request)
    record = person_record(request.user, person_id)  # type: ignore[arg-type]
    if not record.grants.can_write(Category.INTELLIGENCE):
        raise PermissionDenied
    form = IntelligenceForm(request.POST)
    if form.is_valid():
        try:
            selection_services.intelligence_add(
                actor=request.user,  # type: ignore[arg-type]
                person=record.person,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field, message)
        else:
            messages.success(request, "Local intelligence added")
            return redirect("people:detail", person_id=record.person.pk)
    return render(
        request,
        "people/intelligence_form.html",
        {"title": "Add local intelligence", "form": form, "person": record.person},
        status=400,
    )


@login_required
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who changed what on this record, limited to the categories the user may read."""
    _require_record_access(request)
    record = person_record(request.user, person_id)  # type: ignore[arg-type]
    changes = history.person_changes(record.person, record.grants)
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_HISTORY,
        person=record.person,
        categories=record.grants.readable,
        request=request,
    )
    return render(
        request,
        "people/history.html",
        {
            "title": "Change history",
            "person": record.person,
            "record": record,
            "changes": changes,
            "Category": Category,
        },
    )


@login_required
def person_offending(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's whole offending history, page by page (category offending)."""
    _require_record_access(request)
    person = person_for(request.user, person_id)  # type: ignore[arg-type]
    grants = grants_for(request.user, person)  # type: ignore[arg-type]
    if not grants.can_read(Category.OFFENDING):
        raise Http404
    page = Paginator(offences_for(person), 100).get_page(request.GET.get("page"))
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=[Category.OFFENDING],
        detail="offending history",
        request=request,
    )
    return render(
        request,
        "people/offending.html",
        {
            "title": "Offending history",
            "person": person,
            "grants": grants,
            "page": page,
            "query": "",
        },
    )


@role_required(Role.AUDITOR)
def person_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """Auditors: who viewed this person's record, and when."""
    person = person_for(request.user, person_id)  # type: ignore[arg-type]
    events = access_events(AccessLogFilter(person_id=person.pk))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Read the page before logging this view, so the log does not list its own reading.
    page.object_list = list(page.object_list)
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_ACCESS_LOG,
        person=person,
        categories=[Category.IDENTITY],
        detail=f"access log person={person.pk}",
        result_count=page.paginator.count,
        request=request,
    )
    return render(
        request,
        "people/access.html",
        {"title": "Who viewed this record", "person": person, "page": page, "query": ""},
    )
