"""A referral's own page with the steps each side may take, and the receiving agency's
pages for recording progress and the outcome."""

from __future__ import annotations

import datetime as dt
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

from tandem.casework.pathways import PATHWAY_CATEGORY
from tandem.core.access import grants_for, people_for, today
from tandem.core.categories import Category
from tandem.core.models import User

from . import selectors, services, sharing
from .form_views import _preview_page
from .forms import OutcomeForm, ProgressForm, StepForm
from .models import ENDED_STATES, Referral, ReferralState
from .rules import STEPS, Step
from .view_common import (
    _copy_errors,
    _log,
    _reader,
    _receives,
    _referrer_contact,
    _user,
    _with_version,
    shared_name,
)

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
            # Quick steps from a list go back to it: the inbox page, or the home page
            # (a partner worker's inbox). Only these two names, never a posted URL.
            back = {"inbox": "referrals:inbox", "home": "core:home"}.get(
                request.POST.get("next", "")
            )
            if back:
                return redirect(back)
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
    refusal = services.progress_refusal(referral)
    if request.method == "GET" and refusal:
        messages.info(request, refusal)
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
