"""Cohort pages: the partnership and each area, the coordinator's changes between forums,
and earlier schemes whose members move into the PPO scheme."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.casework.services import LEAD_AGENCY_KINDS
from tandem.core.access import people_for, person_for, protocol_levels, today
from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, Area, Role, User
from tandem.core.permissions import role_required
from tandem.people.models import Person
from tandem.selection.models import Nomination, NominationStatus

from .forms import AdoptForm, EndForm, FindPersonForm, MoveForm, SchemeForm
from .models import PPO_SCHEME_CODE, Membership, Scheme
from .selectors import (
    MEMBER_SORTS,
    STATUS_GROUPS,
    area_cohort,
    cohort_overview,
    scheme_members,
    schemes_for,
    statuses_on,
)
from .services import (
    cohort_adopt_between_forums,
    cohort_exit_between_forums,
    membership_move_scheme,
    scheme_create,
)

COHORT_ROLES = (Role.OFFENDER_MANAGER, Role.VIEWER, Role.COORDINATOR)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _area_for(user: User, area_id: int) -> Area:
    """One of the user's areas; any other answers 404, as a missing one does."""
    area = user.areas.filter(pk=area_id).first()
    if area is None:
        raise Http404
    return area


def _can_read(user: User, category: str) -> bool:
    return protocol_levels(user).get(category) in {Level.READ, Level.WRITE}


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form: on their field, or above the form."""
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _posted(request: HttpRequest) -> Any:
    """The posted data, even when empty: an empty form must still be validated."""
    return request.POST if request.method == "POST" else None


def _viewed(request: HttpRequest, person: Person, detail: str) -> None:
    """A form naming a person is a view of their record: log it."""
    access_record(
        actor=_user(request),
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=[Category.IDENTITY],
        detail=detail,
        request=request,
    )


@role_required(*COHORT_ROLES)
def cohort_home(request: HttpRequest) -> HttpResponse:
    """The cohort of each of the user's areas in figures, and their total: no names."""
    user = _user(request)
    areas, total = cohort_overview(user, today())
    return render(
        request,
        "cohort/home.html",
        {
            "title": "Cohort",
            "areas": areas,
            "total": total,
            "status_labels": list(STATUS_GROUPS.values()),
            "show_status": _can_read(user, Category.OFFENDING),
        },
    )


@role_required(*COHORT_ROLES)
def cohort_area(request: HttpRequest, area_id: int) -> HttpResponse:
    """An area's members with their status and lead, sortable, and recent leavers."""
    user = _user(request)
    area = _area_for(user, area_id)
    if not _can_read(user, Category.IDENTITY):
        raise PermissionDenied
    show_status = _can_read(user, Category.OFFENDING)
    cohort = area_cohort(area, today(), sort=request.GET.get("sort", ""), show_status=show_status)
    access_record(
        actor=user,
        action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, *([Category.OFFENDING] if show_status else [])],
        detail=f"cohort area={area.code}",
        result_count=cohort.people_listed,
        request=request,
    )
    return render(
        request,
        "cohort/area.html",
        {
            "title": f"Cohort of {area.name}",
            "area": area,
            "cohort": cohort,
            "summary": cohort.summary,
            "sort_label": MEMBER_SORTS[cohort.sort],
            "show_status": show_status,
            "is_coordinator": user.role == Role.COORDINATOR,
            "find_form": FindPersonForm(),
        },
    )


@role_required(Role.COORDINATOR)
def adopt_find(request: HttpRequest, area_id: int) -> HttpResponse:
    """Find the person to adopt by Tandem number (or through Find a person)."""
    user = _user(request)
    area = _area_for(user, area_id)
    form = FindPersonForm(request.GET if "number" in request.GET else None)
    if form.is_valid():
        person = people_for(user).filter(pk=form.cleaned_data["number"]).first()
        if person is not None:
            return redirect("cohort:adopt", area_id=area.pk, person_id=person.pk)
        # The same answer for someone who does not exist and someone outside scope.
        form.add_error("number", "No one with that Tandem number lives in your areas")
    return render(
        request,
        "cohort/adopt_find.html",
        {
            "title": "Adopt someone between forums",
            "has_errors": bool(form.errors),
            "area": area,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _leads_for(area: Area) -> Any:
    """Offender managers who can lead a case and work in the area."""
    return (
        User.objects.filter(
            role=Role.OFFENDER_MANAGER,
            is_active=True,
            agency__kind__in=LEAD_AGENCY_KINDS,
            areas=area,
        )
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def adopt(request: HttpRequest, area_id: int, person_id: int) -> HttpResponse:
    """The coordinator adopts a person into the PPO scheme between forums, with a reason."""
    user = _user(request)
    area = _area_for(user, area_id)
    person = person_for(user, person_id)
    form = AdoptForm(
        _posted(request),
        leads=_leads_for(area),
        initial={"start_date": today().strftime("%d/%m/%Y")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort_adopt_between_forums(actor=user, person=person, area=area, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                f"Adopted into the {area.name} cohort: the next forum ratifies it",
            )
            return redirect("cohort:area", area_id=area.pk)
    if request.method == "GET":
        _viewed(request, person, "adoption between forums form")
    status = statuses_on(today(), [person.pk]).get(person.pk)
    return render(
        request,
        "cohort/adopt.html",
        {
            "title": "Adopt between forums",
            "has_errors": bool(form.errors),
            "area": area,
            "person": person,
            "status": status,
            "nomination": Nomination.objects.filter(person=person, status=NominationStatus.OPEN)
            .select_related("area")
            .first(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _membership_for(user: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=membership_id, area__in=user.areas.all())
        .select_related("person", "area", "scheme")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, membership_id: int) -> HttpResponse:
    """The coordinator ends a membership between forums, with a reason."""
    user = _user(request)
    membership = _membership_for(user, membership_id)
    form = EndForm(_posted(request), initial={"end_date": today().strftime("%d/%m/%Y")})
    if request.method == "POST" and form.is_valid():
        try:
            cohort_exit_between_forums(
                actor=user,
                membership=membership,
                end_date=form.cleaned_data["end_date"],
                end_reason=form.cleaned_data["end_reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Membership ended: the next forum ratifies it")
            return redirect("cohort:area", area_id=membership.area_id)
    if request.method == "GET":
        _viewed(request, membership.person, "end of membership form")
    return render(
        request,
        "cohort/end.html",
        {
            "title": "End a membership between forums",
            "has_errors": bool(form.errors),
            "membership": membership,
            "person": membership.person,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Move a current member of an earlier scheme into the PPO scheme, history kept."""
    user = _user(request)
    membership = _membership_for(user, membership_id)
    if membership.scheme.code == PPO_SCHEME_CODE:
        raise Http404
    form = MoveForm(
        _posted(request),
        areas=user.areas.order_by("code"),
        initial={
            "move_date": today().strftime("%d/%m/%Y"),
            "area": membership.area_id,
            "strand": membership.strand,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership_move_scheme(actor=user, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Moved into the PPO scheme: the next forum ratifies it")
            return redirect("cohort:area", area_id=form.cleaned_data["area"].pk)
    if request.method == "GET":
        _viewed(request, membership.person, "move into the PPO scheme form")
    return render(
        request,
        "cohort/move.html",
        {
            "title": "Move into the PPO scheme",
            "has_errors": bool(form.errors),
            "membership": membership,
            "person": membership.person,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def schemes(request: HttpRequest) -> HttpResponse:
    """The PPO scheme and earlier local schemes, with their members in the user's areas."""
    return render(
        request,
        "cohort/schemes.html",
        {"title": "Schemes", "rows": schemes_for(_user(request), today())},
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def scheme_new(request: HttpRequest) -> HttpResponse:
    """Hold an earlier local scheme, so its members can move into the PPO scheme."""
    form = SchemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            scheme = scheme_create(actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"{scheme.name} added")
            return redirect("cohort:scheme", scheme_id=scheme.pk)
    return render(
        request,
        "cohort/scheme_form.html",
        {"title": "Add an earlier scheme", "has_errors": bool(form.errors), "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def scheme_detail(request: HttpRequest, scheme_id: int) -> HttpResponse:
    """One scheme; for an earlier scheme, its current members and the way across."""
    user = _user(request)
    scheme = Scheme.objects.select_related("criteria_set").filter(pk=scheme_id).first()
    if scheme is None:
        raise Http404
    is_ppo = scheme.code == PPO_SCHEME_CODE
    members = [] if is_ppo else scheme_members(scheme, user, today())
    if members:
        access_record(
            actor=user,
            action=AccessAction.VIEW_LIST,
            categories=[Category.IDENTITY],
            detail=f"scheme members scheme={scheme.code}",
            result_count=len(members),
            request=request,
        )
    return render(
        request,
        "cohort/scheme.html",
        {
            "title": scheme.name,
            "scheme": scheme,
            "is_ppo": is_ppo,
            "members": members,
        },
    )
