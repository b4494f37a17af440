"""The service directory: everyone who works cases searches it by pathway, area and words
and reads each entry; the coordinator adds entries and changes them (deactivating, never
deleting, since referrals keep pointing at a service)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.core.models import Area, Role, User
from tandem.core.permissions import role_required

from . import selectors
from .directory_forms import DirectorySearchForm, ServiceForm, service_initial
from .models import TAKING_A_PLACE, PartnerService, Referral
from .services import service_save

# Roles that work cases: they refer people to services or are the services.
DIRECTORY_ROLES = (Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.PARTNER_WORKER, Role.VIEWER)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@dataclass(frozen=True)
class Entry:
    """A directory entry as the pages show it: the service, where it works, places taken."""

    service: PartnerService
    areas: str
    taken: int

    @property
    def places(self) -> str:
        capacity = self.service.capacity
        if capacity is None:
            return "Not limited"
        free = capacity - self.taken
        if free < 0:
            return f"{capacity} at any one time: {self.taken} taken now, {-free} over capacity"
        return f"{capacity} at any one time: {self.taken} taken now, {free} free"


def _areas_label(areas: Iterable[Area], every: int) -> str:
    areas = sorted(areas, key=lambda a: a.code)
    if every and len(areas) == every:
        return "All areas"
    return ", ".join(f"{a.code} {a.name}" for a in areas)


def _entries(services: list[PartnerService]) -> list[Entry]:
    """Each service with its areas (prefetched) and places taken, in two more queries."""
    taken = dict(
        Referral.objects.filter(service__in=services, state__in=TAKING_A_PLACE)
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    every = Area.objects.count()
    return [Entry(s, _areas_label(s.areas.all(), every), taken.get(s.pk, 0)) for s in services]


def _service_for(service_id: int) -> PartnerService:
    service = (
        PartnerService.objects.select_related("agency")
        .prefetch_related("areas")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise Http404
    return service


def _service_errors(form: Form, error: ValidationError) -> None:
    """Put the service's errors on the form: on their field, or above the form."""
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@role_required(*DIRECTORY_ROLES)
def directory(request: HttpRequest) -> HttpResponse:
    """Search the directory by pathway, area and words; every active service by default."""
    user = _user(request)
    is_coordinator = user.role == Role.COORDINATOR
    form = DirectorySearchForm(request.GET or None)
    if not is_coordinator:
        del form.fields["inactive"]
    searched = form.is_bound and form.is_valid()
    data: dict[str, Any] = form.cleaned_data if searched else {}
    services = (
        []
        if form.is_bound and not searched
        else selectors.directory(
            pathway=data.get("pathway", ""),
            area=data.get("area"),
            text=data.get("q", ""),
            active_only=not data.get("inactive", False),
        )
    )
    return render(
        request,
        "referrals/directory_search.html",
        {
            "title": "Service directory",
            "has_errors": bool(form.errors),
            "form": form,
            "entries": _entries(services),
            "searched": searched,
            "is_coordinator": is_coordinator,
        },
        status=400 if form.errors else 200,
    )


@role_required(*DIRECTORY_ROLES)
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    """One directory entry in full."""
    service = _service_for(service_id)
    return render(
        request,
        "referrals/directory_service.html",
        {
            "title": service.name,
            "entry": _entries([service])[0],
            "is_coordinator": _user(request).role == Role.COORDINATOR,
        },
    )


def _form_page(
    request: HttpRequest, form: ServiceForm, service: PartnerService | None
) -> HttpResponse:
    title = f"Change {service.name}" if service else "Add a service to the directory"
    return render(
        request,
        "referrals/directory_form.html",
        {"title": title, "has_errors": bool(form.errors), "form": form, "service": service},
        status=400 if form.errors else 200,
    )


def _save(request: HttpRequest, form: ServiceForm, service: PartnerService | None) -> HttpResponse:
    """Save a valid form through the service; its refusals go back on the form."""
    try:
        saved = service_save(actor=_user(request), service=service, **form.service_fields())
    except ValidationError as error:
        _service_errors(form, error)
        return _form_page(request, form, service)
    if service is None:
        messages.success(request, f"{saved.name} added to the directory")
    elif not saved.active:
        messages.success(request, f"{saved.name} is no longer taking referrals")
    else:
        messages.success(request, f"{saved.name} saved")
    return redirect("referrals:service", service_id=saved.pk)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    """The coordinator adds a service to the directory."""
    if request.method == "POST":
        form = ServiceForm(request.POST, adding=True)
        if form.is_valid():
            return _save(request, form, None)
    else:
        form = ServiceForm(adding=True)
    return _form_page(request, form, None)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    """The coordinator changes a directory entry, or takes it out of the directory."""
    service = _service_for(service_id)
    if request.method == "POST":
        form = ServiceForm(request.POST, adding=False)
        if form.is_valid():
            return _save(request, form, service)
    else:
        form = ServiceForm(initial=service_initial(service), adding=False)
    return _form_page(request, form, service)
