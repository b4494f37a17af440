"""Transfers between areas: proposing (idempotent), each area's answer, the coordinator's
decision, the membership moving, and the lead never missing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tandem.casework.models import Allocation, AllocationRole, AllocationTrigger
from tandem.casework.selectors import current_leads
from tandem.cohort.models import EndReason, Membership
from tandem.core.access import today
from tandem.core.models import Notice
from tandem.people import services, transfers
from tandem.people.models import ResponsibilityRule, TransferProposal, TransferStatus

from .transfer_setup import member_in_a, released_to_b


def _proposal(cast) -> TransferProposal:
    member_in_a(cast)
    released_to_b(cast)
    # Recording custody re-applied the rules: the release address is in B.
    return TransferProposal.objects.get(person=cast.person)


def _subjects(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("subject", flat=True))


def test_recording_custody_with_a_release_address_elsewhere_proposes_a_transfer(cast):
    proposal = _proposal(cast)
    assert (proposal.from_area, proposal.to_area) == (cast.area_a, cast.area_b)
    assert proposal.rule == ResponsibilityRule.RELEASE_ADDRESS
    assert proposal.reason == "In custody: the intended release address is in Area B"
    assert proposal.status == TransferStatus.PROPOSED
    assert proposal.proposed_by == cast.om
    # The lead and the coordinators of both areas are told.
    assert _subjects(cast.om) == ["Transfer proposed from Area A to Area B"]
    assert _subjects(cast.coordinator) == ["Transfer proposed from Area A to Area B"]


def test_proposing_is_idempotent(cast):
    proposal = _proposal(cast)
    again = transfers.transfer_review(actor=None, person=cast.person)
    assert again == proposal
    summary = transfers.transfers_propose_all()
    assert (summary.proposed, summary.already_open) == (0, 1)
    assert TransferProposal.objects.count() == 1
    assert Notice.objects.filter(recipient=cast.om).count() == 1


def test_the_command_proposes_for_every_member_and_says_only_counts(cast):
    member_in_a(cast)
    released_to_b(cast)
    TransferProposal.objects.all().delete()
    out = StringIO()
    call_command("transfers", "propose", stdout=out)
    assert TransferProposal.objects.get().proposed_by is None  # proposed by Tandem
    assert "1 transfers proposed" in out.getvalue()
    assert "Jordan" not in out.getvalue()
    call_command("transfers", "propose", stdout=out)
    assert TransferProposal.objects.count() == 1


def test_both_areas_accepting_moves_the_membership_and_keeps_the_lead(cast):
    proposal = _proposal(cast)
    transfers.transfer_respond(actor=cast.om, proposal=proposal, side="sending", response="accept")
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.PROPOSED  # waiting for B
    transfers.transfer_respond(
        actor=cast.other_om, proposal=proposal, side="receiving", response="accept"
    )
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.ACCEPTED
    old = Membership.objects.get(pk=proposal.membership_id)
    assert old.end_reason == EndReason.TRANSFERRED and old.end_date is not None
    new = proposal.new_membership
    assert new is not None
    assert (new.area, new.moved_from, new.between_forums) == (cast.area_b, old, True)
    # The lead does not work in B and nobody was named: they stay lead, never nobody.
    assert current_leads([cast.person.pk])[cast.person.pk].worker == cast.om
    assert transfers.awaiting_lead([proposal]) == {proposal.pk}
    assert "Transferred from Area A to Area B" in _subjects(cast.om)
    assert "Transferred from Area A to Area B" in _subjects(cast.coordinator)
    # The receiving area then allocates its lead: a handover triggered by the transfer.
    transfers.transfer_lead_allocate(actor=cast.other_om, proposal=proposal, lead=cast.other_om)
    lead = current_leads([cast.person.pk])[cast.person.pk]
    assert (lead.worker, lead.start_trigger) == (cast.other_om, AllocationTrigger.TRANSFER)
    ended = Allocation.objects.get(person=cast.person, worker=cast.om, role=AllocationRole.LEAD)
    assert ended.end_trigger == AllocationTrigger.TRANSFER
    assert transfers.awaiting_lead([proposal]) == set()
    assert "Lead handed over after the transfer to Area B" in _subjects(cast.other_om)


def test_the_receiving_area_can_name_the_new_lead_when_it_accepts(cast):
    proposal = _proposal(cast)
    transfers.transfer_respond(
        actor=cast.other_om, proposal=proposal, side="receiving", response="accept",
        lead=cast.other_om,
    )  # fmt: skip
    transfers.transfer_respond(actor=cast.om, proposal=proposal, side="sending", response="accept")
    lead = current_leads([cast.person.pk])[cast.person.pk]
    assert (lead.worker, lead.start_trigger) == (cast.other_om, AllocationTrigger.TRANSFER)
    assert "Transferred from Area A to Area B" in _subjects(cast.other_om)


def test_an_area_answers_only_for_itself_and_once(cast):
    proposal = _proposal(cast)
    with pytest.raises(ValidationError, match="Area B answer for it"):
        transfers.transfer_respond(
            actor=cast.om, proposal=proposal, side="receiving", response="accept"
        )
    with pytest.raises(ValidationError, match="Area A answer for it"):
        transfers.transfer_respond(
            actor=cast.viewer, proposal=proposal, side="sending", response="accept"
        )
    transfers.transfer_respond(actor=cast.om, proposal=proposal, side="sending", response="accept")
    with pytest.raises(ValidationError, match="already answered"):
        transfers.transfer_respond(
            actor=cast.coordinator, proposal=proposal, side="sending", response="dispute",
            note="Changed our mind",
        )  # fmt: skip


def test_a_dispute_needs_a_reason_and_goes_to_the_coordinator(cast):
    proposal = _proposal(cast)
    with pytest.raises(ValidationError) as error:
        transfers.transfer_respond(
            actor=cast.other_om, proposal=proposal, side="receiving", response="dispute"
        )
    assert "note" in error.value.message_dict
    transfers.transfer_respond(
        actor=cast.other_om, proposal=proposal, side="receiving", response="dispute",
        note="The release address is not confirmed",
    )  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.DISPUTED
    assert "Transfer disputed by Area B: the coordinator decides" in _subjects(cast.coordinator)
    with pytest.raises(ValidationError, match="takes no more answers"):
        transfers.transfer_respond(
            actor=cast.om, proposal=proposal, side="sending", response="accept"
        )
    with pytest.raises(ValidationError, match="coordinator of both areas"):
        transfers.transfer_resolve(
            actor=cast.om, proposal=proposal, resolution="stay", reason="We keep them"
        )


def test_the_coordinator_decides_to_keep_them_and_the_decision_stands(cast):
    proposal = _proposal(cast)
    transfers.transfer_respond(
        actor=cast.other_om, proposal=proposal, side="receiving", response="dispute",
        note="Not confirmed",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        transfers.transfer_resolve(
            actor=cast.coordinator, proposal=proposal, resolution="stay", reason=" "
        )
    assert "reason" in error.value.message_dict
    transfers.transfer_resolve(
        actor=cast.coordinator, proposal=proposal, resolution="stay",
        reason="Release address unconfirmed; A keeps the case until release",
    )  # fmt: skip
    proposal.refresh_from_db()
    assert (proposal.status, proposal.resolution) == (TransferStatus.RESOLVED, "stay")
    assert Membership.objects.get(pk=proposal.membership_id).end_date is None
    assert current_leads([cast.person.pk])[cast.person.pk].worker == cast.om
    # The nightly run does not propose the same move again.
    assert transfers.transfer_review(actor=None, person=cast.person) is None
    assert TransferProposal.objects.count() == 1


def test_the_coordinator_decides_to_transfer_with_a_new_lead(cast):
    proposal = _proposal(cast)
    transfers.transfer_respond(
        actor=cast.om, proposal=proposal, side="sending", response="dispute", note="Not yet"
    )
    transfers.transfer_resolve(
        actor=cast.coordinator, proposal=proposal, resolution="transfer",
        reason="The release address is confirmed by housing", lead=cast.other_om,
    )  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.new_membership is not None and proposal.new_membership.area == cast.area_b
    assert current_leads([cast.person.pk])[cast.person.pk].worker == cast.other_om


def test_release_hands_over_the_lead_and_withdraws_a_proposal_the_rules_no_longer_support(cast):
    proposal = _proposal(cast)
    episode = proposal.person.episodes.get(kind="sentenced")
    # Released today: yesterday was the last day in custody.
    services.episode_end(
        actor=cast.om, episode=episode, end_date=today() - dt.timedelta(days=1),
        release_type="automatic",
        new_lead=cast.other_om,
    )  # fmt: skip
    lead = current_leads([cast.person.pk])[cast.person.pk]
    assert (lead.worker, lead.start_trigger) == (cast.other_om, AllocationTrigger.RELEASE)
    ended = Allocation.objects.get(person=cast.person, worker=cast.om, role=AllocationRole.LEAD)
    assert ended.end_trigger == AllocationTrigger.RELEASE
    # Out of custody, the person's home in A decides again: the unanswered proposal goes.
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.WITHDRAWN
