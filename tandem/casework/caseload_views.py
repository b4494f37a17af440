"""Who manages a person, their tasks, and the offender manager's caseload.

The management and task pages open the person through the access layer (404 out of scope)
and are for offender managers, viewers (read-only) and the coordinator; other roles get
403. The caseload is the offender manager's own; a coordinator may open the caseload of
a worker in their areas.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import (
    AREA_SCOPED_ROLES,
    ENGAGEMENT_SCOPED_ROLES,
    grants_for,
    person_for,
    today,
)
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role, User
from tandem.people.models import Person

from . import selectors, services
from .forms import CoWorkerForm, ManagementModelForm, ReallocateForm, TaskCancelForm
from .models import Allocation, AllocationRole, CaseManagement, Task
from .rules import CHANGES_MANAGEMENT, READS_MANAGEMENT
from .services.allocation import LEAD_AGENCY_KINDS
from .views import _copy_errors, _posted, _user


def _open(request: HttpRequest, person_id: int) -> Person:
    user = _user(request)
    if user.role not in READS_MANAGEMENT or not user.agency_id:
        raise PermissionDenied
    return person_for(user, person_id)


def _log(request: HttpRequest, person: Person, detail: str) -> None:
    access_record(
        actor=_user(request), action=AccessAction.VIEW_PERSON, person=person,
        categories=[Category.IDENTITY, Category.CASE_NOTES], detail=detail, request=request,
    )  # fmt: skip


def _lead_choices(person: Person) -> QuerySet[User]:
    """Police, probation and prison offender managers working in the person's area."""
    return (
        User.objects.filter(
            is_active=True,
            role=Role.OFFENDER_MANAGER,
            agency__kind__in=LEAD_AGENCY_KINDS,
            areas=person.residence_area_id,
        )
        .select_related("agency")
        .order_by("last_name", "first_name")
    )


def _co_worker_choices(person: Person) -> QuerySet[User]:
    """Active workers who may open the person: offender managers in the area, partner
    workers whose agency works with them (the service checks again)."""
    engaged = Q(
        role__in=ENGAGEMENT_SCOPED_ROLES,
        agency__engagements__person=person,
        agency__engagements__end_date__isnull=True,
    )
    in_area = Q(
        role__in=AREA_SCOPED_ROLES & services.CO_WORKER_ROLES, areas=person.residence_area_id
    )
    current = Allocation.objects.filter(person=person, end_date__isnull=True).values("worker_id")
    return (
        User.objects.filter(in_area | engaged, is_active=True, agency__isnull=False)
        .exclude(pk__in=current)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def management(request: HttpRequest, person_id: int) -> HttpResponse:
    """The lead, co-workers and management model, and the forms to change them."""
    person = _open(request, person_id)
    user = _user(request)
    writes = user.role in CHANGES_MANAGEMENT
    if request.method == "POST" and not writes:
        raise PermissionDenied
    action = request.POST.get("action", "") if request.method == "POST" else ""
    current = CaseManagement.objects.filter(person=person).first()
    model_form = ManagementModelForm(
        _posted(request) if action == "model" else None,
        initial={"model": current.model if current else ""},
    )
    lead_form = ReallocateForm(
        _posted(request) if action == "lead" else None, workers=_lead_choices(person),
        prefix="lead",
    )  # fmt: skip
    co_form = CoWorkerForm(
        _posted(request) if action == "co_worker" else None,
        workers=_co_worker_choices(person), prefix="co",
    )  # fmt: skip
    errors = False
    if action:
        try:
            done = _change(request, person, action, model_form, lead_form, co_form)
        except ValidationError as error:
            form = {"model": model_form, "lead": lead_form, "co_worker": co_form}.get(action)
            if form is None:
                raise Http404 from None
            _copy_errors(form, error)
            done = ""
        if done:
            messages.success(request, done)
            return redirect("casework:management", person_id=person.pk)
        errors = True
    if request.method == "GET":
        _log(request, person, "management")
    allocations = list(
        Allocation.objects.filter(person=person).select_related("worker", "agency", "recorded_by")
    )
    grants = grants_for(user, person)
    context: dict[str, Any] = {
        "title": "Management",
        "person": person,
        "shows_name": grants.can_read(Category.IDENTITY),
        "management": current,
        "model_history": list(current.history.select_related("history_user")[:10])
        if current
        else [],
        "lead": next(
            (a for a in allocations if a.role == AllocationRole.LEAD and a.end_date is None), None
        ),
        "co_workers": [
            a for a in allocations if a.role == AllocationRole.CO_WORKER and a.end_date is None
        ],
        "past": [a for a in allocations if a.end_date is not None],
        "writes": writes,
        "model_form": model_form,
        "lead_form": lead_form,
        "co_form": co_form,
        "has_errors": errors,
    }
    return render(request, "casework/management.html", context, status=400 if errors else 200)


def _change(
    request: HttpRequest, person: Person, action: str, model_form: ManagementModelForm,
    lead_form: ReallocateForm, co_form: CoWorkerForm,
) -> str:  # fmt: skip
    """Apply one posted change; the success message, or "" if the form had errors."""
    user = _user(request)
    if action == "model":
        if not model_form.is_valid():
            return ""
        services.management_set(actor=user, person=person, model=model_form.cleaned_data["model"])
        return "Management model saved"
    if action == "lead":
        if not lead_form.is_valid():
            return ""
        data = lead_form.cleaned_data
        services.lead_reallocate(
            actor=user, person=person, worker=data["worker"], note=data["note"]
        )
        return "Lead offender manager changed"
    if action == "co_worker":
        if not co_form.is_valid():
            return ""
        data = co_form.cleaned_data
        services.co_worker_add(actor=user, person=person, worker=data["worker"], note=data["note"])
        return "Co-worker added"
    if action == "end":
        spell = Allocation.objects.filter(
            person=person, pk=request.POST.get("allocation") or 0
        ).first()
        if spell is None:
            raise Http404
        services.co_worker_end(actor=user, allocation=spell)
        return "Co-working ended"
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task: mark it done, or cancel it with a reason."""
    user = _user(request)
    if user.role not in READS_MANAGEMENT or not user.agency_id:
        raise PermissionDenied
    found = Task.objects.filter(pk=task_id).select_related("owner", "owner_agency").first()
    if found is None:
        raise Http404
    person = person_for(user, found.person_id)
    may_close = found.status == "open" and services.may_close(user, found)
    if request.method == "POST" and not may_close:
        raise PermissionDenied
    action = request.POST.get("action", "") if request.method == "POST" else ""
    cancel_form = TaskCancelForm(_posted(request) if action == "cancel" else None)
    if action == "done":
        services.task_complete(actor=user, task=found)
        messages.success(request, "Task marked done")
        return redirect("casework:task", task_id=found.pk)
    if action == "cancel" and cancel_form.is_valid():
        try:
            services.task_cancel(actor=user, task=found, reason=cancel_form.cleaned_data["reason"])
        except ValidationError as error:
            _copy_errors(cancel_form, error)
        else:
            messages.success(request, "Task cancelled")
            return redirect("casework:task", task_id=found.pk)
    if request.method == "GET":
        _log(request, person, f"task {found.pk}")
    grants = grants_for(user, person)
    return render(
        request,
        "casework/task.html",
        {
            "title": found.title, "person": person, "task": found,
            "shows_name": grants.can_read(Category.IDENTITY), "may_close": may_close,
            "cancel_form": cancel_form, "has_errors": bool(cancel_form.errors),
            "past_release": found.source_episode_id is not None
            and found.source_episode is not None and found.source_episode.end_date is not None,
        },
        status=400 if cancel_form.errors else 200,
    )  # fmt: skip


def _worker_for(request: HttpRequest) -> User:
    """The caseload's worker: the user, or for a coordinator a worker in their areas."""
    user = _user(request)
    if user.role == Role.OFFENDER_MANAGER:
        return user
    if user.role != Role.COORDINATOR or not user.agency_id:
        raise PermissionDenied
    worker_id = request.GET.get("worker", "")
    if not worker_id:
        return user
    worker = (
        User.objects.filter(pk=worker_id if worker_id.isdigit() else 0, areas__in=user.areas.all())
        .distinct()
        .first()
    )
    if worker is None:
        raise Http404
    return worker


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The worker's people, each with status and what is due, most urgent first."""
    user = _user(request)
    worker = _worker_for(request)
    on = today()
    rows = selectors.caseload_for(user, worker, on)
    after_exit = selectors.after_exit_for(user, worker, on)
    access_record(
        actor=user, action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, Category.RISK, Category.CASE_NOTES],
        detail="caseload" if worker == user else f"caseload of user {worker.pk}",
        result_count=len(rows) + len(after_exit), request=request,
    )  # fmt: skip
    workers = (
        User.objects.filter(role=Role.OFFENDER_MANAGER, is_active=True, areas__in=user.areas.all())
        .distinct()
        .order_by("last_name", "first_name")
        if user.role == Role.COORDINATOR
        else User.objects.none()
    )
    return render(
        request,
        "casework/caseload.html",
        {
            "title": "Caseload" if worker == user else f"Caseload of {worker.get_full_name()}",
            "rows": rows, "after_exit": after_exit, "worker": worker, "own": worker == user,
            "today": on,
            "workers": workers, "overdue": sum(1 for r in rows if r.overdue_count),
        },
    )  # fmt: skip
