"""Booking an appointment: the clash checks before anything is saved, and the alternatives.

Checking and booking are one button. When the booking service answers with warnings (an
overlap, too little travel time between areas, too many in the week) the form comes back
with them and their alternatives: join the other agency's appointment that day, or book
another day (which fills the date in), or "Book anyway". Nothing is saved until the user
chooses. The warnings shown travel with the form, so "Book anyway" confirms exactly those;
if the details changed since (or another agency booked meanwhile), "Book anyway" books when
the new time raises no warnings and otherwise shows the new ones, never nothing at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.core.models import Area, User
from tandem.people.models import Person

from ..access import BOOKING_ROLES
from ..forms import BookingForm
from ..models import Appointment
from ..selectors import BookingCheck, appointment_for, booking_check
from ..services import BookingWarnings, appointment_book, appointment_join
from ..text import day_label, local, time_label
from .common import (
    DEFAULT_KIND,
    copy_errors,
    log_view,
    open_person,
    person_context,
    signature,
    user_of,
)


def agency_workers(user: User) -> QuerySet[User]:
    """The active bookers of the user's agency, to name as the worker."""
    return (
        User.objects.filter(agency_id=user.agency_id or 0, is_active=True, role__in=BOOKING_ROLES)
        .select_related("agency")
        .order_by("last_name", "first_name")
    )


def areas() -> QuerySet[Area]:
    return Area.objects.order_by("name")


def suggestion_rows(user: User, check: BookingCheck) -> list[dict[str, Any]]:
    """The alternatives, with what their buttons say: joining names the agency and time."""
    ids = [s.appointment_id for s in check.suggestions if s.appointment_id is not None]
    others = {a.pk: a for a in Appointment.objects.filter(pk__in=ids).select_related("agency")}
    rows = []
    for s in check.suggestions:
        if s.code == "join" and s.appointment_id in others:
            other = others[s.appointment_id]
            rows.append({
                "code": "join", "message": s.message, "value": other.pk,
                "button": f"Make it a joint appointment with {other.agency.name} at "
                f"{time_label(other.starts_at)}",
            })  # fmt: skip
        elif s.code == "another_day" and s.starts_at is not None:
            day = local(s.starts_at).date()
            rows.append({
                "code": "another_day", "message": s.message, "value": day.isoformat(),
                "button": f"Book on {day_label(day)} instead",
            })  # fmt: skip
    return rows


# Said when an "another day" button's value is not a date (only a hand-made post sends one).
BAD_DAY = "Choose one of the days offered, or type the date in"


def offered_day(request: HttpRequest) -> tuple[bool, dt.date | None]:
    """Whether an "another day" button was pressed, and its day (None if not a date)."""
    if request.method != "POST" or "another_day" not in request.POST:
        return False, None
    try:
        return True, dt.date.fromisoformat(request.POST["another_day"])
    except ValueError:
        return True, None


def with_day(request: HttpRequest, day: dt.date | None) -> QueryDict:
    """The posted form with another day filled in (and no warnings confirmed); as posted
    if the day is not a date."""
    data = request.POST.copy()
    if day is not None:
        data["day"] = f"{day:%d/%m/%Y}"
        data["seen"] = ""
    return data


def day_chosen(form: Form, day: dt.date | None) -> None:
    """After an "another day" button: nothing to do but explain a day that is not one."""
    if day is None:
        form.is_valid()
        form.add_error(None, BAD_DAY)


def with_seen(form: BookingForm, check: BookingCheck) -> None:
    """Carry the warnings shown in the form, for "Book anyway" to confirm."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data["seen"] = signature(check)
    form.data = data


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, person_id: int) -> HttpResponse:
    """Book an appointment of the user's agency with the person."""
    user = user_of(request)
    if user.role not in BOOKING_ROLES or user.agency_id is None:
        raise PermissionDenied
    person, grants = open_person(request, person_id)
    workers = agency_workers(user)
    agency_kind = user.agency.kind if user.agency else None
    initial = {
        "kind": DEFAULT_KIND.get(agency_kind or "", ""),
        "worker": user.pk,
        "area": person.residence_area_id,
    }
    data: Any = request.POST if request.method == "POST" else None
    moving, moved_to = offered_day(request)
    if moving:
        data = with_day(request, moved_to)
    form = BookingForm(
        data, initial=initial, workers=workers, areas=areas(), agency_kind=agency_kind
    )
    check: BookingCheck | None = None
    rechecked = False
    if moving:
        day_chosen(form, moved_to)
    elif request.method == "POST" and request.POST.get("join"):
        response = _join(request, person, form)
        if response is not None:
            return response
    elif request.method == "POST" and form.is_valid():
        check, booked, rechecked = _book(request, person, form)
        if booked is not None:
            messages.success(
                request,
                f"Appointment booked: {day_label(local(booked.starts_at).date())} "
                f"at {time_label(booked.starts_at)}",
            )
            return redirect("appointments:appointment", appointment_id=booked.pk)
        if check is not None:
            with_seen(form, check)
    if request.method == "GET":
        log_view(request, person, [], "booking form")
    context = person_context(
        person, grants, "Book an appointment", "book", form=form, check=check,
        suggestions=suggestion_rows(user, check) if check else [], moved_to=moved_to,
        rechecked=rechecked,
    )  # fmt: skip
    return render(request, "appointments/book.html", context, status=400 if form.errors else 200)


def _book(
    request: HttpRequest, person: Person, form: BookingForm
) -> tuple[BookingCheck | None, Appointment | None, bool]:
    """Book, or the warnings to show, and whether "Book anyway" met warnings other than the
    ones shown (the date or time changed, or another agency booked meanwhile).

    "Book anyway" confirms only the warnings shown. When they differ it confirms nothing:
    the service books if the time as it is now raises no warnings, and otherwise answers
    with the new ones, which the page shows saying why.
    """
    user = user_of(request)
    data = form.cleaned_data
    confirm = bool(request.POST.get("confirm"))
    rechecked = False
    if confirm:
        current = booking_check(
            user, person, starts_at=form.starts_at, ends_at=form.ends_at, area=data["area"]
        )
        if signature(current) != data["seen"]:
            confirm, rechecked = False, True
    try:
        appointment = appointment_book(
            actor=user, person=person, kind=data["kind"], starts_at=form.starts_at,
            ends_at=form.ends_at, place=data["place"], area=data["area"],
            enforceable=data["enforceable"], worker=data["worker"], details=data["details"],
            confirm_warnings=confirm,
        )  # fmt: skip
    except BookingWarnings as warnings:
        return warnings.check, None, rechecked
    except ValidationError as error:
        copy_errors(form, error)
        return None, None, False
    return None, appointment, False


def _join(request: HttpRequest, person: Person, form: BookingForm) -> HttpResponse | None:
    """Join the other agency's appointment instead of booking one; None if it failed (the
    form then carries the reason)."""
    user = user_of(request)
    other = appointment_for(user, request.POST.get("join"))
    if other.person_id != person.pk:
        raise Http404
    worker = form.cleaned_data.get("worker") if form.is_valid() else None
    if user.agency is None:
        raise PermissionDenied
    try:
        appointment_join(actor=user, appointment=other, agency=user.agency, worker=worker or user)
    except ValidationError as error:
        form.errors.clear()
        copy_errors(form, error)
        return None
    messages.success(
        request,
        f"Joint appointment: {user.agency.name} will be at "
        f"{other.agency.name}'s appointment. Nothing else was booked.",
    )
    return redirect("appointments:appointment", appointment_id=other.pk)
