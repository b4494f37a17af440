"""The coordinator's changes between forums, earlier schemes moving across, and new schemes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.casework.models import Allocation, AllocationTrigger
from tandem.casework.selectors import current_leads
from tandem.casework.services import lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.selectors import awaiting_adoption_ratification, awaiting_exit_ratification
from tandem.cohort.services import (
    cohort_adopt_between_forums,
    cohort_exit_between_forums,
    membership_move_scheme,
    scheme_create,
)
from tandem.core.access import today
from tandem.selection.models import NominationSource, NominationStatus
from tandem.selection.nominations import nomination_create

from .test_membership import DAY, adopt


def adopt_between(cast, **overrides) -> Membership:
    values = {
        "actor": cast.coordinator,
        "person": cast.person,
        "area": cast.area_a,
        "strand": Strand.REHABILITATE_RESETTLE,
        "start_date": DAY,
        "reason": "Arrested twice this week; cannot wait for the forum",
    }
    return cohort_adopt_between_forums(**{**values, **overrides})


def earlier_spell(cast, person=None, area=None) -> Membership:
    scheme = Scheme.objects.create(code="POPPS", name="POPPs", accepts_new_members=False)
    return Membership.objects.create(
        person=person or cast.person, area=area or cast.area_a, scheme=scheme,
        strand=Strand.CATCH_CONVICT, start_date=dt.date(2025, 1, 1), basis="Selected by POPPs",
    )  # fmt: skip


def test_adoption_between_forums_awaits_ratification_and_allocates_the_lead(cast):
    membership = adopt_between(cast, lead=cast.om)
    assert membership.between_forums and membership.scheme.code == PPO_SCHEME_CODE
    assert membership.basis == "Arrested twice this week; cannot wait for the forum"
    assert Membership.objects.filter(awaiting_adoption_ratification()).get() == membership
    lead = current_leads([cast.person.pk])[cast.person.pk]
    assert lead.worker == cast.om and lead.start_trigger == AllocationTrigger.ADOPTION
    assert lead.start_date == DAY
    assert membership.history.first().history_user == cast.coordinator


def test_an_open_nomination_is_left_for_the_forum(cast):
    nomination = nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                                   source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    adopt_between(cast)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN


def test_the_current_lead_is_kept_when_chosen_again(cast):
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=dt.date(2026, 1, 1),
                  trigger=AllocationTrigger.USER)  # fmt: skip
    adopt_between(cast, lead=cast.om)
    assert Allocation.objects.count() == 1


def test_adoption_between_forums_is_refused_with_every_reason_and_changes_nothing(cast):
    with pytest.raises(ValidationError) as error:
        adopt_between(cast, reason=" ", strand="", start_date=today() + dt.timedelta(days=1),
                      lead=cast.other_om)  # fmt: skip
    assert set(error.value.message_dict) == {"reason", "strand", "start_date", "lead"}
    with pytest.raises(ValidationError, match="Only the PPO coordinator"):
        adopt_between(cast, actor=cast.om)
    cast.coordinator.areas.remove(cast.area_b)
    with pytest.raises(ValidationError, match="your own areas"):
        adopt_between(cast, person=cast.person_b, area=cast.area_b)
    assert not Membership.objects.exists() and not Allocation.objects.exists()


def test_a_lead_who_cannot_lead_rolls_the_adoption_back(cast):
    cast.viewer.areas.add(cast.area_a)
    with pytest.raises(ValidationError) as error:
        adopt_between(cast, lead=cast.viewer)
    assert "lead" in error.value.message_dict
    assert not Membership.objects.exists()


def test_someone_already_in_a_cohort_or_adopted_meanwhile_is_refused(cast):
    adopt_between(cast)
    with pytest.raises(ValidationError, match="already in a cohort"):
        adopt_between(cast)
    assert Membership.objects.count() == 1


def test_adoption_cannot_overlap_the_last_spell(cast):
    membership = adopt(cast, start_date=dt.date(2026, 1, 1))
    cohort_exit_between_forums(actor=cast.coordinator, membership=membership,
                               end_date=dt.date(2026, 3, 1), end_reason=EndReason.MOVED_AWAY,
                               note="Moved to Leeds")  # fmt: skip
    with pytest.raises(ValidationError, match="before the person's last spell ended"):
        adopt_between(cast, start_date=dt.date(2026, 2, 1))
    assert adopt_between(cast, start_date=dt.date(2026, 3, 1)).start_date == dt.date(2026, 3, 1)


def test_exit_between_forums_awaits_ratification_and_ends_allocations(cast):
    membership = adopt_between(cast, lead=cast.om)
    ended = cohort_exit_between_forums(
        actor=cast.coordinator, membership=membership, end_date=dt.date(2026, 6, 1),
        end_reason=EndReason.LONG_CUSTODY, note="Sentenced to six years",
    )  # fmt: skip
    assert ended.ended_between_forums and ended.end_reason == EndReason.LONG_CUSTODY
    assert ended.exit_awaits_ratification
    assert Membership.objects.filter(awaiting_exit_ratification()).get() == membership
    allocation = Allocation.objects.get()
    assert allocation.end_date == dt.date(2026, 6, 1)
    assert allocation.end_trigger == AllocationTrigger.EXIT
    # A second coordinator working from the same page is told, and nothing changes.
    with pytest.raises(ValidationError, match="already ended"):
        cohort_exit_between_forums(actor=cast.coordinator, membership=membership,
                                   end_date=dt.date(2026, 7, 1),
                                   end_reason=EndReason.OTHER, note="x")  # fmt: skip
    membership.refresh_from_db()
    assert membership.end_date == dt.date(2026, 6, 1)


def test_exit_between_forums_needs_a_note_and_is_not_a_scheme_change(cast):
    membership = adopt_between(cast)
    with pytest.raises(ValidationError) as error:
        cohort_exit_between_forums(actor=cast.coordinator, membership=membership,
                                   end_date=DAY, end_reason=EndReason.MOVED_AWAY,
                                   note=" ")  # fmt: skip
    assert "for the forum that ratifies it" in str(error.value)
    with pytest.raises(ValidationError, match="Move the person"):
        cohort_exit_between_forums(actor=cast.coordinator, membership=membership,
                                   end_date=DAY, end_reason=EndReason.SCHEME_CHANGE,
                                   note="x")  # fmt: skip
    with pytest.raises(ValidationError, match="Only the PPO coordinator"):
        cohort_exit_between_forums(actor=cast.om, membership=membership, end_date=DAY,
                                   end_reason=EndReason.MOVED_AWAY, note="x")  # fmt: skip
    membership.refresh_from_db()
    assert membership.end_date is None


def test_moving_from_an_earlier_scheme_keeps_the_history(cast):
    old = earlier_spell(cast)
    reason = "POPPs closes; the forum agreed to move its members"
    new = membership_move_scheme(actor=cast.coordinator, membership=old, move_date=DAY,
                                 reason=reason)  # fmt: skip
    old.refresh_from_db()
    assert old.end_date == DAY and old.end_reason == EndReason.SCHEME_CHANGE
    assert old.end_note == reason
    assert new.moved_from == old and new.start_date == DAY
    assert new.scheme.code == PPO_SCHEME_CODE
    assert (new.area, new.strand) == (cast.area_a, Strand.CATCH_CONVICT)
    assert new.between_forums
    assert list(cast.person.memberships.order_by("start_date")) == [old, new]


def test_moving_can_change_area_and_strand(cast):
    old = earlier_spell(cast)
    new = membership_move_scheme(actor=cast.coordinator, membership=old, move_date=DAY,
                                 reason="Moved across", area=cast.area_b,
                                 strand=Strand.PREVENT_DETER)  # fmt: skip
    assert (new.area, new.strand) == (cast.area_b, Strand.PREVENT_DETER)


def test_moving_is_refused_when_stale_already_ppo_or_badly_dated(cast):
    old = earlier_spell(cast)
    with pytest.raises(ValidationError) as error:
        membership_move_scheme(actor=cast.coordinator, membership=old,
                               move_date=dt.date(2024, 1, 1), reason=" ")  # fmt: skip
    assert set(error.value.message_dict) == {"move_date", "reason"}
    membership_move_scheme(actor=cast.coordinator, membership=old, move_date=DAY, reason="x")
    with pytest.raises(ValidationError, match="already ended"):
        membership_move_scheme(actor=cast.coordinator, membership=old, move_date=DAY,
                               reason="again")  # fmt: skip
    ppo = Membership.objects.get(scheme__code=PPO_SCHEME_CODE)
    with pytest.raises(ValidationError, match="already in the PPO scheme"):
        membership_move_scheme(actor=cast.coordinator, membership=ppo, move_date=DAY,
                               reason="x")  # fmt: skip
    assert Membership.objects.count() == 2


def test_an_earlier_scheme_is_added_with_a_normalised_unique_code(cast):
    scheme = scheme_create(actor=cast.coordinator, code=" popps ", name="POPPs",
                           description="Prolific offender projects, 2003 to 2005")  # fmt: skip
    assert scheme.code == "POPPS" and not scheme.accepts_new_members
    assert scheme.history.first().history_user == cast.coordinator
    with pytest.raises(ValidationError, match="already exists"):
        scheme_create(actor=cast.coordinator, code="POPPS", name="Again")
    with pytest.raises(ValidationError) as error:
        scheme_create(actor=cast.coordinator, code="no spaces", name=" ")
    assert set(error.value.message_dict) == {"code", "name"}
    with pytest.raises(ValidationError, match="Only the PPO coordinator"):
        scheme_create(actor=cast.om, code="OTHER", name="Other")
    assert Scheme.objects.filter(code__in=["POPPS", "OTHER"]).count() == 1
