"""Enforcement with discretion, and attendance rates.

The offender manager's list holds the flags awaiting their decision (theirs, their lead
cases', and for a coordinator those raised with no lead in their areas), each with the
missed appointments that reached the threshold and the person's attendance and good
progress beside it, so that discretion is informed. A decision always carries its reason;
nothing happens to the person without it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import people_for, protocol_levels, today
from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, Agency, Role
from tandem.people.models import Person

from ..access import may_decide
from ..codes import MISSED_OUTCOMES, FlagStatus
from ..enforcement import enforcement_decide
from ..forms import DecisionForm
from ..models import Appointment, Attendance, EnforcementFlag, GoodProgress
from ..rules import EnforcementPolicy, add_months
from ..selectors import AttendanceRate, attendance_rates, attendance_rates_by_agency, open_flags_for
from .common import copy_errors, london_midnight, posted, user_of

# Who works enforcement and reads attendance across agencies.
ENFORCEMENT_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR})


def _enforcement_user(request: HttpRequest) -> None:
    user = user_of(request)
    if user.role not in ENFORCEMENT_ROLES or user.agency_id is None:
        raise PermissionDenied


@dataclass
class FlagRow:
    flag: EnforcementFlag
    person: Person
    missed: list[Attendance] = field(default_factory=list)
    rate: AttendanceRate | None = None
    progress: list[GoodProgress] = field(default_factory=list)
    form: DecisionForm | None = None


def _rows(flags: list[EnforcementFlag]) -> list[FlagRow]:
    """Each flag with the missed enforceable appointments in its window, the person's
    attendance and latest good progress: three queries for the whole list."""
    policy = EnforcementPolicy.from_settings()
    ids = {f.person_id for f in flags}
    missed: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in (
        Attendance.objects.filter(
            appointment__person_id__in=ids,
            appointment__enforceable=True,
            outcome__in=MISSED_OUTCOMES,
        )
        .select_related("appointment__agency")
        .order_by("appointment__starts_at")
    ):
        missed[attendance.appointment.person_id].append(attendance)
    progress: dict[int, list[GoodProgress]] = defaultdict(list)
    for note in (
        GoodProgress.objects.filter(person_id__in=ids)
        .select_related("recorded_agency")
        .order_by("-recorded_at")
    ):
        progress[note.person_id].append(note)
    rates = attendance_rates(ids)
    rows = []
    for flag in flags:
        at = flag.appointment.starts_at
        window = add_months(at, -policy.window_months)
        rows.append(
            FlagRow(
                flag,
                flag.person,
                [a for a in missed[flag.person_id] if window <= a.appointment.starts_at <= at],
                rates.get(flag.person_id),
                progress[flag.person_id][:2],
            )
        )
    return rows


def _flags(request: HttpRequest) -> list[EnforcementFlag]:
    user = user_of(request)
    return list(
        open_flags_for(user).filter(person__in=people_for(user)).select_related("person", "owner")
    )


@login_required
@require_GET
def enforcement(request: HttpRequest) -> HttpResponse:
    """The flags awaiting the user's decision, oldest first, each with a decision form."""
    _enforcement_user(request)
    user = user_of(request)
    rows = _rows(_flags(request))
    for row in rows:
        row.form = DecisionForm(prefix=f"flag-{row.flag.pk}")
    # A coordinator oversees the decisions waiting with the offender managers in their
    # areas, and may take one over (tandem.appointments.access.may_decide).
    others = (
        list(
            EnforcementFlag.objects.filter(status=FlagStatus.OPEN, person__in=people_for(user))
            .exclude(pk__in=[row.flag.pk for row in rows])
            .select_related("person", "owner", "appointment__agency")
            .order_by("raised_at", "id")
        )
        if user.role == Role.COORDINATOR
        else []
    )
    access_record(
        actor=user, action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, Category.OFFENDING], detail="enforcement decisions due",
        result_count=len(rows) + len(others), request=request,
    )  # fmt: skip
    shows_names = protocol_levels(user).get(Category.IDENTITY) != Level.NONE
    return render(
        request,
        "appointments/enforcement.html",
        {
            "title": "Enforcement decisions", "rows": rows, "shows_names": shows_names,
            "others": others,
            "policy": EnforcementPolicy.from_settings(),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Record the decision on one flag: a warning letter, breach, or discretion, with the
    reason. The list posts here too, with the flag's prefix."""
    _enforcement_user(request)
    user = user_of(request)
    flag = (
        EnforcementFlag.objects.filter(pk=flag_id, person__in=people_for(user))
        .select_related("person", "appointment__agency", "owner")
        .first()
    )
    if flag is None:
        raise Http404
    if not may_decide(user, flag):
        raise PermissionDenied
    form = DecisionForm(posted(request), prefix=f"flag-{flag.pk}")
    if request.method == "POST" and flag.status == FlagStatus.OPEN and form.is_valid():
        try:
            decision = enforcement_decide(
                actor=user, flag=flag, action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            copy_errors(form, error)
        else:
            messages.success(request, f"Decision recorded: {decision.get_action_display()}")
            return redirect("appointments:enforcement")
    elif request.method == "POST" and flag.status != FlagStatus.OPEN:
        form.is_valid()
        form.add_error(None, "This flag is already closed: the decision is on the record")
    (row,) = _rows([flag])
    if request.method == "GET":
        access_record(
            actor=user, action=AccessAction.VIEW_PERSON, person=flag.person,
            categories=[Category.IDENTITY, Category.OFFENDING],
            detail=f"enforcement flag {flag.pk}", request=request,
        )  # fmt: skip
    return render(
        request,
        "appointments/decide.html",
        {
            "title": "Record the enforcement decision", "row": row, "form": form,
            "has_errors": bool(form.errors), "person": flag.person,
            "shows_name": protocol_levels(user).get(Category.IDENTITY) != Level.NONE,
            "policy": EnforcementPolicy.from_settings(),
        },
        status=400 if form.errors else 200,
    )  # fmt: skip


# Attendance ------------------------------------------------------------------------------

PERIODS = {
    "12w": ("the last 12 weeks", 12),
    "12m": ("the last 12 months", 52),
    "all": ("all time", 0),
}
LOWEST_SHOWN = 25
LOWEST_MIN_EXPECTED = 3


@login_required
@require_GET
def attendance(request: HttpRequest) -> HttpResponse:
    """Attendance per agency across the partnership, and the people in the user's scope who
    attend least: recorded outcomes only, acceptable absences counting neither way."""
    _enforcement_user(request)
    user = user_of(request)
    period = request.GET.get("period", "12m")
    if period not in PERIODS:
        period = "12m"
    label, weeks = PERIODS[period]
    since = london_midnight(today() - dt.timedelta(weeks=weeks)) if weeks else None
    by_agency = attendance_rates_by_agency(None, since)
    agencies = Agency.objects.filter(pk__in=list(by_agency)).order_by("name")
    agency_rows = [(agency, by_agency[agency.pk]) for agency in agencies]
    total = AttendanceRate(
        attended=sum(r.attended for r in by_agency.values()),
        complied=sum(r.complied for r in by_agency.values()),
        acceptable=sum(r.acceptable for r in by_agency.values()),
        missed=sum(r.missed for r in by_agency.values()),
    )
    in_scope = (
        Appointment.objects.filter(person__in=people_for(user), attendance__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    rates = attendance_rates(list(in_scope), since)
    lowest_ids = sorted(
        (pk for pk, r in rates.items() if r.missed and r.expected >= LOWEST_MIN_EXPECTED),
        key=lambda pk: (rates[pk].rate or 0, -rates[pk].missed, pk),
    )[:LOWEST_SHOWN]
    people = Person.objects.in_bulk(lowest_ids)
    lowest = [(people[pk], rates[pk]) for pk in lowest_ids if pk in people]
    shows_names = protocol_levels(user).get(Category.IDENTITY) != Level.NONE
    access_record(
        actor=user, action=AccessAction.VIEW_LIST, categories=[Category.IDENTITY],
        detail=f"attendance rates, {label}", result_count=len(lowest), request=request,
    )  # fmt: skip
    return render(
        request,
        "appointments/attendance.html",
        {
            "title": "Attendance", "period": period, "period_label": label,
            "periods": [(key, text) for key, (text, _) in PERIODS.items()],
            "agency_rows": agency_rows, "total": total, "lowest": lowest,
            "shows_names": shows_names, "min_expected": LOWEST_MIN_EXPECTED,
            "shown": LOWEST_SHOWN,
        },
    )  # fmt: skip
