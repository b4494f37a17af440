"""Cohort membership: dated spells with a basis, one at a time, ended only with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.selectors import cohort_sizes, members_on, statuses_on
from tandem.cohort.services import membership_end, membership_start
from tandem.core.access import today

DAY = dt.date(2026, 3, 2)


def ppo() -> Scheme:
    return Scheme.objects.get(code=PPO_SCHEME_CODE)


def adopt(cast, person=None, **overrides) -> Membership:
    values = {
        "actor": cast.coordinator,
        "person": person or cast.person,
        "area": cast.area_a,
        "scheme": ppo(),
        "strand": Strand.REHABILITATE_RESETTLE,
        "start_date": DAY,
        "basis": "Adopted at the forum",
    }
    return membership_start(**{**values, **overrides})


def test_the_ppo_scheme_ships_with_the_criteria_it_selects_by(cast):
    criteria_set = ppo().criteria_set
    assert criteria_set is not None and criteria_set.name == "PPO criteria"


def test_adoption_needs_a_basis_a_strand_and_a_date_not_in_the_future(cast):
    with pytest.raises(ValidationError) as error:
        adopt(cast, basis="  ", strand="unknown", start_date=today() + dt.timedelta(days=1))
    assert set(error.value.message_dict) == {"basis", "strand", "start_date"}
    assert not Membership.objects.exists()


def test_nobody_is_in_the_cohort_twice(cast):
    adopt(cast)
    with pytest.raises(ValidationError, match="already in a cohort"):
        adopt(cast, area=cast.area_b)
    assert Membership.objects.count() == 1


def test_an_earlier_scheme_takes_no_one_new_but_its_members_move_across(cast):
    earlier = Scheme.objects.create(code="OLD", name="Earlier scheme", accepts_new_members=False)
    with pytest.raises(ValidationError, match="takes no new members"):
        adopt(cast, scheme=earlier)
    old = Membership.objects.create(
        person=cast.person, area=cast.area_a, scheme=earlier, strand=Strand.CATCH_CONVICT,
        start_date=dt.date(2025, 1, 1), basis="Earlier scheme", end_date=DAY,
        end_reason=EndReason.SCHEME_CHANGE,
    )  # fmt: skip
    moved = adopt(cast, moved_from=old)
    assert moved.moved_from == old and old.moved_to == moved


def test_ending_needs_a_reason_and_a_sensible_date(cast):
    membership = adopt(cast)

    def end(day: dt.date, reason: str, note: str = "") -> Membership:
        return membership_end(
            actor=cast.coordinator, membership=membership, end_date=day, end_reason=reason,
            note=note,
        )  # fmt: skip

    with pytest.raises(ValidationError) as error:
        end(DAY - dt.timedelta(days=1), "")
    assert set(error.value.message_dict) == {"end_date", "end_reason"}
    with pytest.raises(ValidationError, match="Say why"):
        end(DAY, EndReason.OTHER)
    membership_end(
        actor=cast.coordinator, membership=membership, end_date=dt.date(2026, 6, 1),
        end_reason=EndReason.EXIT_CRITERIA_MET,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="already ended"):
        end(dt.date(2026, 7, 1), EndReason.OTHER, "x")
    membership.refresh_from_db()
    assert membership.end_date == dt.date(2026, 6, 1)
    assert membership.history.first().history_user == cast.coordinator


def test_on_the_end_date_the_person_is_no_longer_a_member(cast):
    membership = adopt(cast)
    membership_end(
        actor=cast.coordinator, membership=membership, end_date=dt.date(2026, 6, 1),
        end_reason=EndReason.EXIT_CRITERIA_MET,
    )  # fmt: skip
    assert members_on(dt.date(2026, 5, 31)).count() == 1
    assert members_on(dt.date(2026, 6, 1)).count() == 0
    assert members_on(DAY - dt.timedelta(days=1)).count() == 0
    assert cohort_sizes(dt.date(2026, 5, 31), [cast.area_a.pk, cast.area_b.pk]) == {
        cast.area_a.pk: 1
    }


def test_statuses_say_member_recent_leaver_or_nothing(cast):
    membership = adopt(cast)
    adopt(cast, person=cast.person_b, area=cast.area_b)
    membership_end(
        actor=cast.coordinator, membership=membership, end_date=dt.date(2026, 6, 1),
        end_reason=EndReason.EXIT_CRITERIA_MET,
    )  # fmt: skip
    statuses = statuses_on(dt.date(2026, 7, 1), [cast.person.pk, cast.person_b.pk, 0])
    assert statuses[cast.person.pk].label == "Left on 1 June 2026: exit criteria met"
    assert statuses[cast.person_b.pk].label == "In the cohort since 2 March 2026"
    assert 0 not in statuses
    # A year and more after leaving, the person is simply not in the cohort.
    assert cast.person.pk not in statuses_on(dt.date(2027, 7, 1), [cast.person.pk])
