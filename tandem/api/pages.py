"""The custody check page, and the coordinator's page for custody-suite instructions."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.models import Area, Role, User
from tandem.core.permissions import role_required

from . import services
from .forms import CandidateForm, CustodyCheckForm, InstructionForm
from .models import INSTRUCTION_MAX_LENGTH, CheckPurpose, CheckStatus
from .selectors import RECENT_EXIT_DAYS, CheckAnswer, instruction_rows, instruction_with_history

ANSWERS_KEY = "tandem_custody_answers"
ANSWERS_KEPT = 10


def _remember(request: HttpRequest, answer: CheckAnswer) -> str:
    """Keep the answer in the session under an opaque token for the answer page's URL.

    Names and dates of birth then stay out of URLs (so out of server logs, browser history
    and Referer headers), and reloading the answer does not check the person again.
    """
    answers: dict[str, Any] = request.session.get(ANSWERS_KEY, {})
    token = secrets.token_urlsafe(9)
    answers[token] = answer.as_dict()
    request.session[ANSWERS_KEY] = dict(list(answers.items())[-ANSWERS_KEPT:])
    return token


def _answer_url(token: str) -> str:
    return f"{reverse('api:custody_check')}?{urlencode({'a': token})}"


def _for_page(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored answer with its ISO dates turned back into dates for the template."""
    answer = dict(stored)
    answer["checked_at"] = dt.datetime.fromisoformat(stored["checked_at"])
    if stored["person"]:
        answer["person"] = {
            **stored["person"],
            "date_of_birth": dt.date.fromisoformat(stored["person"]["date_of_birth"]),
        }
    if stored["left_cohort_on"]:
        answer["left_cohort_on"] = dt.date.fromisoformat(stored["left_cohort_on"])
    answer["candidates"] = [
        {**c, "date_of_birth": dt.date.fromisoformat(c["date_of_birth"])}
        for c in stored["candidates"]
    ]
    answer["purpose_label"] = CheckPurpose(stored["purpose"]).label
    return answer


def _render_form(request: HttpRequest, form: CustodyCheckForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "api/custody_check.html",
        {
            "title": "Custody check",
            "form": form,
            "has_errors": bool(form.errors),
            "recent_exit_days": RECENT_EXIT_DAYS,
        },
        status=status,
    )


@role_required(Role.CUSTODY_OFFICER)
@require_http_methods(["GET", "POST"])
def custody_check(request: HttpRequest) -> HttpResponse:
    """Check by PNC number or by name and date of birth; the answer is on the next page."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = CustodyCheckForm(request.POST)
        if form.is_valid():
            answer = services.custody_check(
                actor=user,
                purpose=form.cleaned_data["purpose"],
                query=form.query(),
                request=request,
            )
            return redirect(_answer_url(_remember(request, answer)))
        return _render_form(request, form, status=400)
    token = request.GET.get("a", "")
    if token:
        stored = request.session.get(ANSWERS_KEY, {}).get(token)
        if stored is None:
            messages.info(request, "That answer has expired: check the person again")
            return redirect("api:custody_check")
        return render(
            request,
            "api/custody_answer.html",
            {
                "title": _title(stored),
                "answer": _for_page(stored),
                "Status": CheckStatus,
                "recent_exit_days": RECENT_EXIT_DAYS,
            },
        )
    return _render_form(request, CustodyCheckForm())


def _title(stored: dict[str, Any]) -> str:
    return f"Custody check: {CheckStatus(stored['status']).label}"


@role_required(Role.CUSTODY_OFFICER)
@require_POST
def custody_check_choose(request: HttpRequest) -> HttpResponse:
    """Check the candidate the officer chose from the possible matches."""
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            answer = services.custody_check_candidate(
                actor=request.user,  # type: ignore[arg-type]
                purpose=form.cleaned_data["purpose"],
                reference=form.cleaned_data["candidate"],
                request=request,
            )
        except ValidationError:
            pass
        else:
            return redirect(_answer_url(_remember(request, answer)))
    messages.info(request, "That choice has expired: check the person again")
    return redirect("api:custody_check")


def _coordinator(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.agency is None:
        raise PermissionDenied
    return user


@role_required(Role.COORDINATOR)
def instructions(request: HttpRequest) -> HttpResponse:
    """The partnership-wide instruction and each of the coordinator's areas'."""
    user = _coordinator(request)
    return render(
        request,
        "api/instructions.html",
        {"title": "Custody-suite instructions", "rows": instruction_rows(user)},
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def instruction_edit(request: HttpRequest, area_id: int | None = None) -> HttpResponse:
    """Change the partnership-wide instruction (no area) or one area's own."""
    user = _coordinator(request)
    partnership = user.agency.partnership  # type: ignore[union-attr]
    area = None
    if area_id is not None:
        area = Area.objects.filter(pk=area_id, partnership=partnership, staff=user).first()
        if area is None:
            raise Http404
    current, history = instruction_with_history(partnership, area)
    form = InstructionForm(request.POST or None, initial={"text": current.text if current else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.custody_instruction_set(
                    actor=user, partnership=partnership, area=area, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                for message in error.message_dict.get("text", error.messages):
                    form.add_error("text", message)
            else:
                messages.success(request, "Instruction saved")
                return redirect("api:instructions")
        status = 400
    return render(
        request,
        "api/instruction_form.html",
        {
            "title": f"Custody-suite instruction: {area.name if area else 'partnership-wide'}",
            "area": area,
            "form": form,
            "has_errors": bool(form.errors),
            "history": history,
            "max_length": INSTRUCTION_MAX_LENGTH,
        },
        status=status,
    )
