"""One appointment: what it is (as far as the reader may see), its changes, and the actions
the reader may take: record or correct the outcome (an agency that was there, once it has
started), move or cancel it (the holding agency), join it or fold one's own into it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import PersonGrants, can_open_records, grants_for
from tandem.core.models import User

from ..access import (
    may_book,
    may_change,
    may_merge,
    may_record_outcome,
    present_agency_ids,
    shows_detail,
)
from ..codes import MISSED_OUTCOMES, AppointmentStatus, FlagStatus
from ..forms import CancelForm, CorrectionForm, OutcomeForm, RescheduleForm
from ..models import Appointment, EnforcementFlag
from ..selectors import BookingCheck, appointment_for, booking_check, diary_row, live_appointments
from ..services import (
    BookingWarnings,
    appointment_cancel,
    appointment_join,
    appointment_merge,
    appointment_reschedule,
    outcome_correct,
    outcome_record,
)
from ..text import day_label, describe, local, time_label, when_label
from .booking_views import areas, day_chosen, offered_day, suggestion_rows, with_day
from .common import (
    copy_errors,
    kind_categories,
    log_view,
    london_midnight,
    now,
    person_context,
    posted,
    signature,
    user_of,
)


def _open(request: HttpRequest, appointment_id: int) -> tuple[Appointment, PersonGrants]:
    user = user_of(request)
    if not can_open_records(user):
        raise PermissionDenied
    appointment = appointment_for(user, appointment_id)
    return appointment, grants_for(user, appointment.person)


def _merge_targets(user: User, appointment: Appointment, grants: PersonGrants) -> list[dict]:
    """Other agencies' appointments with the person the same day, still to come, that the
    user's own appointment could be held jointly with instead."""
    if not may_merge(user, appointment) or appointment.starts_at <= now():
        return []
    day = local(appointment.starts_at).date()
    others = live_appointments(
        appointment.person,
        london_midnight(day),
        london_midnight(day + dt.timedelta(days=1)),
        exclude_id=appointment.pk,
    ).select_related("worker")
    return [
        {
            "pk": other.pk,
            "label": f"{describe(other, detailed=shows_detail(other, reader=user, grants=grants))}"
            f", {time_label(other.starts_at)} to {time_label(other.ends_at)}",
            "agency": other.agency.name,
            "time": time_label(other.starts_at),
        }
        for other in others
        if other.agency_id != appointment.agency_id
        and other.starts_at > now()
        and appointment.agency_id not in {p.agency_id for p in other.participants.all()}
    ]


def _page(
    request: HttpRequest,
    appointment: Appointment,
    grants: PersonGrants,
    *,
    error: ValidationError | None = None,
) -> HttpResponse:
    user = user_of(request)
    row = diary_row(appointment, reader=user, grants=grants)
    started = appointment.starts_at <= now()
    booked = appointment.status == AppointmentStatus.BOOKED
    attendance = getattr(appointment, "attendance", None) if row.detailed else None
    books = may_book(user, appointment.person)
    present = user.agency_id in present_agency_ids(appointment)
    history = (
        list(appointment.history.select_related("history_user").order_by("history_date"))
        if row.detailed
        else []
    )
    errors = []
    if error is not None:
        errors = [text for texts in getattr(error, "message_dict", {"": error.messages}).values()
                  for text in texts]  # fmt: skip
    if request.method == "GET":
        shown = kind_categories([appointment.kind] if row.detailed else [])
        log_view(request, appointment.person, shown, f"appointment {appointment.pk}")
    context = person_context(
        appointment.person, grants, row.title, "appointment", row=row, appointment=appointment,
        attendance=attendance, started=started, history=history,
        may_record=may_record_outcome(user, appointment) and booked and attendance is None,
        may_correct=may_record_outcome(user, appointment) and attendance is not None,
        may_change=may_change(user, appointment) and booked and attendance is None
        and not started,
        may_join=books and not present and booked and not started and row.detailed,
        merge_targets=_merge_targets(user, appointment, grants) if booked else [],
        flag=EnforcementFlag.objects.filter(Q(appointment=appointment) | Q(covers=appointment))
        .distinct().order_by("-raised_at", "-id").first() if row.detailed else None,
        errors=errors, has_errors=bool(errors),
    )  # fmt: skip
    return render(request, "appointments/appointment.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET"])
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """One appointment and what the reader may do with it."""
    found, grants = _open(request, appointment_id)
    return _page(request, found, grants)


@login_required
@require_POST
def join(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The user's agency (and the user) will also be at this appointment."""
    found, grants = _open(request, appointment_id)
    user = user_of(request)
    if user.agency is None or not may_book(user, found.person):
        raise PermissionDenied
    try:
        appointment_join(actor=user, appointment=found, agency=user.agency, worker=user)
    except ValidationError as error:
        return _page(request, found, grants, error=error)
    messages.success(request, f"You joined the appointment: {user.agency.name} will be there")
    return redirect("appointments:appointment", appointment_id=found.pk)


@login_required
@require_POST
def merge(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Hold this (the user's agency's) appointment jointly with another agency's instead:
    join that one and cancel this one."""
    found, grants = _open(request, appointment_id)
    user = user_of(request)
    if not may_change(user, found):
        raise PermissionDenied
    into = appointment_for(user, request.POST.get("into"))
    if into.person_id != found.person_id:
        raise Http404
    try:
        appointment_merge(actor=user, appointment=found, into=into)
    except ValidationError as error:
        return _page(request, found, grants, error=error)
    messages.success(
        request,
        f"One joint appointment with {into.agency.name} instead: yours is cancelled and "
        f"{found.agency.name} will be at theirs",
    )
    return redirect("appointments:appointment", appointment_id=into.pk)


def _form_page(
    request: HttpRequest, template: str, appointment: Appointment, grants: PersonGrants,
    title: str, form: Form, detail: str, **extra: Any,
) -> HttpResponse:  # fmt: skip
    user = user_of(request)
    row = diary_row(appointment, reader=user, grants=grants)
    if request.method == "GET":
        log_view(request, appointment.person, kind_categories([appointment.kind]), detail)
    return render(
        request,
        template,
        person_context(appointment.person, grants, title, "appointment", row=row,
                       appointment=appointment, form=form, **extra),
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Record what happened, once the appointment has started; or correct it, with the reason."""
    found, grants = _open(request, appointment_id)
    user = user_of(request)
    if not may_record_outcome(user, found):
        raise PermissionDenied
    attendance = getattr(found, "attendance", None)
    form: OutcomeForm
    if attendance is not None:
        form = CorrectionForm(
            posted(request),
            initial={"outcome": attendance.outcome, "absence_reason": attendance.absence_reason,
                     "note": attendance.note},
        )  # fmt: skip
    else:
        form = OutcomeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if attendance is not None:
                outcome_correct(
                    actor=user, appointment=found, outcome=data["outcome"], reason=data["reason"],
                    absence_reason=data["absence_reason"], note=data["note"],
                )  # fmt: skip
            else:
                outcome_record(
                    actor=user, appointment=found, outcome=data["outcome"],
                    absence_reason=data["absence_reason"], note=data["note"],
                )  # fmt: skip
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, _outcome_message(found, data["outcome"], attendance))
            return redirect("appointments:appointment", appointment_id=found.pk)
    return _form_page(
        request, "appointments/outcome.html", found, grants,
        "Correct the outcome" if attendance else "Record the outcome", form,
        f"appointment {found.pk} outcome form", attendance=attendance,
        started=found.starts_at <= now(), cancelled=found.status == AppointmentStatus.CANCELLED,
    )  # fmt: skip


def _outcome_message(appointment: Appointment, outcome: str, before: Any) -> str:
    verb = "corrected" if before is not None else "recorded"
    if outcome not in MISSED_OUTCOMES:
        return f"Outcome {verb}"
    flag = (
        EnforcementFlag.objects.filter(Q(appointment=appointment) | Q(covers=appointment))
        .filter(status=FlagStatus.OPEN)
        .first()
    )
    text = f"Outcome {verb}: a missed appointment. The offender manager has a re-engagement task"
    if flag is not None:
        text += f", and an enforcement decision is needed ({flag.get_level_display().lower()})"
    return text


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Move the appointment: the same calendar entry, a higher sequence, the old time kept."""
    found, grants = _open(request, appointment_id)
    user = user_of(request)
    if not may_change(user, found):
        raise PermissionDenied
    start = local(found.starts_at)
    initial = {
        "day": f"{start:%d/%m/%Y}", "starts": f"{start:%H:%M}",
        "ends": f"{local(found.ends_at):%H:%M}", "place": found.place, "area": found.area_id,
    }  # fmt: skip
    data: Any = posted(request)
    moving, moved_to = offered_day(request)
    if moving:
        data = with_day(request, moved_to)
    form = RescheduleForm(data, initial=initial, areas=areas())
    check: BookingCheck | None = None
    rechecked = False
    if moving:
        day_chosen(form, moved_to)
    elif request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        confirm = bool(request.POST.get("confirm"))
        if confirm:
            current = booking_check(
                user, found.person, starts_at=form.starts_at, ends_at=form.ends_at,
                area=cleaned["area"], exclude=found,
            )  # fmt: skip
            # "Move anyway" confirms only the warnings shown; after a change it confirms
            # nothing, so the move goes ahead if the new time raises no warnings and the
            # new ones show otherwise (as in booking_views._book).
            if signature(current) != cleaned["seen"]:
                confirm, rechecked = False, True
        try:
            appointment_reschedule(
                actor=user, appointment=found, starts_at=form.starts_at,
                ends_at=form.ends_at, reason=cleaned["reason"], place=cleaned["place"],
                area=cleaned["area"], confirm_warnings=confirm,
            )  # fmt: skip
        except BookingWarnings as warnings:
            check = warnings.check
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(
                request, f"Appointment moved to {when_label(form.starts_at, form.ends_at)}"
            )
            return redirect("appointments:appointment", appointment_id=found.pk)
        if check is not None:
            form.data = form.data.copy()  # type: ignore[attr-defined]
            form.data["seen"] = signature(check)  # type: ignore[index]
    suggestions = (
        [s for s in suggestion_rows(user, check) if s["code"] == "another_day"] if check else []
    )
    for s in suggestions:
        s["button"] = s["button"].replace("Book on", "Move to")
    return _form_page(
        request, "appointments/reschedule.html", found, grants, "Move the appointment", form,
        f"appointment {found.pk} reschedule form", check=check, suggestions=suggestions,
        moved_to=moved_to, rechecked=rechecked,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Cancel the appointment with the reason; calendars show it cancelled."""
    found, grants = _open(request, appointment_id)
    user = user_of(request)
    if not may_change(user, found):
        raise PermissionDenied
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            appointment_cancel(actor=user, appointment=found, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, "Appointment cancelled")
            return redirect("appointments:diary", person_id=found.person_id)
    return _form_page(
        request, "appointments/cancel.html", found, grants, "Cancel the appointment", form,
        f"appointment {found.pk} cancel form",
    )  # fmt: skip


__all__ = ["appointment", "cancel", "day_label", "join", "merge", "outcome", "reschedule"]
