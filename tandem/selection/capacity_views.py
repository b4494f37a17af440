"""Cohort capacity per area: the shared default, and the coordinator's overrides with reasons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.cohort.selectors import cohort_sizes
from tandem.core.access import today
from tandem.core.models import Role, User
from tandem.core.permissions import role_required
from tandem.selection.criteria import PPO_CRITERIA_NAME

from .capacity import capacity_override_clear, capacity_override_set
from .criteria import DEFAULT_PPO, Criteria
from .forms import CapacityClearForm, CapacityOverrideForm
from .models import CapacityOverride, CriteriaSet
from .selectors import (
    CAPACITY_FLOOR,
    DEFAULT_PARTNERSHIP_CAPACITY,
    default_capacities,
    overrides_for,
)


def _lookback_months() -> int:
    """The window the default shares are counted over: the PPO criteria's look-back."""
    criteria_set = CriteriaSet.objects.filter(name=PPO_CRITERIA_NAME).first()
    latest = criteria_set.latest() if criteria_set else None
    return (
        Criteria.from_dict(latest.config).lookback_months if latest else DEFAULT_PPO.lookback_months
    )


@role_required(Role.COORDINATOR)
def capacity(request: HttpRequest) -> HttpResponse:
    """Each area's capacity: the default share, any override with its reason, the cohort now."""
    user: User = request.user  # type: ignore[assignment]
    areas = list(user.areas.order_by("code"))
    defaults = default_capacities(today(), _lookback_months(), areas)
    overrides = overrides_for(areas)
    sizes = cohort_sizes(today(), [a.pk for a in areas])
    rows = [
        {
            "area": area,
            "default": defaults[area.pk],
            "override": overrides.get(area.pk),
            "capacity": overrides[area.pk].capacity if area.pk in overrides else defaults[area.pk],
            "cohort": sizes.get(area.pk, 0),
        }
        for area in areas
    ]
    return render(
        request,
        "selection/capacity.html",
        {
            "title": "Cohort capacity",
            "rows": rows,
            "total": DEFAULT_PARTNERSHIP_CAPACITY,
            "floor": CAPACITY_FLOOR,
            "lookback": _lookback_months(),
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def capacity_edit(request: HttpRequest, area_id: int) -> HttpResponse:
    """Set an area's capacity with a reason, or return it to the shared default."""
    user: User = request.user  # type: ignore[assignment]
    area = user.areas.filter(pk=area_id).first()
    if area is None:
        raise Http404
    override = CapacityOverride.objects.filter(area=area).first()
    default = default_capacities(today(), _lookback_months(), [area])[area.pk]
    set_form = CapacityOverrideForm(
        initial={"capacity": override.capacity if override else default}
    )
    clear_form = CapacityClearForm()
    if request.method == "POST":
        clearing = "clear" in request.POST
        form = CapacityClearForm(request.POST) if clearing else CapacityOverrideForm(request.POST)
        if form.is_valid():
            try:
                if clearing:
                    capacity_override_clear(
                        actor=user, area=area, reason=form.cleaned_data["clear_reason"]
                    )
                else:
                    capacity_override_set(actor=user, area=area, **form.cleaned_data)
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(
                            "clear_reason" if clearing and field == "reason" else field, text
                        )
            else:
                messages.success(
                    request,
                    f"{area.name} uses the shared default again"
                    if clearing
                    else f"{area.name}'s capacity is now {form.cleaned_data['capacity']}",
                )
                return redirect("selection:capacity")
        if clearing:
            clear_form = form  # type: ignore[assignment]
        else:
            set_form = form  # type: ignore[assignment]
    changes = (
        CapacityOverride.history.filter(area_id=area.pk)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "selection/capacity_edit.html",
        {
            "title": f"Capacity of {area.name}",
            "area": area,
            "default": default,
            "override": override,
            "set_form": set_form,
            "clear_form": clear_form,
            "changes": changes,
        },
        status=400 if set_form.errors or clear_form.errors else 200,
    )
