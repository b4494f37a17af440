"""Cohort capacity per area: resources follow the scale of the problem.

The study found that how many PPOs an area targeted depended on its resources, not on how
much crime it had. By default the partnership's total capacity is shared between areas in
proportion to each area's share of recorded offences, with a floor so that no area is left
without a cohort; a coordinator may override an area's figure with a reason.
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.core.models import Area, User

from .models import CapacityOverride


def share_capacity(total: int, offences_by_area: dict[int, int], floor: int) -> dict[int, int]:
    """Split `total` places between areas by their offences, each getting at least `floor`.

    Largest-remainder rounding keeps the parts summing to the total (when the floors allow).
    """
    if total < 0 or floor < 0:
        raise ValueError("Capacity and floor cannot be negative")
    areas = sorted(offences_by_area)
    if not areas:
        return {}
    if floor * len(areas) >= total:
        return {area: floor for area in areas}
    shares = dict.fromkeys(areas, floor)
    remaining = total - floor * len(areas)
    offences = sum(offences_by_area.values())
    if offences == 0:
        weights = dict.fromkeys(areas, 1.0 / len(areas))
    else:
        weights = {area: offences_by_area[area] / offences for area in areas}
    exact = {area: remaining * weights[area] for area in areas}
    for area in areas:
        shares[area] += math.floor(exact[area])
    leftover = total - sum(shares.values())
    by_remainder = sorted(areas, key=lambda a: (-(exact[a] - math.floor(exact[a])), a))
    for area in by_remainder[:leftover]:
        shares[area] += 1
    return shares


MAX_AREA_CAPACITY = 1000
# The history table's change-reason column, which alone keeps why an override was removed.
CLEAR_REASON_LENGTH = 100


def capacity_override_set(
    *, actor: User, area: Area, capacity: int, reason: str
) -> CapacityOverride:
    """Replace an area's default capacity with the coordinator's figure, with a reason."""
    errors: dict[str, str] = {}
    if not 0 <= capacity <= MAX_AREA_CAPACITY:
        errors["capacity"] = f"Capacity must be a whole number from 0 to {MAX_AREA_CAPACITY}"
    if not reason.strip():
        errors["reason"] = "Say why this area's capacity differs from the shared default"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override = CapacityOverride.objects.select_for_update().filter(area=area).first()
        if override is None:
            override = CapacityOverride(area=area)
        override.capacity = capacity
        override.reason = reason.strip()
        override.set_by = actor
        override._history_user = actor  # type: ignore[attr-defined]
        override.save()
    return override


def capacity_override_clear(*, actor: User, area: Area, reason: str) -> None:
    """Go back to the shared default for an area; the history keeps who did it and why."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the area goes back to the shared default"})
    if len(reason.strip()) > CLEAR_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason to {CLEAR_REASON_LENGTH} characters or fewer"}
        )
    with transaction.atomic():
        override = CapacityOverride.objects.select_for_update().filter(area=area).first()
        if override is None:
            raise ValidationError({"reason": "This area already uses the shared default"})
        override._history_user = actor  # type: ignore[attr-defined]
        override._change_reason = reason.strip()  # type: ignore[attr-defined]
        override.delete()
