"""Referral pages: the two-step form (choose the service, then the details) for a new
referral or an unsent draft, the preview of what will be shared, and deleting a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tandem.casework import selectors as casework_selectors
from tandem.casework.models import PlanAction
from tandem.casework.pathways import PATHWAY_CATEGORY
from tandem.core.access import PersonGrants, grants_for, person_for, today
from tandem.core.categories import Category
from tandem.people.models import Person

from . import selectors, services, sharing
from .forms import OUT_OF_DATE, ChooseServiceForm, ReferralForm, StepForm
from .models import PartnerService, Referral, ReferralState
from .view_common import (
    _copy_errors,
    _log,
    _reader,
    _referrer_contact,
    _user,
    _with_version,
)

# --- The referral form: choose the service, then the details --------------------------------


def _plan_action(person: Person, grants: PersonGrants, action_id: object) -> PlanAction | None:
    """The care plan action a referral is made from, if it is this person's and readable."""
    try:
        pk = int(str(action_id))
    except (TypeError, ValueError):
        return None
    action = casework_selectors.action_in_plan(person, pk)
    if action is None or not grants.can_read(PATHWAY_CATEGORY[action.objective.pathway]):
        return None
    return action


def consent_choices(agency: Any, grants: PersonGrants) -> list[tuple[str, str]]:
    """The categories the sender may offer: the receiving agency is entitled to them under
    the protocol, and the sender may read them (no one shares what they cannot see)."""
    entitled = sharing.entitled_categories(agency)
    choices = []
    for category in sharing.SHAREABLE:
        if category.value in entitled and grants.can_read(category.value):
            label = category.label
            if sharing.needs_consent(agency, category.value):
                label += " (sensitive: only with the person's explicit consent)"
            choices.append((category.value, label))
    return choices


def _not_offered(agency: Any, offered: list[tuple[str, str]]) -> list[str]:
    entitled = set(sharing.entitled_categories(agency))
    values = {value for value, _ in offered}
    return [
        c.label.lower()
        for c in sharing.SHAREABLE
        if c.value not in values and c.value not in entitled
    ]


def _draft_initial(draft: Referral | None, action: PlanAction | None) -> dict[str, Any]:
    if draft is not None:
        return {
            "pathway": draft.pathway, "service": draft.service_id, "reason": draft.reason,
            "urgency": draft.urgency, "consent_categories": draft.consent_categories,
            "consent_given_on": (
                f"{draft.consent_given_on:%d/%m/%Y}" if draft.consent_given_on else ""
            ),
            "action": draft.plan_action_id, "version": draft.version,
        }  # fmt: skip
    if action is not None:
        return {
            "pathway": action.objective.pathway,
            "reason": action.description,
            "action": action.pk,
        }
    return {}


def _suggested_service(action: PlanAction | None, services_list: list[PartnerService]) -> str:
    """The care plan action's agency's service on its pathway, when there is exactly one."""
    if action is None:
        return ""
    found = [
        s
        for s in services_list
        if s.agency_id == action.agency_id and action.objective.pathway in s.pathways
    ]
    return str(found[0].pk) if len(found) == 1 else ""


def _service_by_id(value: object) -> PartnerService | None:
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        return None
    return PartnerService.objects.select_related("agency").filter(pk=pk).first()


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Make a referral for a person, optionally from a care plan action (?action=<id>)."""
    user = _user(request)
    if user.role not in services.REFERRING_ROLES or not user.agency_id:
        raise PermissionDenied
    person = person_for(user, person_id)
    return _referral_form(request, person, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Change a draft before it is sent: the same two steps, starting from its details."""
    _reader(request)
    referral = selectors.referral_for(_user(request), referral_id)
    if referral.state != ReferralState.DRAFT:
        messages.info(request, "This referral has been sent: it can no longer be changed")
        return redirect("referrals:detail", referral_id=referral.pk)
    return _referral_form(request, referral.person, referral)


def _referral_form(request: HttpRequest, person: Person, draft: Referral | None) -> HttpResponse:
    user = _user(request)
    grants = grants_for(user, person)
    params = request.POST if request.method == "POST" else request.GET
    action = _plan_action(person, grants, params.get("action"))
    if draft is not None and draft.plan_action_id and action is None:
        action = _plan_action(person, grants, draft.plan_action_id)
    services_list = selectors.directory(area=person.residence_area)
    initial = _draft_initial(draft, action)
    choose: ChooseServiceForm | None = None
    service: PartnerService | None = None
    pathway = ""
    if request.method == "POST":
        service = _service_by_id(request.POST.get("service"))
        pathway = request.POST.get("pathway", "")
        if service is None or pathway not in PATHWAY_CATEGORY:
            choose = ChooseServiceForm(request.POST, services=services_list)
            choose.is_valid()
            choose.add_error(None, "Choose the pathway and the service again")
    elif "change" in request.GET or (draft is None and "service" not in request.GET):
        choose = ChooseServiceForm(
            initial={
                "pathway": request.GET.get("pathway") or initial.get("pathway", ""),
                "service": request.GET.get("service")
                or str(initial.get("service") or _suggested_service(action, services_list)),
            },
            services=services_list,
        )
    elif "service" in request.GET or "pathway" in request.GET:
        choose = ChooseServiceForm(request.GET, services=services_list)
        if choose.is_valid():
            service, pathway = choose.cleaned_data["service"], choose.cleaned_data["pathway"]
            route = services.route_errors(person, service, pathway)
            if route:
                _copy_errors(choose, ValidationError(route))
            else:
                choose = None
    else:
        assert draft is not None
        service, pathway = draft.service, draft.pathway
    if choose is not None:
        if request.method == "GET":
            _log(request, person, [Category.IDENTITY], "referral form")
        return _render_form(
            request, person, grants, draft, action, stage="choose", form=choose,
            status=400 if choose.errors else 200,
        )  # fmt: skip
    assert service is not None
    return _details(request, person, grants, draft, action, service, pathway, initial)


def _details(
    request: HttpRequest, person: Person, grants: PersonGrants, draft: Referral | None,
    action: PlanAction | None, service: PartnerService, pathway: str, initial: dict[str, Any],
) -> HttpResponse:  # fmt: skip
    user = _user(request)
    categories = consent_choices(service.agency, grants)
    initial = {**initial, "pathway": pathway, "service": service.pk}
    if action is not None:
        initial["action"] = action.pk
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        categories=categories,
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posted_action = None
        if data["action"] is not None:
            posted_action = _plan_action(person, grants, data["action"])
            if posted_action is None:
                form.add_error(None, "The care plan action was not found: start again")
        if draft is not None and data["version"] is None:
            form.add_error(None, OUT_OF_DATE)
        common: dict[str, Any] = {
            "actor": user, "service": service, "pathway": pathway, "reason": data["reason"],
            "urgency": data["urgency"], "consent_given_on": data["consent_given_on"],
            "consent_categories": data["consent_categories"], "plan_action": posted_action,
            "confirmed": data["confirmed"],
        }  # fmt: skip
        if not form.errors:
            try:
                if draft is None:
                    referral = services.referral_create(person=person, **common)
                else:
                    referral = services.referral_update_draft(
                        referral=draft, seen_version=data["version"], **common
                    )
            except services.NeedsConfirmation as warned:
                warnings = warned.warnings
            except ValidationError as error:
                _copy_errors(form, error, ("reason", "urgency", "consent_categories",
                                           "consent_given_on"))  # fmt: skip
                if draft is not None:
                    _with_version(form, Referral.objects.get(pk=draft.pk).version)
            else:
                messages.success(
                    request,
                    "Draft saved. Check what will be shared, then send it"
                    if draft is None
                    else "Draft changed. Check what will be shared, then send it",
                )
                return redirect("referrals:preview", referral_id=referral.pk)
    if request.method == "GET":
        read: list[str] = [Category.IDENTITY]
        if action is not None or draft is not None:
            read.append(PATHWAY_CATEGORY[pathway])
        _log(request, person, read, "referral form")
    return _render_form(
        request, person, grants, draft, action, stage="details", form=form, service=service,
        pathway=pathway, pathway_label=sharing.pathway_label(pathway), warnings=warnings,
        not_offered=_not_offered(service.agency, categories),
        status=400 if form.errors else 200,
    )  # fmt: skip


def _render_form(
    request: HttpRequest, person: Person, grants: PersonGrants, draft: Referral | None,
    action: PlanAction | None, *, stage: str, form: Form, status: int, **extra: Any,
) -> HttpResponse:  # fmt: skip
    url = (
        reverse("referrals:edit", args=[draft.pk])
        if draft
        else reverse("referrals:new", args=[person.pk])
    )
    return render(
        request,
        "referrals/referral_form.html",
        {
            "title": "Change the referral" if draft else "Make a referral",
            "person": person,
            "shows_name": grants.can_read(Category.IDENTITY),
            "draft": draft,
            "action": action,
            "stage": stage,
            "form": form,
            "form_url": url,
            "has_errors": bool(form.errors),
            **extra,
        },
        status=status,
    )


# --- Preview and deleting a draft ---------------------------------------------------------


def _preview_page(
    request: HttpRequest, referral: Referral, form: StepForm | None = None, status: int = 200
) -> HttpResponse:
    on = today()
    categories = sharing.categories_to_share(referral.to_agency, referral.consent_categories)
    sections = sharing.shared_sections(referral.person, categories, on)
    entitled = sharing.entitled_categories(referral.to_agency)
    not_shared = [
        c.label.lower()
        for c in sharing.SHAREABLE
        if c.value in entitled and c.value not in categories
    ]
    if request.method == "GET":
        _log(
            request, referral.person, [*categories, PATHWAY_CATEGORY[referral.pathway]],
            f"referral {referral.pk} preview",
        )  # fmt: skip
    form = form or StepForm(initial={"version": referral.version}, auto_id="send-%s")
    return render(
        request,
        "referrals/referral_preview.html",
        {
            "title": "Check the referral before you send it",
            "referral": referral,
            "person": referral.person,
            "sections": sections,
            "not_shared": not_shared,
            "contact": _referrer_contact(referral),
            "pathway_label": sharing.pathway_label(referral.pathway),
            "consent_labels": [Category(c).label for c in referral.consent_categories],
            "form": form,
            "has_errors": bool(form.errors),
            "on": on,
        },
        status=status,
    )


@login_required
@require_GET
def preview(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Exactly what the receiving agency will see, before the sender sends it."""
    _reader(request)
    referral = selectors.referral_for(_user(request), referral_id)
    if referral.state != ReferralState.DRAFT:
        return redirect("referrals:detail", referral_id=referral.pk)
    return _preview_page(request, referral)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Throw away an unsent draft, after a confirmation page."""
    user = _reader(request)
    referral = selectors.referral_for(user, referral_id)
    errors: list[str] = []
    if request.method == "GET" and referral.state != ReferralState.DRAFT:
        messages.info(request, "Only an unsent draft can be deleted: withdraw a sent referral")
        return redirect("referrals:detail", referral_id=referral.pk)
    if request.method == "POST":
        try:
            services.draft_delete(actor=user, referral=referral)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "The draft referral was deleted")
            return redirect("people:detail", person_id=referral.person_id)
    return render(
        request,
        "referrals/referral_delete.html",
        {
            "title": "Delete this draft referral?",
            "referral": referral,
            "pathway_label": sharing.pathway_label(referral.pathway),
            "errors": [{"href": "", "message": text} for text in errors],
            "has_errors": bool(errors),
        },
        status=400 if errors else 200,
    )
