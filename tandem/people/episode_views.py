"""Status pages for offender managers: record, end and correct custody, licence and
community order episodes, and set the monitoring level at liberty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import grants_for, person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role, User
from tandem.core.permissions import role_required

from . import services
from .forms import EpisodeEndForm, EpisodeForm, MonitoringForm
from .models import EpisodeKind, Person, StatusEpisode
from .responsibility import responsibilities
from .status import current_status
from .transfers import leads_in


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person(request: HttpRequest, person_id: int) -> Person:
    """A person in the offender manager's scope whose offending data they may write."""
    user = _user(request)
    person = person_for(user, person_id)
    if not grants_for(user, person).can_write(Category.OFFENDING):
        raise PermissionDenied
    return person


def _viewed(request: HttpRequest, person: Person, detail: str) -> None:
    access_record(
        actor=_user(request),
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=[Category.IDENTITY, Category.OFFENDING],
        detail=detail,
        request=request,
    )


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form: on their field, or above the form."""
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _episode(person: Person, episode_id: int) -> StatusEpisode:
    episode = StatusEpisode.objects.filter(person=person, pk=episode_id).first()
    if episode is None:
        raise Http404
    return episode


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.Form | None
) -> HttpResponse:
    errors = bool(form is not None and form.errors)
    _viewed(request, context["person"], context["title"].lower())
    return render(
        request, template, {**context, "has_errors": errors}, status=400 if errors else 200
    )


@role_required(Role.OFFENDER_MANAGER)
def episodes(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's episodes with end and correct actions, and the monitoring level."""
    person = _person(request, person_id)
    return _episodes_page(request, person, MonitoringForm(initial={"start_date": _today()}))


def _today() -> str:
    return today().strftime("%d/%m/%Y")


def _episodes_page(request: HttpRequest, person: Person, form: MonitoringForm) -> HttpResponse:
    day = today()
    episodes_ = list(person.episodes.all())
    monitoring = list(person.monitoring.select_related("recorded_by"))
    return _page(
        request,
        "people/episodes.html",
        {
            "title": "Custody, licence and community orders",
            "person": person,
            "episodes": episodes_,
            "status": current_status(episodes_, day, monitoring),
            "monitoring": monitoring,
            "kinds": EpisodeKind.choices,
            "form": form,
            "today": day,
        },
        form,
    )


@role_required(Role.OFFENDER_MANAGER)
@require_POST
def monitoring_set(request: HttpRequest, person_id: int) -> HttpResponse:
    """Set the monitoring level that applies while the person is at liberty."""
    person = _person(request, person_id)
    form = MonitoringForm(request.POST)
    if form.is_valid():
        try:
            services.monitoring_set(actor=_user(request), person=person, **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Monitoring level saved")
            return redirect("people:episodes", person_id=person.pk)
    return _episodes_page(request, person, form)


@role_required(Role.OFFENDER_MANAGER)
@require_http_methods(["GET", "POST"])
def episode_add(request: HttpRequest, person_id: int, kind: str) -> HttpResponse:
    """Record a remand, sentence, licence or community order."""
    person = _person(request, person_id)
    if kind not in EpisodeKind.values:
        raise Http404
    form = EpisodeForm(_posted(request), kind=kind, initial={"start_date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_add(
                actor=_user(request), person=person, kind=kind, **form.service_fields()
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {EpisodeKind(kind).label.lower()}")
            return redirect("people:episodes", person_id=person.pk)
    return _page(
        request,
        "people/episode_form.html",
        {
            "title": f"Record: {EpisodeKind(kind).label.lower()}",
            "person": person,
            "kind": kind,
            "form": form,
            "action": "add",
        },
        form,
    )


@role_required(Role.OFFENDER_MANAGER)
@require_http_methods(["GET", "POST"])
def episode_correct(request: HttpRequest, person_id: int, episode_id: int) -> HttpResponse:
    """Correct a recorded episode; the change history keeps what it said before."""
    person = _person(request, person_id)
    episode = _episode(person, episode_id)
    initial = {
        name: getattr(episode, name) for name in EpisodeForm.base_fields if hasattr(episode, name)
    }
    for name in ("start_date", "end_date", "expected_end_date", "next_review_date"):
        if initial.get(name):
            initial[name] = initial[name].strftime("%d/%m/%Y")
    form = EpisodeForm(_posted(request), kind=episode.kind, correcting=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {**_unchanged(episode), **form.service_fields()}
        try:
            services.episode_correct(actor=_user(request), episode=episode, **fields)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Episode corrected")
            return redirect("people:episodes", person_id=person.pk)
    return _page(
        request,
        "people/episode_form.html",
        {
            "title": f"Correct: {episode.get_kind_display().lower()}",
            "person": person,
            "kind": episode.kind,
            "episode": episode,
            "form": form,
            "action": "correct",
        },
        form,
    )


def _unchanged(episode: StatusEpisode) -> dict[str, Any]:
    """The episode's current values, for the fields its kind's form does not show."""
    names = (
        "end_date", "establishment", "expected_end_date", "sentence_months", "sentence_days",
        "release_type", "licence_conditions", "requirements", "outcome", "next_review_date",
    )  # fmt: skip
    values = {name: getattr(episode, name) for name in names}
    values["start_date"] = episode.start_date
    return values


@role_required(Role.OFFENDER_MANAGER)
@require_http_methods(["GET", "POST"])
def episode_end(request: HttpRequest, person_id: int, episode_id: int) -> HttpResponse:
    """End an open episode: a release (with a handover of the lead), a licence's end, or an
    order's end with its outcome."""
    person = _person(request, person_id)
    episode = _episode(person, episode_id)
    leads = None
    if episode.kind == EpisodeKind.SENTENCED:
        found = responsibilities([person.pk], today())[person.pk]
        areas = [a for a in (found.area, person.residence_area) if a is not None]
        leads = leads_in(*areas)
    form = EpisodeEndForm(
        _posted(request),
        kind=episode.kind,
        leads=leads,
        initial={"end_date": _today(), "release_type": episode.release_type},
    )
    if episode.end_date is not None and request.method == "POST":
        messages.info(request, "This episode has already ended")
        return redirect("people:episodes", person_id=person.pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if episode.in_custody:
            data["end_date"] -= dt.timedelta(days=1)  # the last day in custody
        try:
            services.episode_end(actor=_user(request), episode=episode, **data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            if episode.kind == EpisodeKind.SENTENCED:
                messages.success(
                    request,
                    "Release recorded. If they are on licence, record the licence next: "
                    "choose Licence under Record an episode.",
                )
            else:
                messages.success(request, f"Ended: {episode.get_kind_display().lower()}")
            return redirect("people:episodes", person_id=person.pk)
    return _page(
        request,
        "people/episode_end.html",
        {
            "title": f"End: {episode.get_kind_display().lower()}",
            "person": person,
            "episode": episode,
            "form": form,
        },
        form,
    )
