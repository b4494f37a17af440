"""The access log for auditors: who viewed, searched and exported, filterable and exportable."""

from __future__ import annotations

import csv

from django import forms
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..audit import access_record
from ..forms import DATE_FORMATS
from ..models import AccessAction, Role, User
from ..permissions import role_required
from ..selectors import AccessLogFilter, access_events


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    person = forms.IntegerField(
        label="Person's Tandem number",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the person's Tandem number as digits"},
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/11/2026",
        error_messages={"invalid": "Enter the from date as day/month/year, like 27/11/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/11/2026",
        error_messages={"invalid": "Enter the to date as day/month/year, like 27/11/2026"},
    )

    def clean_user(self) -> User | None:
        username = self.cleaned_data["user"].strip()
        if not username:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError("There is no user with that username")
        return user

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data

    def to_filter(self) -> AccessLogFilter:
        data = self.cleaned_data
        return AccessLogFilter(
            actor_id=data["user"].pk if data.get("user") else None,
            person_id=data.get("person"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _describe(filters: AccessLogFilter) -> str:
    parts = []
    if filters.actor_id:
        parts.append(f"user={filters.actor_id}")
    if filters.person_id:
        parts.append(f"person={filters.person_id}")
    if filters.date_from:
        parts.append(f"from={filters.date_from:%Y-%m-%d}")
    if filters.date_to:
        parts.append(f"to={filters.date_to:%Y-%m-%d}")
    return "access log " + (" ".join(parts) or "unfiltered")


@role_required(Role.AUDITOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """The whole log, newest first, filtered by user, person and date."""
    form = AccessLogFilterForm(request.GET or None)
    filters = form.to_filter() if form.is_valid() else AccessLogFilter()
    if form.is_bound and not form.is_valid():
        events = access_events(AccessLogFilter()).none()
    else:
        events = access_events(filters)
    if request.GET.get("format") == "csv" and (not form.is_bound or form.is_valid()):
        return _csv(request, filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Read the page before logging this view, so the log does not list its own reading.
    page.object_list = list(page.object_list)
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_ACCESS_LOG,
        detail=_describe(filters),
        result_count=page.paginator.count,
        request=request,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/access_log.html",
        {"title": "Access log", "form": form, "page": page, "query": query.urlencode()},
    )


def _spreadsheet_safe(value: object) -> str:
    """A CSV cell that spreadsheet software will not run as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _csv(request: HttpRequest, filters: AccessLogFilter) -> HttpResponse:
    # Export exactly the events that existed before this export was logged, so the
    # export's own event is not among its rows and its count matches them.
    last_id = access_events(filters).aggregate(last=Max("id"))["last"] or 0
    events = access_events(filters).filter(id__lte=last_id)
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.EXPORT,
        detail="CSV " + _describe(filters),
        result_count=events.count(),
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tandem-access-log-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "when",
            "username",
            "agency",
            "role",
            "action",
            "person",
            "categories",
            "detail",
            "results",
            "ip_address",
        ]
    )
    for event in events.iterator(chunk_size=2000):
        row = [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor.username,
            event.actor_agency.name if event.actor_agency else "",
            event.get_actor_role_display(),
            event.get_action_display(),
            event.person_id or "",
            " ".join(event.categories),
            event.detail,
            "" if event.result_count is None else event.result_count,
            event.ip_address or "",
        ]
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    return response
