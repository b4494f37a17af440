"""Reads of allocations: the current lead offender manager of each person."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Allocation, AllocationRole


def current_leads(person_ids: Iterable[int]) -> dict[int, Allocation]:
    """Each person's open lead allocation, with the worker and agency, in one query."""
    return {
        allocation.person_id: allocation
        for allocation in Allocation.objects.filter(
            person_id__in=list(person_ids), role=AllocationRole.LEAD, end_date__isnull=True
        ).select_related("worker", "agency")
    }
