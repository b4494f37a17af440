"""Cohort capacity per area: resources follow the scale of the problem.

The study found that how many PPOs an area targeted depended on its resources, not on how
much crime it had. By default the partnership's total capacity is shared between areas in
proportion to each area's share of recorded offences, with a floor so that no area is left
without a cohort; a coordinator may override an area's figure with a reason.
"""

from __future__ import annotations

import math


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
