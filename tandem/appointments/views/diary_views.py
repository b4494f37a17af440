"""A person's diary across agencies, week by week; the printable diary for the person; and
the person's enforcement history.

Every page opens the person through the access layer (404 out of scope, 403 for roles that
never open records) and logs the view with the categories it showed: an appointment whose
kind reveals a category the reader may not read shows only as "Appointment — <agency>".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import today
from tandem.core.categories import Category
from tandem.core.forms import DATE_FORMATS

from ..access import CASE_ROLES, DETAIL_ROLES, may_book, may_decide, may_record_for
from ..codes import KIND_CATEGORY, FlagStatus
from ..enforcement import good_progress_record
from ..forms import GoodProgressForm
from ..models import GoodProgress, Participant
from ..selectors import (
    AttendanceRate,
    DiaryRow,
    attendance_rates,
    diary_for,
    enforcement_for,
    printable_diary,
)
from ..text import day_label
from .common import (
    copy_errors,
    kind_categories,
    log_view,
    london_midnight,
    monday_of,
    now,
    open_person,
    person_context,
    posted,
    user_of,
)

# The diary shows this many weeks: the last four and the next four by default.
WEEKS_SHOWN = 8
WEEKS_BACK = 4
# How far from today ?from= may take the diary. Further is a mistyped year (9999 would
# overflow the calendar), and nobody's diary reaches it.
YEARS_REACHED = 5


@dataclass
class Row:
    """A diary row with what this reader may do with it."""

    row: DiaryRow
    may_record: bool = False
    may_change: bool = False
    may_join: bool = False
    started: bool = False


@dataclass
class Week:
    monday: dt.date
    label: str
    # The table's caption for screen readers, capitals kept: "Appointments in the week
    # beginning Monday 26 October 2026".
    caption: str
    rows: list[Row] = field(default_factory=list)


def _reach() -> tuple[dt.date, dt.date]:
    """The first and last Mondays the diary may start on: YEARS_REACHED either side of
    today, the last leaving room for the weeks shown."""
    days = round(YEARS_REACHED * 365.25)
    return (
        monday_of(today() - dt.timedelta(days=days)),
        monday_of(today() + dt.timedelta(days=days)) - dt.timedelta(weeks=WEEKS_SHOWN - 1),
    )


def _default_monday() -> dt.date:
    return monday_of(today()) - dt.timedelta(weeks=WEEKS_BACK)


def _first_monday(request: HttpRequest) -> tuple[dt.date, str]:
    """The Monday the diary starts on: ?from=<date> (any day of its week), or four weeks ago;
    and, when ?from= could not be used, why, for the page to say."""
    given = request.GET.get("from", "")
    if not given:
        return _default_monday(), ""
    for pattern in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(given, pattern).date()
        except ValueError:
            continue
        earliest, latest = _reach()
        if earliest <= monday_of(day) <= latest:
            return monday_of(day), ""
        return _default_monday(), (
            f"The diary goes back and forward {YEARS_REACHED} years from today: check the "
            "year. It shows the last four weeks and the next four."
        )
    return _default_monday(), (
        "The date to start from was not a date, like 27/11/2026. The diary shows the last "
        "four weeks and the next four."
    )


def _pages(first: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The Mondays the earlier and later pages start on, kept within the diary's reach;
    None at either end of it."""
    earliest, latest = _reach()
    step = dt.timedelta(weeks=WEEKS_SHOWN)
    earlier = max(first - step, earliest) if first > earliest else None
    later = min(first + step, latest) if first < latest else None
    return earlier, later


def _weeks(rows: list[DiaryRow], first: dt.date, actions: dict[int, Row]) -> list[Week]:
    weeks = [
        Week(
            monday,
            f"Week beginning {day_label(monday)}",
            f"Appointments in the week beginning {day_label(monday)}",
        )
        for monday in (first + dt.timedelta(weeks=n) for n in range(WEEKS_SHOWN))
    ]
    for row in rows:
        index = (monday_of(row.starts_at.date()) - first).days // 7
        if 0 <= index < len(weeks):
            weeks[index].rows.append(actions[row.appointment_id])
    return weeks


@login_required
@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest, person_id: int) -> HttpResponse:
    """Past and coming appointments from every agency, as the reader may see them, with what
    they may do; good progress recorded here."""
    person, grants = open_person(request, person_id)
    user = user_of(request)
    records_progress = may_record_for(user, person)
    if request.method == "POST" and not records_progress:
        raise PermissionDenied
    form = GoodProgressForm(posted(request)) if records_progress else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            good_progress_record(actor=user, person=person, note=form.cleaned_data["note"])
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Good progress recorded")
            return redirect("appointments:diary", person_id=person.pk)

    first, unusable_from = _first_monday(request)
    earlier, later = _pages(first)
    start = london_midnight(first)
    end = london_midnight(first + dt.timedelta(weeks=WEEKS_SHOWN))
    rows = diary_for(user, person, start, end)
    books = may_book(user, person)
    # The appointments the reader's agency joined: it is there, so it is not offered to
    # join them; only the holding agency records the outcome (access.may_record_outcome).
    joined = (
        set(
            Participant.objects.filter(
                appointment_id__in=[r.appointment_id for r in rows], agency_id=user.agency_id or 0
            ).values_list("appointment_id", flat=True)
        )
        if books
        else set()
    )
    moment = now()
    actions = {}
    for row in rows:
        holds = row.agency_id == user.agency_id
        present = holds or row.appointment_id in joined
        started = row.starts_at <= moment
        live = not row.cancelled and row.outcome is None
        actions[row.appointment_id] = Row(
            row,
            may_record=books and holds and live and started,
            may_change=books and row.agency_id == user.agency_id and live and not started,
            # Only what the reader can see: joining reveals what the appointment is.
            may_join=books and not present and live and not started and row.detailed,
            started=started,
        )
    rate: AttendanceRate | None = attendance_rates([person.pk]).get(person.pk)
    reads_enforcement = grants.can_read(Category.OFFENDING) and user.role in DETAIL_ROLES
    open_flags = (
        [f for f in enforcement_for(user, person).flags if f.status == FlagStatus.OPEN]
        if reads_enforcement
        else []
    )
    progress = (
        list(
            GoodProgress.objects.filter(person=person)
            .select_related("recorded_by", "recorded_agency")
            .order_by("-recorded_at", "-id")[:5]
        )
        if user.role in DETAIL_ROLES
        else []
    )
    shown = kind_categories(r.kind for r in rows if r.detailed)
    if reads_enforcement:
        shown.add(Category.OFFENDING)
    if request.method == "GET":
        log_view(request, person, shown, "appointments diary")
    context = person_context(
        person, grants, "Appointments", "diary",
        weeks=_weeks(rows, first, actions), unusable_from=unusable_from,
        earlier=earlier, later=later, this_week=monday_of(today()),
        masked=any(not r.detailed for r in rows), rate=rate, open_flags=open_flags,
        reads_enforcement=reads_enforcement, progress=progress, form=form, books=books,
        case_role=user.role in CASE_ROLES, shows_progress=user.role in DETAIL_ROLES,
    )  # fmt: skip
    return render(
        request,
        "appointments/diary.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def print_diary(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's next four weeks in plain language and large type, to print and hand over."""
    person, grants = open_person(request, person_id, roles=CASE_ROLES)
    diary = printable_diary(user_of(request), person)
    shown = {c for c in set(KIND_CATEGORY.values()) if grants.can_read(c)}
    log_view(request, person, shown, "printable diary")
    return render(
        request,
        "appointments/print.html",
        person_context(person, grants, "Your appointments", "print", diary=diary),
    )


@login_required
@require_GET
def enforcement_history(request: HttpRequest, person_id: int) -> HttpResponse:
    """Enforcement flags with their decisions, and good progress: offending data, so only
    for readers the protocol gives it."""
    person, grants = open_person(request, person_id)
    user = user_of(request)
    reads = grants.can_read(Category.OFFENDING) and user.role in DETAIL_ROLES
    record = enforcement_for(user, person) if reads else None
    decides = (
        {f.pk for f in record.flags if f.status == FlagStatus.OPEN and may_decide(user, f)}
        if record is not None
        else set()
    )
    log_view(
        request,
        person,
        [Category.OFFENDING] if reads else [],
        "enforcement history" if reads else "enforcement history (offending withheld)",
    )
    return render(
        request,
        "appointments/enforcement_history.html",
        person_context(
            person, grants, "Enforcement and good progress", "enforcement", record=record,
            reads=reads, decides=decides,
        ),
    )  # fmt: skip
