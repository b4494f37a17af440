"""Selection pages for coordinators: criteria and their versions, scoring runs, ranked lists."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role
from tandem.core.permissions import role_required
from tandem.selection.criteria import PPO_CRITERIA_NAME

from . import ogrs3
from .criteria import Criteria
from .forms import CriteriaVersionForm, Ogrs3Form, ScoringRunForm
from .models import CriteriaSet
from .selectors import area_lists, runs_for
from .services import StaleCriteriaError, criteria_version_create, scoring_run_create

LIST_LENGTH = 40


@role_required(Role.COORDINATOR)
def selection_home(request: HttpRequest) -> HttpResponse:
    """The criteria sets, a form to score, and recent runs."""
    form = ScoringRunForm(initial={"as_of": today().strftime("%d/%m/%Y")})
    return _home(request, form)


def _home(request: HttpRequest, form: ScoringRunForm, status: int = 200) -> HttpResponse:
    sets = CriteriaSet.objects.prefetch_related("versions").order_by("name")
    return render(
        request,
        "selection/home.html",
        {
            "title": "Selection",
            "form": form,
            "criteria_sets": sets,
            "runs": runs_for(request.user)[:10],  # type: ignore[arg-type]
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Score everyone as of the chosen date with the chosen criteria version."""
    form = ScoringRunForm(request.POST)
    if not form.is_valid():
        return _home(request, form, status=400)
    run, _scored = scoring_run_create(
        actor=request.user,  # type: ignore[arg-type]
        criteria_version=form.cleaned_data["criteria_version"],
        as_of=form.cleaned_data["as_of"],
    )
    messages.success(request, f"Scored {run.scored} people: {run.eligible} eligible")
    return redirect("selection:run", run_id=run.pk)


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR)
def run_latest(request: HttpRequest) -> HttpResponse:
    """The latest scoring run with the partnership's PPO criteria, for offender managers."""
    run = (
        runs_for(request.user)  # type: ignore[arg-type]
        .filter(criteria_version__criteria_set__name=PPO_CRITERIA_NAME)
        .order_by("-as_of", "-started_at")
        .first()
    )
    if run is None:
        return render(request, "selection/no_runs.html", {"title": "Candidates"})
    return redirect("selection:run", run_id=run.pk)


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR)
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """Each of the user's areas: capacity, cohort, candidates, and the ranked, explained list."""
    run = runs_for(request.user).filter(pk=run_id).first()  # type: ignore[arg-type]
    if run is None:
        raise Http404
    lists = area_lists(run, request.user, show=LIST_LENGTH)  # type: ignore[arg-type]
    shown = sum(len(entry.rows) for entry in lists)
    access_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, Category.OFFENDING],
        detail=f"scoring run {run.pk}",
        result_count=shown,
        request=request,
    )
    return render(
        request,
        "selection/run.html",
        {
            "title": f"Scoring run {run.pk}",
            "run": run,
            "criteria": Criteria.from_dict(run.criteria_version.config),
            "lists": lists,
            "list_length": LIST_LENGTH,
            "is_coordinator": request.user.role == Role.COORDINATOR,  # type: ignore[union-attr]
        },
    )


@role_required(Role.COORDINATOR)
def criteria_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    """Every version of a criteria set, newest first; old versions stay readable."""
    criteria_set = CriteriaSet.objects.filter(pk=set_id).first()
    if criteria_set is None:
        raise Http404
    versions = list(criteria_set.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "selection/criteria.html",
        {
            "title": criteria_set.name,
            "criteria_set": criteria_set,
            "versions": [(v, Criteria.from_dict(v.config)) for v in versions],
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def criteria_version_new(request: HttpRequest, set_id: int) -> HttpResponse:
    """Edit a copy of the latest version and save it as the next version."""
    criteria_set = CriteriaSet.objects.filter(pk=set_id).first()
    if criteria_set is None:
        raise Http404
    latest = criteria_set.latest()
    based_on = latest.number if latest else 0
    if request.method == "POST":
        form = CriteriaVersionForm(request.POST)
        posted_base = request.POST.get("based_on", "")
        if form.is_valid():
            try:
                version = criteria_version_create(
                    actor=request.user,  # type: ignore[arg-type]
                    criteria_set=criteria_set,
                    criteria=form.criteria,
                    note=form.cleaned_data["note"],
                    based_on=int(posted_base) if posted_base.isdigit() else -1,
                )
            except StaleCriteriaError as stale:
                form.add_error(
                    None,
                    f"Someone saved version {stale.args[0]} while you were editing. "
                    "Nothing was saved: look at their version, then make your change again.",
                )
            else:
                messages.success(request, f"Saved as version {version.number}")
                return redirect("selection:criteria", set_id=criteria_set.pk)
        status = 400
        based_on = int(posted_base) if posted_base.isdigit() else based_on
    else:
        initial = CriteriaVersionForm.initial_from(
            Criteria.from_dict(latest.config) if latest else Criteria()
        )
        form = CriteriaVersionForm(initial=initial)
        status = 200
    return render(
        request,
        "selection/criteria_form.html",
        {
            "title": f"New version of {criteria_set.name}",
            "criteria_set": criteria_set,
            "form": form,
            "based_on": based_on,
        },
        status=status,
    )


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER)
def ogrs3_calculator(request: HttpRequest) -> HttpResponse:
    """OGRS3 from its inputs, with any error shown beside the field at fault."""
    form = Ogrs3Form(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            one, two = ogrs3.ogrs3_probabilities(**form.cleaned_data)
        except ogrs3.Ogrs3InputError as error:
            form.add_error(error.field, str(error))
        else:
            result = {"one": one, "two": two, "band": ogrs3.probation_band(two)}
    return render(
        request,
        "selection/ogrs3.html",
        {"title": "OGRS3 calculator", "form": form, "result": result},
        status=400 if form.errors else 200,
    )
