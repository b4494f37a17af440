"""Casework pages for one person: assessments, the care plan and the prison work record.

Every page opens the person through the access layer (404 out of scope, 403 for roles that
never open records), shows only the categories the protocol grants, and logs the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import PersonGrants, can_open_records, grants_for, person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Agency, Role, User
from tandem.people.models import Person

from . import rules, selectors, services
from .due import assessment_due
from .forms import (
    ActionEditForm,
    ActionForm,
    AssessmentForm,
    ObjectiveAddForm,
    ObjectiveEditForm,
    PrisonWorkForm,
    ReviewForm,
)
from .models import PRISON_WORK_CATEGORY, CarePlan, Objective, PrisonWorkKind
from .pathways import PATHWAY_CATEGORY, Pathway


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _posted(request: HttpRequest) -> Any:
    """The posted data, even when empty (an empty form is bad input, not a first visit)."""
    return request.POST if request.method == "POST" else None


def _open(request: HttpRequest, person_id: int) -> tuple[Person, PersonGrants]:
    if not can_open_records(_user(request)):
        raise PermissionDenied
    person = person_for(_user(request), person_id)
    return person, grants_for(_user(request), person)


def _log(request: HttpRequest, person: Person, categories: Iterable[str], detail: str) -> None:
    access_record(
        actor=_user(request),
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=[Category.IDENTITY, *categories],
        detail=detail,
        request=request,
    )


def _copy_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _context(person: Person, grants: PersonGrants, title: str, **extra: Any) -> dict[str, Any]:
    form = extra.get("form")
    return {
        "title": title,
        "person": person,
        "grants": grants,
        "shows_name": grants.can_read(Category.IDENTITY),
        "today": today(),
        "has_errors": bool(form is not None and form.errors),
        "due_days": settings.CASEWORK_ASSESSMENT_DUE_DAYS,
        "review_weeks": settings.CASEWORK_REVIEW_WEEKS,
        **extra,
    }


# --- Assessments --------------------------------------------------------------------------


@login_required
@require_GET
def assessments(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's assessments, newest first, each with what changed; whether one is due."""
    person, grants = _open(request, person_id)
    rows, due = [], None
    if grants.can_read(Category.RISK):
        rows = selectors.assessment_history(person)
        due = assessment_due(
            today(),
            memberships=list(person.memberships.all()),
            episodes=list(person.episodes.all()),
            latest=rows[0].assessment if rows else None,
        ).for_reader(grants.can_read(Category.OFFENDING))
        _log(request, person, [Category.RISK], "assessments")
    else:
        _log(request, person, [], "assessments (risk withheld)")
    return render(
        request,
        "casework/assessments.html",
        _context(
            person, grants, "Assessments", rows=rows, due=due,
            reads_risk=grants.can_read(Category.RISK),
            writes_risk=grants.can_write(Category.RISK),
            reads_offending=grants.can_read(Category.OFFENDING),
        ),
    )  # fmt: skip


@login_required
@require_GET
def assessment_detail(request: HttpRequest, person_id: int, assessment_id: int) -> HttpResponse:
    """One assessment in full: needs by pathway, risk, MAPPA, OGRS3 and its inputs."""
    person, grants = _open(request, person_id)
    row = None
    if grants.can_read(Category.RISK):
        row = selectors.assessment_row(person, assessment_id)
        _log(request, person, [Category.RISK], f"assessment {row.assessment.pk}")
    else:
        _log(request, person, [], "assessment (risk withheld)")
    return render(
        request,
        "casework/assessment.html",
        _context(
            person, grants, "Assessment", row=row,
            reads_offending=grants.can_read(Category.OFFENDING),
        ),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record a new assessment; OGRS3 is computed from the record when it is saved."""
    person, grants = _open(request, person_id)
    if not grants.can_write(Category.RISK):
        raise PermissionDenied
    form = AssessmentForm(
        _posted(request),
        initial={"assessed_on": f"{today():%d/%m/%Y}"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        needs = {
            p.value: services.NeedInput(
                level=data[f"need_{p.value}"],
                linked_to_reoffending=data[f"reoffending_{p.value}"],
                linked_to_harm=data[f"harm_{p.value}"],
            )
            for p in Pathway
        }
        try:
            assessment = services.assessment_record(
                actor=_user(request), person=person, assessed_on=data["assessed_on"],
                rosh=data["rosh"], needs=needs, mappa=data["mappa"],
                mappa_level=data["mappa_level"], reassess_by=data["reassess_by"],
                summary=data["summary"],
            )  # fmt: skip
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Assessment recorded")
            return redirect("casework:assessment", person_id=person.pk, assessment_id=assessment.pk)
    if request.method == "GET":
        _log(request, person, [Category.RISK], "assessment form")
    return render(
        request,
        "casework/assessment_form.html",
        _context(person, grants, "Record an assessment", form=form),
        status=400 if form.errors else 200,
    )


# --- Care plan ----------------------------------------------------------------------------


@login_required
@require_GET
def plan(request: HttpRequest, person_id: int) -> HttpResponse:
    """The care plan: objectives and actions by pathway, reviews, what is due."""
    person, grants = _open(request, person_id)
    view = selectors.plan_view(_user(request), person, grants)
    _log(request, person, view.categories, "care plan")
    return render(request, "casework/plan.html", _context(person, grants, "Care plan", view=view))


def _version(person: Person) -> int:
    plan = CarePlan.objects.filter(person=person).only("version").first()
    return plan.version if plan else 0


def _stale(
    request: HttpRequest, form: Form, stale: services.StalePlanError, grants: PersonGrants
) -> list[selectors.PlanChange]:
    """Tell the editor nothing was saved, and start the form again from the current version,
    so that saving again means "I have seen their changes"."""
    form.add_error(
        None,
        "Someone else changed this care plan while you were editing. Nothing was saved: their "
        "changes are listed below. Check your entry and save again.",
    )
    data = request.POST.copy()
    data["version"] = str(stale.plan.version)
    form.data = data
    return selectors.plan_changes(stale.plan, since=stale.seen_version, grants=grants)


def _plan_form_page(
    request: HttpRequest, template: str, person: Person, grants: PersonGrants, title: str,
    form: Form, changes: list[selectors.PlanChange] | None, detail: str, categories: list[str],
    **extra: Any,
) -> HttpResponse:  # fmt: skip
    if request.method == "GET":
        _log(request, person, categories, detail)
    status = 409 if changes is not None else 400 if form.errors else 200
    return render(
        request,
        template,
        _context(person, grants, title, form=form, changes=changes, **extra),
        status=status,
    )


def _plan_url(person: Person, anchor: str = "") -> str:
    return reverse("casework:plan", args=[person.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "POST"])
def objective_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add an objective on one of the pathways the user may plan."""
    person, grants = _open(request, person_id)
    user = _user(request)
    pathways = [p for p in Pathway if rules.writes_objective(user, grants, p.value)]
    if not pathways:
        raise PermissionDenied
    initial = {"version": _version(person), "pathway": request.GET.get("pathway", "")}
    form = ObjectiveAddForm(_posted(request), initial=initial, pathways=pathways)
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_add(
                actor=user, person=person, seen_version=form.cleaned_data["version"],
                pathway=form.cleaned_data["pathway"],
                description=form.cleaned_data["description"],
            )  # fmt: skip
        except services.StalePlanError as stale:
            changes = _stale(request, form, stale, grants)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Objective added")
            return redirect(_plan_url(person, f"objective-{objective.pk}"))
    return _plan_form_page(
        request, "casework/objective_form.html", person, grants, "Add an objective", form,
        changes, "care plan objective form", [PATHWAY_CATEGORY[p] for p in pathways],
        adding=True,
    )  # fmt: skip


def _objective(person: Person, grants: PersonGrants, objective_id: int) -> Objective:
    objective = selectors.objective_in_plan(person, objective_id)
    # A pathway the reader may not see is absent, as if there were no such objective.
    if objective is None or not rules.reads_pathway(grants, objective.pathway):
        raise Http404
    return objective


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, person_id: int, objective_id: int) -> HttpResponse:
    """Change an objective's wording or status."""
    person, grants = _open(request, person_id)
    user = _user(request)
    objective = _objective(person, grants, objective_id)
    if not rules.writes_objective(user, grants, objective.pathway):
        raise PermissionDenied
    initial = {
        "version": objective.plan.version, "description": objective.description,
        "status": objective.status, "dropped_reason": objective.dropped_reason,
    }  # fmt: skip
    form = ObjectiveEditForm(_posted(request), initial=initial)
    changes = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objective_update(
                actor=user, objective=objective, seen_version=data["version"],
                description=data["description"], status=data["status"],
                dropped_reason=data["dropped_reason"],
            )  # fmt: skip
        except services.StalePlanError as stale:
            changes = _stale(request, form, stale, grants)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Objective saved")
            return redirect(_plan_url(person, f"objective-{objective.pk}"))
    return _plan_form_page(
        request, "casework/objective_form.html", person, grants, "Change an objective", form,
        changes, f"care plan objective {objective.pk}", [PATHWAY_CATEGORY[objective.pathway]],
        objective=objective,
    )  # fmt: skip


def _action_choices(user: User) -> tuple[Any, Any]:
    """Agencies an action can go to (a partner: their own), and their staff to lead it."""
    agencies = Agency.objects.order_by("name")
    if user.role != Role.OFFENDER_MANAGER:
        agencies = agencies.filter(pk=user.agency_id or 0)
    officers = (
        User.objects.filter(agency__in=agencies, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )
    return agencies, officers


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, person_id: int, objective_id: int) -> HttpResponse:
    """Add an action under an objective, for an agency and optionally a lead officer."""
    person, grants = _open(request, person_id)
    user = _user(request)
    objective = _objective(person, grants, objective_id)
    if not rules.writes_action(user, grants, objective.pathway, None):
        raise PermissionDenied
    agencies, officers = _action_choices(user)
    form = ActionForm(
        _posted(request), initial={"version": objective.plan.version},
        agencies=agencies, officers=officers,
    )  # fmt: skip
    changes = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.plan_action_add(
                actor=user, objective=objective, seen_version=data["version"],
                description=data["description"], agency=data["agency"],
                lead_officer=data["lead_officer"], target_date=data["target_date"],
            )  # fmt: skip
        except services.StalePlanError as stale:
            changes = _stale(request, form, stale, grants)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Action added")
            return redirect(_plan_url(person, f"action-{action.pk}"))
    return _plan_form_page(
        request, "casework/action_form.html", person, grants, "Add an action", form, changes,
        f"care plan objective {objective.pk} action form", [PATHWAY_CATEGORY[objective.pathway]],
        objective=objective, adding=True,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, person_id: int, action_id: int) -> HttpResponse:
    """Change an action: wording, agency, lead officer, target date, status."""
    person, grants = _open(request, person_id)
    user = _user(request)
    action = selectors.action_in_plan(person, action_id)
    if action is None or not rules.reads_pathway(grants, action.objective.pathway):
        raise Http404
    if not rules.writes_action(user, grants, action.objective.pathway, action.agency):
        raise PermissionDenied
    agencies, officers = _action_choices(user)
    initial = {
        "version": action.objective.plan.version, "description": action.description,
        "agency": action.agency_id, "lead_officer": action.lead_officer_id,
        "target_date": f"{action.target_date:%d/%m/%Y}", "status": action.status,
        "dropped_reason": action.dropped_reason,
    }  # fmt: skip
    form = ActionEditForm(
        _posted(request),
        initial=initial,
        agencies=agencies,
        officers=officers,
    )
    changes = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_action_update(
                actor=user, action=action, seen_version=data["version"],
                description=data["description"], agency=data["agency"],
                lead_officer=data["lead_officer"], target_date=data["target_date"],
                status=data["status"], dropped_reason=data["dropped_reason"],
            )  # fmt: skip
        except services.StalePlanError as stale:
            changes = _stale(request, form, stale, grants)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Action saved")
            return redirect(_plan_url(person, f"action-{action.pk}"))
    return _plan_form_page(
        request, "casework/action_form.html", person, grants, "Change an action", form,
        changes, f"care plan action {action.pk}", [PATHWAY_CATEGORY[action.objective.pathway]],
        objective=action.objective, action=action,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record a review of the plan and set the next one."""
    person, grants = _open(request, person_id)
    user = _user(request)
    if not rules.writes_review(user, grants):
        raise PermissionDenied
    initial = {"version": _version(person), "reviewed_on": f"{today():%d/%m/%Y}"}
    form = ReviewForm(_posted(request), initial=initial)
    changes = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_review_record(
                actor=user, person=person, seen_version=data["version"],
                reviewed_on=data["reviewed_on"], attendees=data["attendees"],
                summary=data["summary"], next_review_on=data["next_review_on"],
            )  # fmt: skip
        except services.StalePlanError as stale:
            changes = _stale(request, form, stale, grants)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Review recorded")
            return redirect(_plan_url(person, "reviews"))
    return _plan_form_page(
        request, "casework/review_form.html", person, grants, "Record a review", form, changes,
        "care plan review form", [Category.CASE_NOTES],
    )  # fmt: skip


# --- Prison work --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def prison_work(request: HttpRequest, person_id: int) -> HttpResponse:
    """What the person did in custody, as far as the reader may see, and a form to add."""
    person, grants = _open(request, person_id)
    kinds = [k for k, category in PRISON_WORK_CATEGORY.items() if grants.can_write(category)]
    if request.method == "POST" and not kinds:
        raise PermissionDenied
    form = PrisonWorkForm(_posted(request), kinds=kinds) if kinds else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.prison_work_add(actor=_user(request), person=person, **form.cleaned_data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Prison work added")
            return redirect("casework:prison_work", person_id=person.pk)
    entries = selectors.prison_work_for(person, grants)
    readable = sorted({c for c in PRISON_WORK_CATEGORY.values() if grants.can_read(c)})
    if request.method == "GET":
        _log(request, person, readable, "prison work")
    labels = dict(PrisonWorkKind.choices)
    withheld = [
        (labels[kind], grants.withheld[category].reason)
        for kind, category in PRISON_WORK_CATEGORY.items()
        if not grants.can_read(category) and category in grants.withheld
    ]
    return render(
        request,
        "casework/prison_work.html",
        _context(person, grants, "Prison work record", form=form, entries=entries,
                 withheld=withheld),
        status=400 if form is not None and form.errors else 200,
    )  # fmt: skip
