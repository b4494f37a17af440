"""Lead offender managers: one at a time, handed over without a gap, only to those who can lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.casework.models import Allocation, AllocationRole, AllocationTrigger
from tandem.casework.selectors import current_leads
from tandem.casework.services import allocations_end, lead_allocate

DAY = dt.date(2026, 3, 2)


def test_a_handover_ends_the_old_lead_the_day_the_new_one_starts(cast):
    first = lead_allocate(actor=cast.coordinator, person=cast.person, worker=cast.om,
                          start_date=DAY, trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    second = lead_allocate(actor=cast.coordinator, person=cast.person, worker=cast.other_om,
                           start_date=DAY + dt.timedelta(days=30),
                           trigger=AllocationTrigger.TRANSFER, note="Moved to B")  # fmt: skip
    first.refresh_from_db()
    assert first.end_date == second.start_date and first.end_trigger == AllocationTrigger.TRANSFER
    assert second.agency == cast.other_om.agency
    assert current_leads([cast.person.pk]) == {cast.person.pk: second}


def test_only_offender_managers_of_justice_agencies_lead(cast):
    for worker in (cast.partner, cast.coordinator, cast.viewer):
        with pytest.raises(ValidationError, match="must be a police, probation or prison"):
            lead_allocate(actor=None, person=cast.person, worker=worker, start_date=DAY,
                          trigger=AllocationTrigger.USER)  # fmt: skip
    assert not Allocation.objects.exists()


def test_refused_twice_the_same_lead_backdated_before_the_current_or_in_the_future(cast):
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=DAY,
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    with pytest.raises(ValidationError, match="already the lead"):
        lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=DAY,
                      trigger=AllocationTrigger.USER)  # fmt: skip
    with pytest.raises(ValidationError, match="cannot start before"):
        lead_allocate(actor=None, person=cast.person, worker=cast.other_om,
                      start_date=DAY - dt.timedelta(days=1),
                      trigger=AllocationTrigger.USER)  # fmt: skip
    with pytest.raises(ValidationError, match="future"):
        lead_allocate(actor=None, person=cast.person, worker=cast.other_om,
                      start_date=dt.date(2999, 1, 1), trigger=AllocationTrigger.USER)  # fmt: skip
    assert Allocation.objects.count() == 1


def test_leaving_the_cohort_ends_every_allocation(cast):
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=DAY,
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    assert allocations_end(actor=None, person=cast.person, end_date=DAY + dt.timedelta(days=9),
                           trigger=AllocationTrigger.EXIT) == 1  # fmt: skip
    assert current_leads([cast.person.pk]) == {}
    assert Allocation.objects.get().role == AllocationRole.LEAD
