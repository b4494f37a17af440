"""The demo city's service directory and referrals: every stage, realistic delays, events
with actors, engagements that come from referrals, and a drug treatment panel with a gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tandem.casework.models import MentoringPairing
from tandem.casework.pathways import Pathway
from tandem.core.access import people_for
from tandem.core.models import Agency, Role, User
from tandem.demo.generator import generate_city
from tandem.people.models import CUSTODY_KINDS, Engagement, StatusEpisode
from tandem.referrals.models import (
    OPEN_STATES,
    PartnerService,
    ProgressNote,
    Referral,
    ReferralEvent,
    ReferralState,
)
from tandem.referrals.timers import timer_for
from tandem.referrals.treatment import treatment_panel
from tandem.referrals.working_days import working_days_between

SEED = 11
PEOPLE = 300
DAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def city(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_city(seed=SEED, people=PEOPLE, as_of=DAY)
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("city")]


def _local(at: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(at)


def test_the_directory_covers_every_pathway_and_partner_agency():
    services = list(PartnerService.objects.select_related("agency").prefetch_related("areas"))
    assert {p for s in services for p in s.pathways} == set(Pathway.values)
    partners = Agency.objects.filter(staff__role=Role.PARTNER_WORKER).distinct()
    assert {s.agency for s in services} == set(partners)
    assert any(not s.accepts_current_drug_use for s in services)
    assert any(s.capacity for s in services) and any(s.capacity is None for s in services)
    assert any(s.areas.count() < 9 for s in services)
    assert all(s.active and s.offer and s.contact for s in services)


def test_referrals_at_every_stage_with_reasons_and_outcomes():
    states = set(Referral.objects.values_list("state", flat=True))
    assert states == set(ReferralState.values)
    ended = Referral.objects.filter(state__in=["declined", "disengaged", "withdrawn"])
    assert not ended.filter(end_reason="").exists()
    assert not Referral.objects.filter(state="completed", outcome_summary="").exists()
    # At least one sent referral is overdue for acknowledgement, and both sides were told.
    waiting = Referral.objects.filter(state=ReferralState.SENT)
    overdue = [r for r in waiting if (t := timer_for(r, DAY)) is not None and t.overdue]
    assert overdue and all(r.acknowledge_overdue_told_at for r in overdue)
    assert not Referral.objects.filter(state="draft", sent_at__isnull=False).exists()
    assert not Referral.objects.exclude(state="draft").filter(sent_at__isnull=True).exists()


def test_delays_are_realistic_and_steps_in_order():
    for r in Referral.objects.exclude(state="draft"):
        steps = [r.sent_at, r.acknowledged_at, r.accepted_at, r.started_at, r.ended_at]
        reached = [at for at in steps if at is not None]
        assert reached == sorted(reached), r.pk
        assert r.sent_at is not None
        assert r.created_at <= r.sent_at
        assert _local(r.sent_at) <= DAY and _local(reached[-1]) <= DAY
        if r.acknowledged_at:
            assert 1 <= working_days_between(_local(r.sent_at), _local(r.acknowledged_at)) <= 10
        if r.started_at and not r.made_in_custody:
            assert r.accepted_at is not None
            assert (r.started_at - r.accepted_at).days <= 60  # within weeks


def test_every_step_is_an_event_with_its_actor():
    events = list(ReferralEvent.objects.select_related("referral", "actor"))
    assert events and all(e.actor_id for e in events)
    by_referral: dict[int, list[ReferralEvent]] = {}
    for e in events:
        by_referral.setdefault(e.referral_id, []).append(e)
    for r in Referral.objects.all():
        steps = by_referral[r.pk]
        assert steps[0].state == "draft" and steps[0].actor_id == r.referrer_id
        assert steps[-1].state == r.state
        for e in steps:
            if e.state in ("draft", "sent", "withdrawn"):
                assert e.actor_id == r.referrer_id
            else:
                assert e.actor is not None
                assert e.actor.agency_id == r.to_agency_id and e.actor.role == Role.PARTNER_WORKER
    assert ProgressNote.objects.filter(referral__started_at__isnull=True).count() == 0
    assert ProgressNote.objects.exists()


def test_engagements_come_from_referrals_or_mentoring():
    pairings = set(MentoringPairing.objects.values_list("person_id", "mentor_agency_id",
                                                        "start_date"))  # fmt: skip
    for e in Engagement.objects.filter(referral__isnull=True):
        assert (e.person_id, e.agency_id, e.start_date) in pairings
    for r in Referral.objects.select_related("engagement"):
        if r.accepted_at is None:
            assert r.engagement is None
            continue
        eng = r.engagement
        assert eng is not None and eng.agency_id == r.to_agency_id
        assert eng.person_id == r.person_id
        assert eng.start_date == _local(r.accepted_at)
        assert eng.purpose.startswith(f"Referral {r.pk}:")
        if r.state in OPEN_STATES:
            assert eng.end_date is None
        else:
            assert eng.end_date == _local(r.ended_at)


def test_referrals_made_in_custody_continue_after_release():
    custody: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for pk, start, end in StatusEpisode.objects.filter(kind__in=CUSTODY_KINDS).values_list(
        "person_id", "start_date", "end_date"
    ):
        custody.setdefault(pk, []).append((start, end))
    made_inside = Referral.objects.filter(made_in_custody=True, started_at__isnull=False)
    continued = [
        r for r in made_inside
        if any(s <= _local(r.sent_at) and e is not None and e < _local(r.started_at)
               for s, e in custody.get(r.person_id, []))
    ]  # fmt: skip
    assert continued


def test_every_demo_partner_worker_has_referrals_waiting_and_clients():
    for user in User.objects.filter(role=Role.PARTNER_WORKER):
        inbox = Referral.objects.filter(to_agency=user.agency_id, state__in=OPEN_STATES)
        assert inbox.filter(state__in=["sent", "acknowledged"]).exists(), user.username
        assert inbox.filter(state__in=["accepted", "started"]).exists(), user.username
        assert people_for(user).exists(), user.username
    # Demo offender managers have referrals they made.
    for username in ("om.police", "om.probation"):
        assert Referral.objects.filter(referrer__username=username).exists(), username


def test_the_panel_shows_need_referred_started_completed_and_a_gap():
    panel = treatment_panel(DAY)
    drugs = panel.drugs
    assert drugs.count("need") > drugs.count("referred") > 0
    assert drugs.count("started") > 0 and drugs.count("completed") > 0
    assert panel.drug_need_from_assessment > 0 and panel.drug_need_from_tests > 0
    assert any(s.with_drug_need.count("referred") for s in panel.pathways)
