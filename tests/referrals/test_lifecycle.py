"""The referral lifecycle: every step by the right side, impossible steps refused and
nothing changed, engagement opened on acceptance and closed at the end, both sides told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.casework.pathways import Pathway
from tandem.core.access import people_for, today
from tandem.core.models import Notice
from tandem.referrals.models import Referral, ReferralState
from tandem.referrals.services import (
    NeedsConfirmation,
    draft_delete,
    outcome_record,
    progress_record,
    referral_create,
    referral_step,
)


def _draft(cast, directory, **extra):
    fields = dict(
        actor=cast.om, person=cast.person, service=directory.housing,
        pathway=Pathway.ACCOMMODATION, reason="No fixed abode on release",
    )  # fmt: skip
    fields.update(extra)
    return referral_create(**fields)


def test_the_whole_life_of_a_referral(cast, directory):
    referral = _draft(cast, directory, consent_given_on=today(),
                      consent_categories=["accommodation"])  # fmt: skip
    assert referral.state == ReferralState.DRAFT and referral.to_agency == cast.other_partner.agency
    housing = cast.other_partner
    assert not people_for(housing).filter(pk=cast.person.pk).exists()
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    assert referral.sent_at is not None
    assert [s["category"] for s in referral.shared["sections"]] == ["identity", "accommodation"]
    assert Notice.objects.filter(recipient=housing).count() == 1
    for step in ("acknowledge", "accept"):
        referral = referral_step(actor=housing, referral=referral, step=step)
    # Accepting engages the agency: its workers may now open the person.
    assert referral.engagement is not None and referral.worker == housing
    assert people_for(housing).filter(pk=cast.person.pk).exists()
    referral = referral_step(actor=housing, referral=referral, step="start")
    note = progress_record(actor=housing, referral=referral, note="Bidding on two flats")
    with pytest.raises(ValidationError, match="before the referral was accepted"):
        progress_record(actor=housing, referral=referral, note="Long ago",
                        written_on=today() - dt.timedelta(days=1))  # fmt: skip
    assert note.category == "accommodation"
    referral = referral_step(actor=housing, referral=referral, step="complete",
                             outcome_summary="Tenancy signed")  # fmt: skip
    assert referral.engagement is not None
    referral.engagement.refresh_from_db()
    assert referral.engagement.end_date == today()
    assert list(referral.events.values_list("state", flat=True)) == [
        "draft",
        "sent",
        "acknowledged",
        "accepted",
        "started",
        "completed",
    ]
    assert all(e.actor_id for e in referral.events.all())
    outcome_record(actor=housing, referral=referral, outcome_summary="Tenancy signed, settled")
    assert Referral.objects.get().outcome_summary == "Tenancy signed, settled"
    # The outcome is its own entry on the timeline, not a second "Completed".
    last = referral.events.last()
    assert last is not None and last.label == "Outcome recorded"
    assert last.note == "Tenancy signed, settled" and last.state == "completed"
    assert [e.label for e in referral.events.all()].count("Completed") == 1
    # The referrer heard of each of the receiving agency's steps.
    assert Notice.objects.filter(recipient=cast.om).count() == 4


def test_impossible_steps_are_refused_and_change_nothing(cast, directory):
    referral = referral_step(actor=cast.om, referral=_draft(cast, directory), step="send")
    housing = cast.other_partner
    referral = referral_step(actor=housing, referral=referral, step="decline",
                             reason="Not in our area's allocation scheme")  # fmt: skip
    before = Referral.objects.values().get()
    with pytest.raises(ValidationError) as caught:
        referral_step(actor=housing, referral=referral, step="complete")
    assert caught.value.messages == ["A referral that is declined cannot be completed."]
    with pytest.raises(ValidationError):
        referral_step(actor=housing, referral=referral, step="start")
    with pytest.raises(ValidationError) as caught:
        referral_step(actor=housing, referral=referral, step="decline", reason="again")
    assert caught.value.messages == ["This referral has already been declined."]
    assert Referral.objects.values().get() == before
    assert referral.events.count() == 3


def test_each_side_takes_only_its_own_steps(cast, directory):
    referral = _draft(cast, directory)
    with pytest.raises(ValidationError):  # only the referrer's side sends
        referral_step(actor=cast.other_partner, referral=referral, step="send")
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    for actor in (cast.om, cast.partner, cast.viewer):  # not the receiving agency
        with pytest.raises(ValidationError):
            referral_step(actor=actor, referral=referral, step="accept")
    with pytest.raises(ValidationError):  # a reason is required
        referral_step(actor=cast.om, referral=referral, step="withdraw")
    referral = referral_step(actor=cast.om, referral=referral, step="withdraw",
                             reason="Moved out of the area")  # fmt: skip
    assert referral.state == ReferralState.WITHDRAWN and referral.end_reason


def test_a_stale_page_is_told_what_changed(cast, directory):
    referral = referral_step(actor=cast.om, referral=_draft(cast, directory), step="send")
    seen = referral.version
    referral_step(actor=cast.other_partner, referral=referral, step="acknowledge")
    with pytest.raises(ValidationError) as caught:
        referral_step(actor=cast.om, referral=referral, step="withdraw", reason="x",
                      seen_version=seen)  # fmt: skip
    assert "changed since you opened it" in caught.value.messages[0]


def test_wrong_route_gets_guidance_and_duplicates_a_warning(cast, directory):
    with pytest.raises(ValidationError) as caught:
        _draft(cast, directory, service=directory.housing_b)
    message = caught.value.message_dict["service"][0]
    assert "does not cover Area A" in message and "Housing options (Test Housing)" in message
    with pytest.raises(ValidationError) as caught:
        _draft(cast, directory, service=directory.drugs)
    assert "does not work on accommodation" in caught.value.message_dict["service"][0]
    _draft(cast, directory)
    with pytest.raises(NeedsConfirmation) as warned:
        _draft(cast, directory)
    assert "already an open referral to this service" in warned.value.warnings[0]
    _draft(cast, directory, confirmed=True)
    assert Referral.objects.count() == 2


def test_a_full_service_and_one_that_will_not_take_someone_in_treatment_warn(cast, directory):
    # In drug treatment now: the structured treatment referral accepted by the drug service.
    treatment = _draft(cast, directory, service=directory.drugs, pathway=Pathway.DRUGS_ALCOHOL)
    treatment = referral_step(actor=cast.om, referral=treatment, step="send")
    referral_step(actor=cast.partner, referral=treatment, step="accept")
    with pytest.raises(NeedsConfirmation) as warned:
        _draft(cast, directory)
    assert warned.value.warnings == [
        "Housing options does not take clients using drugs now, and this person is in drug "
        "treatment: check with the service before referring"
    ]
    # The drug service has one place, and it is taken: the next referral is warned.
    directory.drugs.capacity = 1
    directory.drugs.save()
    with pytest.raises(NeedsConfirmation) as warned:
        _draft(cast, directory, person=cast.person, service=directory.drugs,
               pathway=Pathway.DRUGS_ALCOHOL)  # fmt: skip
    assert any("has no places free now (1 taken of 1)" in w for w in warned.value.warnings)


def test_consent_is_checked_against_the_protocol(cast, directory):
    with pytest.raises(ValidationError) as caught:
        _draft(cast, directory, consent_categories=["accommodation"])
    assert "consent_given_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _draft(cast, directory, consent_categories=["intelligence"], consent_given_on=today())
    assert "may not receive intelligence" in caught.value.message_dict["consent_categories"][0]


def test_a_draft_can_be_deleted_but_a_sent_referral_only_withdrawn(cast, directory):
    draft = _draft(cast, directory)
    draft_delete(actor=cast.om, referral=draft)
    assert not Referral.objects.exists()
    sent = referral_step(actor=cast.om, referral=_draft(cast, directory), step="send")
    with pytest.raises(ValidationError):
        draft_delete(actor=cast.om, referral=sent)


def test_consent_given_on_a_referral_opens_that_category_to_that_agency_only(cast, directory):
    from tandem.core.access import grants_for

    cast.person.engagements.all().delete()  # the cast's stand-in engagement
    referral = referral_create(
        actor=cast.om, person=cast.person, service=directory.drugs,
        pathway=Pathway.DRUGS_ALCOHOL, reason="Opiate use", consent_given_on=today(),
        consent_categories=["substance_misuse"],
    )  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    assert [s["category"] for s in referral.shared["sections"]] == ["identity", "substance_misuse"]
    referral_step(actor=cast.partner, referral=referral, step="accept")
    assert grants_for(cast.partner, cast.person).can_read("substance_misuse")
    # The housing worker, engaged another way, still needs the person's general consent.
    from tandem.people import services as people_services

    people_services.engagement_start(actor=cast.om, agency=cast.other_partner.agency,
                                     person=cast.person, start_date=today())  # fmt: skip
    assert not grants_for(cast.other_partner, cast.person).can_read("substance_misuse")


def test_a_sender_shares_only_what_they_may_read_and_drafts_stay_with_the_referrer(cast, directory):
    from tandem.referrals.selectors import reads_referral

    # The drug service's worker refers onward to housing; they may not read finance.
    with pytest.raises(ValidationError) as caught:
        referral_create(
            actor=cast.partner, person=cast.person, service=directory.housing,
            pathway=Pathway.ACCOMMODATION, reason="Sofa surfing", consent_given_on=today(),
            consent_categories=["finance"],
        )  # fmt: skip
    assert "may not read yourself" in caught.value.message_dict["consent_categories"][0]
    draft = _draft(cast, directory)
    assert reads_referral(cast.om, draft)
    assert not reads_referral(cast.coordinator, draft)  # another's draft is theirs alone
    with pytest.raises(ValidationError):
        referral_step(actor=cast.coordinator, referral=draft, step="send")
