"""Referral pages: the two-step form and its preview, a referral's own page with the steps
each side may take, progress and outcome, the partner inbox and the referrer's list.

A referral is read through selectors.referral_for (404 when the reader may not see it);
roles that never see referrals get 403. The receiving agency reads the person only through
what was shared with it until it accepts; everyone else sees the shared details only in the
categories the protocol grants them. Every page showing personal data writes an access
event with the categories it showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.casework import selectors as casework_selectors
from tandem.casework.models import PlanAction
from tandem.casework.pathways import PATHWAY_CATEGORY
from tandem.core.access import (
    PersonGrants,
    grants_for,
    people_for,
    person_for,
    protocol_levels,
    today,
)
from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, Role, User
from tandem.people.models import Person

from . import selectors, services, sharing
from .forms import (
    OUT_OF_DATE,
    ChooseServiceForm,
    OutcomeForm,
    ProgressForm,
    ReferralForm,
    StepForm,
)
from .models import ENDED_STATES, PartnerService, Referral, ReferralState
from .rules import STEPS, Step

# Roles that see referral pages at all; the rest (custody, analysts, auditors,
# administrators) get 403 before any record is looked up.
READING_ROLES = services.REFERRING_ROLES | services.RECEIVING_ROLES | {Role.VIEWER}

# What each step's form says: the button, the label of its reason box (if it needs one) and
# a line of explanation.
STEP_TEXT: dict[str, dict[str, str]] = {
    "send": {"button": "Send the referral"},
    "acknowledge": {
        "button": "Acknowledge",
        "hint": "Tells the referrer your agency has the referral. The acknowledgement clock stops.",
    },
    "accept": {
        "button": "Accept",
        "hint": "Your agency takes the person on: its workers may then open their record, as "
        "the sharing protocol allows.",
    },
    "decline": {"button": "Decline", "reason": "Why are you declining the referral?"},
    "start": {"button": "Record that the work has started"},
    "complete": {
        "button": "Complete",
        "summary": "Outcome summary (optional)",
        "hint": "The work is finished. You can add or correct the outcome afterwards.",
    },
    "disengage": {
        "button": "Close as disengaged",
        "reason": "Why is the referral closed as disengaged?",
    },
    "withdraw": {"button": "Withdraw", "reason": "Why are you withdrawing the referral?"},
}
WARNING_STEPS = frozenset({"decline", "disengage", "withdraw"})


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in READING_ROLES or not user.agency_id:
        raise PermissionDenied
    return user


def _receives(user: User, referral: Referral) -> bool:
    # The services' own rule for the receiving side, so pages and writes agree.
    return services.receives(user, referral)


def _log(request: HttpRequest, person: Person, categories: Iterable[str], detail: str) -> None:
    access_record(
        actor=_user(request),
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=categories,
        detail=detail,
        request=request,
    )


def _copy_errors(form: Form, error: ValidationError, visible: Iterable[str] = ()) -> None:
    """Put a service's refusal on the form: field errors on shown fields, the rest on top."""
    shown = set(visible) if visible else set(form.fields)
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in shown else None, text)


def _with_version(form: Form, version: int) -> None:
    """After a refusal, carry the current version: sending again means "I have looked"."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when posted
    data["version"] = str(version)
    form.data = data


def shared_name(referral: Referral) -> str:
    """The person's name as the referral shared it (empty when identity was not shared)."""
    for section in sharing.sections_from(referral.shared):
        if section.category == Category.IDENTITY:
            for line in section.lines:
                if line.startswith("Name: "):
                    return line.removeprefix("Name: ")
    return ""


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


def _referrer_contact(referral: Referral) -> list[str]:
    referrer = referral.referrer
    lines = [referrer.display_name]
    if referrer.job_title:
        lines.append(referrer.job_title)
    lines.append(referral.from_agency.name)
    lines += [v for v in (referrer.phone, referrer.email) if v]
    return lines


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


# --- A referral's own page and its steps --------------------------------------------------


@dataclass(frozen=True)
class StepOffer:
    step: Step
    form: StepForm
    text: dict[str, str]

    @property
    def warning(self) -> bool:
        return self.step.name in WARNING_STEPS


def _step_form(step: str, referral: Referral, data: Any = None) -> StepForm:
    return StepForm(data, initial={"version": referral.version}, auto_id=f"{step}-%s")


def _shared_on(referral: Referral) -> dt.date | None:
    try:
        return dt.date.fromisoformat(referral.shared.get("on", ""))
    except (TypeError, ValueError):
        return None


def _detail_page(
    request: HttpRequest,
    referral: Referral,
    *,
    bound: tuple[str, StepForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    on = today()
    row = selectors.row_for(user, referral, on)
    receiver = _receives(user, referral)
    person = referral.person
    in_scope = people_for(user).filter(pk=person.pk).exists()
    grants = grants_for(user, person)
    sections = sharing.sections_from(referral.shared)
    if not receiver:
        # Others who read the referral see what was shared only as far as they may read it.
        sections = [s for s in sections if grants.can_read(s.category)]
    notes = [
        n
        for n in referral.progress.select_related("author__agency")
        if receiver or grants.can_read(n.category)
    ]
    name = ""
    if in_scope and grants.can_read(Category.IDENTITY):
        name = person.full_name
    elif receiver:
        name = shared_name(referral)
    offers = []
    bound_shown = False
    for step in row.steps:
        if bound is not None and bound[0] == step.name:
            form, bound_shown = bound[1], True
        else:
            form = _step_form(step.name, referral)
        offers.append(StepOffer(step, form, STEP_TEXT[step.name]))
    if bound is not None and not bound_shown:
        # A step this reader may not take now: its errors belong at the top of the page.
        for field in list(bound[1].errors):
            if field != "__all__":
                for text in bound[1].errors.pop(field):
                    bound[1].add_error(None, text)
    shown = {PATHWAY_CATEGORY[referral.pathway], *(s.category for s in sections),
             *(n.category for n in notes)}  # fmt: skip
    if name:
        shown.add(Category.IDENTITY)
    if request.method == "GET" or status != 200:
        _log(request, person, shown, f"referral {referral.pk}")
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "title": f"Referral {referral.pk}",
            "referral": referral,
            "row": row,
            "receiver": receiver,
            "person": person,
            "name": name,
            "links_person": in_scope,
            "sections": sections,
            "shared_on": _shared_on(referral),
            "withheld_sections": not receiver
            and len(sections) < len(referral.shared.get("sections", [])),
            "notes": notes,
            "events": list(referral.events.select_related("actor__agency")),
            "offers": offers,
            "error_form": bound[1] if bound is not None else None,
            "has_errors": bound is not None and bool(bound[1].errors),
            "pathway_label": sharing.pathway_label(referral.pathway),
            "contact": _referrer_contact(referral),
            "records_progress": receiver
            and referral.state in {ReferralState.ACCEPTED, ReferralState.STARTED},
            "records_outcome": receiver
            and referral.state in ENDED_STATES
            and referral.state != ReferralState.DECLINED,
            "consent_labels": [Category(c).label for c in referral.consent_categories],
        },
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The referral, its timeline, what was shared, progress, outcome and the reader's steps."""
    _reader(request)
    referral = selectors.referral_for(_user(request), referral_id)
    if referral.state == ReferralState.DRAFT:
        return redirect("referrals:preview", referral_id=referral.pk)
    return _detail_page(request, referral)


def _done_message(referral: Referral, step: Step) -> str:
    if step.name == "send":
        return f"Referral sent to {referral.service.name} ({referral.to_agency.name})"
    return f"Referral {referral.pk} {step.verb}"


@login_required
@require_POST
def step(request: HttpRequest, referral_id: int, step: str) -> HttpResponse:
    """Take one lifecycle step; a refusal is shown on the referral's page and changes nothing."""
    user = _reader(request)
    referral = selectors.referral_for(user, referral_id)
    if step not in STEPS:
        raise Http404
    form = _step_form(step, referral, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = services.referral_step(
                actor=user, referral=referral, step=step, reason=data["reason"],
                outcome_summary=data["outcome_summary"], seen_version=data["version"],
            )  # fmt: skip
        except ValidationError as error:
            _copy_errors(form, error, ("reason",) if STEPS[step].needs_reason else ())
        else:
            messages.success(request, _done_message(done, STEPS[step]))
            if request.POST.get("next") == "inbox":
                return redirect("referrals:inbox")
            return redirect("referrals:detail", referral_id=done.pk)
    _with_version(form, referral.version)
    if referral.state == ReferralState.DRAFT:
        return _preview_page(request, referral, form=form, status=400)
    return _detail_page(request, referral, bound=(step, form), status=400)


# --- Progress and outcome -----------------------------------------------------------------


def _receiving_page(request: HttpRequest, referral_id: int) -> tuple[User, Referral]:
    user = _reader(request)
    referral = selectors.referral_for(user, referral_id)
    if not _receives(user, referral):
        raise PermissionDenied
    return user, referral


def _small_page(
    request: HttpRequest, referral: Referral, template: str, title: str, form: Form
) -> HttpResponse:
    if request.method == "GET":
        _log(request, referral.person, [Category.IDENTITY], f"referral {referral.pk} {title}")
    return render(
        request,
        template,
        {
            "title": title,
            "referral": referral,
            "name": shared_name(referral),
            "pathway_label": sharing.pathway_label(referral.pathway),
            "category_label": Category(PATHWAY_CATEGORY[referral.pathway]).label,
            "form": form,
            "has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The receiving agency records how the work is going, while it is under way."""
    user, referral = _receiving_page(request, referral_id)
    under_way = referral.state in {ReferralState.ACCEPTED, ReferralState.STARTED}
    if request.method == "GET" and not under_way:
        messages.info(
            request, "Progress is recorded while the work is under way: accept the referral first"
        )
        return redirect("referrals:detail", referral_id=referral.pk)
    form = ProgressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(
                actor=user, referral=referral, note=form.cleaned_data["note"],
                written_on=form.cleaned_data["written_on"],
            )  # fmt: skip
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Progress recorded")
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#progress")
    return _small_page(request, referral, "referrals/referral_progress.html", "Record progress",
                       form)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The receiving agency summarises how the work ended (or corrects the summary)."""
    user, referral = _receiving_page(request, referral_id)
    ended = referral.state in ENDED_STATES and referral.state != ReferralState.DECLINED
    if request.method == "GET" and not ended:
        messages.info(
            request,
            "An outcome is recorded once the work has ended: completed, disengaged or withdrawn",
        )
        return redirect("referrals:detail", referral_id=referral.pk)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None,
        initial={"version": referral.version, "outcome_summary": referral.outcome_summary},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                actor=user, referral=referral,
                outcome_summary=form.cleaned_data["outcome_summary"],
                seen_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Outcome recorded")
            return redirect("referrals:detail", referral_id=referral.pk)
    if form.is_bound:
        _with_version(form, referral.version)
    return _small_page(request, referral, "referrals/referral_outcome.html", "Record the outcome",
                       form)  # fmt: skip


# --- Lists: the partner inbox and the referrer's own ----------------------------------------


@dataclass(frozen=True)
class Line:
    """One referral on a list, with the name the reader may see and the quick actions."""

    row: selectors.ReferralRow
    name: str
    quick: list[Step]

    @property
    def referral(self) -> Referral:
        return self.row.referral


QUICK_STEPS = frozenset({"acknowledge", "accept"})


@dataclass(frozen=True)
class Inbox:
    lines: list[Line]
    show: str
    overdue: int
    page: int = 1
    has_more: bool = False


def inbox_section(request: HttpRequest, show: str = "open", page: int = 1) -> Inbox:
    """Referrals to the user's agency, logged as a list view (the home page shows it too)."""
    user = _user(request)
    found = selectors.inbox_for(user, today(), show=show, page=page)
    lines = [
        Line(row, shared_name(row.referral), [s for s in row.steps if s.name in QUICK_STEPS])
        for row in found.rows
    ]
    access_record(
        actor=user, action=AccessAction.VIEW_LIST, categories=[Category.IDENTITY],
        detail=f"referral inbox ({show})", result_count=len(lines), request=request,
    )  # fmt: skip
    return Inbox(lines, show, found.overdue, found.page, found.has_more)


def _page_number(request: HttpRequest) -> int:
    """The ?page= asked for; anything that is not a positive number is the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The partner inbox: referrals to the user's agency, newest first; open or all."""
    user = _user(request)
    if user.role not in services.RECEIVING_ROLES or not user.agency_id:
        raise PermissionDenied
    show = "all" if request.GET.get("show") == "all" else "open"
    return render(
        request,
        "referrals/inbox.html",
        {
            "title": f"Referrals to {user.agency.name}",  # type: ignore[union-attr]
            "inbox": inbox_section(request, show, _page_number(request)),
            "refers": user.role in services.REFERRING_ROLES,
        },
    )


@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The referrer's open referrals (drafts too), with their state and timers."""
    user = _user(request)
    if user.role not in services.REFERRING_ROLES or not user.agency_id:
        raise PermissionDenied
    rows = selectors.referrals_made_by(user, today())
    in_scope = set(
        people_for(user)
        .filter(pk__in={r.referral.person_id for r in rows})
        .values_list("pk", flat=True)
    )
    reads_names = protocol_levels(user).get(Category.IDENTITY) != Level.NONE
    lines = [
        Line(
            row,
            row.referral.person.full_name
            if reads_names and row.referral.person_id in in_scope
            else "",
            [],
        )
        for row in rows
    ]
    access_record(
        actor=user, action=AccessAction.VIEW_LIST, categories=[Category.IDENTITY],
        detail="referrals made", result_count=len(lines), request=request,
    )  # fmt: skip
    return render(
        request,
        "referrals/sent.html",
        {
            "title": "Referrals you made",
            "lines": lines,
            "receives": user.role in services.RECEIVING_ROLES,
        },
    )
