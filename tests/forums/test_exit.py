"""Exit: the readiness panel from the record, the post-exit contact plan, and offending
after exit flagged once to the coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.cohort.models import EndReason
from tandem.cohort.services import membership_end
from tandem.core.access import today
from tandem.core.categories import Category
from tandem.core.models import AgencyKind, Notice
from tandem.forums import services
from tandem.forums.exit import readiness_for
from tandem.forums.models import ExitCriteria, ItemKind, Outcome, ReoffendingAfterExit
from tandem.offending.models import DrugTest, Offence, OffenceType
from tandem.people import services as people_services

from ..cohort.test_membership import adopt
from ..factories import AgencyFactory
from ..personas import signed_in_client

DAY = dt.date(2026, 9, 1)


def offence(person, day, outcome="convicted"):
    return Offence.objects.create(
        person=person,
        offence_type=OffenceType.objects.get(code="SHOPLIFTING"),
        offence_date=day,
        outcome=outcome,
        source_system="TEST",
        source_ref=f"{person.pk}-{day}",
        sanction_date=day if outcome == "convicted" else None,
    )


def criteria_of(cast, membership, on=DAY):
    readiness = readiness_for([membership], on, set(Category.values))[membership.person_id]
    return {c.label: c for c in readiness.criteria}, readiness


def test_a_new_member_with_recent_offending_meets_few_criteria(cast):
    member = adopt(cast, start_date=DAY - dt.timedelta(days=40))
    offence(cast.person, DAY - dt.timedelta(days=10))
    DrugTest.objects.create(
        person=cast.person,
        test_date=DAY - dt.timedelta(days=5),
        setting="arrest",
        opiates="positive",
        cocaine="negative",
        other="not_tested",
    )
    found, readiness = criteria_of(cast, member)
    assert not found["At least 3 months on the scheme"].met
    assert not found["Time limit reached"].met
    assert not found["No proven offending in the last 6 months"].met
    assert found["Settled accommodation"].met  # the factory gives a home address
    assert not found["Engaged in education, training or employment"].met
    assert not found["Drug treatment completed or not needed"].met
    assert readiness.met == 2 and not readiness.ready  # settled, and no breach


def test_a_settled_member_after_the_time_limit_is_ready(cast):
    member = adopt(cast, start_date=dt.date(2025, 12, 1))
    offence(cast.person, dt.date(2025, 11, 1))  # before joining, more than 6 months back
    offence(cast.person, DAY - dt.timedelta(days=3), outcome="nfa")  # not proven
    ete = AgencyFactory(name="Test ETE", kind=AgencyKind.ETE, statutory=False)
    people_services.engagement_start(
        actor=None, agency=ete, person=cast.person, start_date=dt.date(2026, 5, 1)
    )
    found, readiness = criteria_of(cast, member)
    assert found["Time limit reached"].evidence == "6 months from joining: 1 June 2026"
    assert readiness.ready, [c for c in readiness.criteria if not c.met]


def test_an_extension_moves_the_time_limit_and_criteria_follow_the_partnership(cast, meeting):
    member = adopt(cast, start_date=dt.date(2025, 12, 1))
    services.item_add(actor=cast.coordinator, meeting=meeting, title="Review", person=cast.person)
    item = meeting.items.get()
    item.kind = ItemKind.REVIEW
    item.membership = member
    item.save()
    services.decision_record(
        actor=cast.coordinator,
        item=item,
        outcome=Outcome.EXTEND,
        rationale="Needs longer",
        review_by=today() + dt.timedelta(days=60),
    )
    found, _ = criteria_of(cast, member, today())
    assert (
        not found["Time limit reached"].met
        and "Extended by a forum" in found["Time limit reached"].evidence
    )
    ExitCriteria.objects.create(engaged_in_ete=False, settled_accommodation=False)
    found, _ = criteria_of(cast, member, today())
    assert "Settled accommodation" not in found and len(found) == 5


def test_a_post_exit_contact_plan_goes_only_with_exit_and_within_a_year(cast, meeting):
    adopt(cast, start_date=today() - dt.timedelta(days=200))
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    review = meeting.items.get(kind=ItemKind.REVIEW)
    with pytest.raises(ValidationError, match="goes with an exit"):
        services.decision_record(
            actor=cast.coordinator,
            item=review,
            outcome=Outcome.CONTINUE,
            rationale="x",
            post_exit_contact="Monthly call",
        )
    with pytest.raises(ValidationError, match="within 12 months"):
        services.decision_record(
            actor=cast.coordinator,
            item=review,
            outcome=Outcome.EXIT,
            rationale="Progress",
            end_reason=EndReason.EXIT_CRITERIA_MET,
            post_exit_contact="Monthly call",
            post_exit_until=today() + dt.timedelta(days=800),
        )
    decision = services.decision_record(
        actor=cast.coordinator,
        item=review,
        outcome=Outcome.EXIT,
        rationale="Progress",
        end_reason=EndReason.EXIT_CRITERIA_MET,
        post_exit_contact="Monthly call",
        post_exit_until=today() + dt.timedelta(days=90),
    )
    assert decision.membership_ended is not None and decision.post_exit_contact == "Monthly call"


def test_offending_after_exit_is_flagged_once_to_the_coordinator(cast):
    member = adopt(cast, start_date=today() - dt.timedelta(days=300))
    membership_end(
        actor=cast.coordinator,
        membership=member,
        end_date=today() - dt.timedelta(days=60),
        end_reason=EndReason.EXIT_CRITERIA_MET,
    )
    gone = adopt(cast, person=cast.person_b, start_date=today() - dt.timedelta(days=300))
    membership_end(
        actor=cast.coordinator,
        membership=gone,
        end_date=today() - dt.timedelta(days=60),
        end_reason=EndReason.DECEASED,
    )
    offence(cast.person, today() - dt.timedelta(days=70))  # before exit: not counted
    assert services.reoffending_after_exit_flag(on=today()) == 0
    offence(cast.person, today() - dt.timedelta(days=20))
    offence(cast.person_b, today() - dt.timedelta(days=20))  # not watched: deceased
    assert services.reoffending_after_exit_flag(on=today()) == 1
    assert services.reoffending_after_exit_flag(on=today()) == 0  # once
    flag = ReoffendingAfterExit.objects.get()
    assert flag.first_offence_date == today() - dt.timedelta(days=20)
    notice = Notice.objects.get(recipient=cast.coordinator)
    assert str(cast.person.pk) in notice.subject
    page = signed_in_client(cast.coordinator).get(reverse("forums:home")).content.decode()
    assert "Offending after exit" in page


def test_only_the_coordinator_sets_the_criteria_and_bad_input_changes_nothing(cast):
    url = reverse("forums:exit_criteria")
    assert signed_in_client(cast.om).get(url).status_code == 403
    client = signed_in_client(cast.coordinator)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "min_months_on_scheme": "9",
            "time_limit_months": "6",
            "no_proven_offending_months": "x",
            "reoffending_watch_months": "12",
        },
    )
    assert bad.status_code == 400 and not ExitCriteria.objects.exists()
    good = client.post(
        url,
        {
            "min_months_on_scheme": "3",
            "time_limit_months": "9",
            "no_proven_offending_months": "6",
            "reoffending_watch_months": "12",
            "settled_accommodation": "on",
        },
    )
    assert good.status_code == 302
    saved = ExitCriteria.objects.get()
    assert saved.time_limit_months == 9 and saved.settled_accommodation
    assert not saved.engaged_in_ete


def test_a_recently_breached_order_is_an_outstanding_breach(cast):
    from tandem.people.models import EpisodeKind, OrderOutcome, StatusEpisode

    member = adopt(cast, start_date=dt.date(2025, 12, 1))
    StatusEpisode.objects.create(
        person=cast.person,
        kind=EpisodeKind.COMMUNITY_ORDER,
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 7, 1),
        outcome=OrderOutcome.BREACHED,
    )
    found, _ = criteria_of(cast, member)
    assert not found["No outstanding breach"].met
    assert found["No outstanding breach"].evidence == "Community order breached, ended 1 July 2026"
    found, _ = criteria_of(cast, member, dt.date(2027, 2, 1))  # outside the window
    assert found["No outstanding breach"].met


def test_the_person_page_shows_readiness_to_those_who_read_offending(cast):
    adopt(cast, start_date=dt.date(2025, 12, 1))
    url = reverse("people:detail", args=[cast.person.pk])
    page = signed_in_client(cast.om).get(url).content.decode()
    assert "Exit readiness" in page and "Time limit reached" in page
    partner = signed_in_client(cast.partner).get(url).content.decode()
    assert "Exit readiness" not in partner


def test_criteria_from_categories_the_reader_may_not_read_are_left_out(cast):
    member = adopt(cast, start_date=dt.date(2025, 12, 1))
    readable = set(Category.values) - {Category.SUBSTANCE_MISUSE, Category.ACCOMMODATION}
    labels = {c.label for c in readiness_for([member], DAY, readable)[cast.person.pk].criteria}
    assert "Drug treatment completed or not needed" not in labels
    assert "Settled accommodation" not in labels
    assert "Time limit reached" in labels


def test_drug_treatment_criterion_follows_the_drug_referral(cast):
    from django.utils import timezone

    from tandem.casework.pathways import Pathway
    from tandem.referrals.models import PartnerService, Referral
    from tandem.referrals.services import referral_create, referral_step

    on = today()
    member = adopt(cast, start_date=on - dt.timedelta(days=200))
    DrugTest.objects.create(
        person=cast.person, test_date=on - dt.timedelta(days=60), setting="arrest",
        opiates="positive", cocaine="negative", other="not_tested",
    )  # fmt: skip
    # The cast's drug service engagement predates referrals; end it so only the referral counts.
    cast.person.engagements.update(end_date=on - dt.timedelta(days=100))
    service = PartnerService.objects.create(
        agency=cast.partner.agency, name="Structured treatment", contact="0100",
        pathways=[Pathway.DRUGS_ALCOHOL], offer="Scripts",
    )  # fmt: skip
    service.areas.set([cast.area_a])
    referral = referral_create(actor=cast.om, person=cast.person, service=service,
                               pathway=Pathway.DRUGS_ALCOHOL, reason="Opiate use")  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")

    def criterion():
        found, _ = criteria_of(cast, member, on)
        return found["Drug treatment completed or not needed"]

    assert not criterion().met
    assert criterion().evidence == "Referred to Structured treatment: sent, not started yet"
    for step in ("accept", "start"):
        referral = referral_step(actor=cast.partner, referral=referral, step=step)
    assert criterion().evidence.startswith("In treatment with Structured treatment since")
    referral_step(actor=cast.partner, referral=referral, step="complete")
    assert criterion().met is True
    assert criterion().evidence == f"Completed Structured treatment on {on:%-d %B %Y}"
    Referral.objects.update(state="disengaged", end_reason="Stopped coming",
                            ended_at=timezone.now())  # fmt: skip
    assert criterion().met is False and "disengaged" in criterion().evidence
