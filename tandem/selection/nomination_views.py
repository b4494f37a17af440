"""Nominating candidates for the area's next forum, and the list of nominations awaiting it."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.cohort.selectors import statuses_on
from tandem.core.access import person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role, User
from tandem.core.permissions import role_required

from .forms import NominationForm, WithdrawForm
from .models import Nomination, NominationSource, NominationStatus, Score
from .nominations import latest_score, nomination_create, nomination_withdraw

NOMINATING_ROLES = (Role.OFFENDER_MANAGER, Role.COORDINATOR)
# Closed nominations stay on the list this long, so a withdrawal is seen by colleagues.
RECENTLY_CLOSED_DAYS = 90


def _form_errors(form: NominationForm | WithdrawForm, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


@role_required(*NOMINATING_ROLES)
@require_http_methods(["GET", "POST"])
def nomination_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Nominate from a scoring list (?score=ID keeps that score) or on local intelligence."""
    user: User = request.user  # type: ignore[assignment]
    person = person_for(user, person_id)
    score = _score_from(request, person.pk)
    area = score.area if score is not None else person.residence_area
    status = statuses_on(today(), [person.pk]).get(person.pk)
    open_nomination = Nomination.objects.filter(person=person, status=NominationStatus.OPEN).first()
    shown_score = score if score is not None else latest_score(person)
    form = NominationForm(request.POST or None)
    http_status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if area is None:
                    raise ValidationError(
                        {"area": "This person has no area of residence on record"}
                    )
                nomination_create(
                    actor=user,
                    person=person,
                    area=area,
                    source=NominationSource.LIST if score else NominationSource.INTELLIGENCE,
                    reason=form.cleaned_data["reason"],
                    score=score,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Nominated for the area's next forum")
                return redirect("selection:nominations")
        http_status = 400
    else:
        access_record(
            actor=user,
            action=AccessAction.VIEW_PERSON,
            person=person,
            categories=[Category.IDENTITY, Category.OFFENDING],
            detail="nomination form",
            request=request,
        )
    return render(
        request,
        "selection/nomination_form.html",
        {
            "title": "Nominate for the next forum",
            "person": person,
            "area": area,
            "score": shown_score,
            "from_list": score is not None,
            "status": status,
            "open_nomination": open_nomination,
            "form": form,
        },
        status=http_status,
    )


def _score_from(request: HttpRequest, person_id: int) -> Score | None:
    """The score named in ?score=, which must be this person's; anything else is not found."""
    value = request.GET.get("score", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    score = (
        Score.objects.filter(pk=int(value), person_id=person_id)
        .select_related("run__criteria_version__criteria_set", "area")
        .first()
    )
    if score is None:
        raise Http404
    return score


def _nominations_for(user: User) -> list[Nomination]:
    """Open nominations in the user's areas, and those closed recently."""
    since = today() - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
    recent = Q(status=NominationStatus.OPEN) | Q(closed_at__date__gte=since)
    return list(
        Nomination.objects.filter(recent, area__in=user.areas.all())
        .select_related("person", "area", "nominated_by", "closed_by")
        .order_by("area__code", "status", "-nominated_at")
    )


@role_required(*NOMINATING_ROLES)
def nominations(request: HttpRequest) -> HttpResponse:
    """Nominations awaiting each of the user's areas' next forum."""
    user: User = request.user  # type: ignore[assignment]
    rows = _nominations_for(user)
    access_record(
        actor=user,
        action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, Category.OFFENDING],
        detail="nominations",
        result_count=len(rows),
        request=request,
    )
    return render(
        request,
        "selection/nominations.html",
        {
            "title": "Nominations",
            "open": [(n, may_withdraw(user, n)) for n in rows if n.status == NominationStatus.OPEN],
            "closed": [n for n in rows if n.status != NominationStatus.OPEN],
        },
    )


def may_withdraw(user: User, nomination: Nomination) -> bool:
    """The nominator, or the coordinator, withdraws; colleagues ask them."""
    return user.role == Role.COORDINATOR or nomination.nominated_by_id == user.pk


@role_required(*NOMINATING_ROLES)
@require_http_methods(["GET", "POST"])
def nomination_withdraw_view(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Withdraw an open nomination before the forum, with a reason."""
    user: User = request.user  # type: ignore[assignment]
    nomination = (
        Nomination.objects.filter(pk=nomination_id, area__in=user.areas.all())
        .select_related("person", "area")
        .first()
    )
    if nomination is None:
        raise Http404
    if not may_withdraw(user, nomination):
        raise PermissionDenied
    if request.method == "GET":
        access_record(
            actor=user,
            action=AccessAction.VIEW_PERSON,
            person=nomination.person,
            categories=[Category.IDENTITY],
            detail="nomination withdrawal form",
            request=request,
        )
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination_withdraw(actor=user, nomination=nomination, note=form.cleaned_data["note"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Nomination withdrawn")
            return redirect("selection:nominations")
    return render(
        request,
        "selection/nomination_withdraw.html",
        {"title": "Withdraw a nomination", "nomination": nomination, "form": form},
        status=400 if form.errors else 200,
    )
