"""Nominations: from the list or on local intelligence, keeping the score as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.cohort.models import Strand
from tandem.core.models import AccessAction, AccessEvent
from tandem.selection.models import (
    CriteriaSet,
    Nomination,
    NominationSource,
    NominationStatus,
    Score,
    ScoringRun,
)
from tandem.selection.nominations import nomination_create, nomination_withdraw

from ..cohort.test_membership import adopt
from ..personas import signed_in_client


def scored(cast, person, *, total: float = 42.0, rank: int = 1) -> Score:
    version = CriteriaSet.objects.get(name="PPO criteria").latest()
    assert version is not None
    run = ScoringRun.objects.create(criteria_version=version, as_of=dt.date(2026, 11, 1))
    return Score.objects.create(
        run=run, person=person, area=cast.area_a, rank=rank, total=total, above_threshold=True,
        components={"frequency": 9, "days_since_last": 12, "gravity_sum": 30},
    )  # fmt: skip


def test_a_nomination_from_the_list_keeps_the_score_as_it_was(cast):
    score = scored(cast, cast.person)
    nomination = nomination_create(
        actor=cast.om, person=cast.person, area=cast.area_a, source=NominationSource.LIST,
        score=score,
    )  # fmt: skip
    Score.objects.filter(pk=score.pk).update(total=1.0, rank=99)  # later changes...
    nomination.refresh_from_db()
    assert nomination.score_snapshot is not None
    assert nomination.score_snapshot["total"] == 42.0  # ...leave the nomination alone
    assert nomination.score_snapshot["rank"] == 1
    assert nomination.score_snapshot["components"]["frequency"] == 9
    assert nomination.scored_as_of == dt.date(2026, 11, 1)
    assert nomination.status == NominationStatus.OPEN


def test_on_intelligence_the_reason_is_required_and_the_latest_score_kept(cast):
    scored(cast, cast.person, total=12.5)
    with pytest.raises(ValidationError, match="local intelligence"):
        nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                          source=NominationSource.INTELLIGENCE, reason=" ")  # fmt: skip
    nomination = nomination_create(
        actor=cast.om, person=cast.person, area=cast.area_a,
        source=NominationSource.INTELLIGENCE, reason="Seen dealing near the school",
    )  # fmt: skip
    assert nomination.score_snapshot is not None and nomination.score_snapshot["total"] == 12.5


def test_refused_outside_own_areas_for_members_and_twice(cast):
    with pytest.raises(ValidationError, match="your own areas"):
        nomination_create(actor=cast.other_om, person=cast.person, area=cast.area_a,
                          source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                      source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="already has a nomination"):
        nomination_create(actor=cast.coordinator, person=cast.person, area=cast.area_a,
                          source=NominationSource.INTELLIGENCE, reason="y")  # fmt: skip
    adopt(cast, person=cast.person_b, area=cast.area_b, strand=Strand.CATCH_CONVICT)
    with pytest.raises(ValidationError, match="already in the cohort"):
        nomination_create(actor=cast.coordinator, person=cast.person_b, area=cast.area_b,
                          source=NominationSource.INTELLIGENCE, reason="z")  # fmt: skip
    assert Nomination.objects.count() == 1


def test_withdrawing_needs_a_reason_and_happens_once(cast):
    nomination = nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                                   source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="Say why"):
        nomination_withdraw(actor=cast.om, nomination=nomination, note="")
    nomination_withdraw(actor=cast.om, nomination=nomination, note="Moved away")
    with pytest.raises(ValidationError, match="Only a nomination awaiting"):
        nomination_withdraw(actor=cast.om, nomination=nomination, note="Again")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN and nomination.closed_by == cast.om
    # Withdrawn, the person can be nominated again.
    nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                      source=NominationSource.INTELLIGENCE, reason="Back in the area")  # fmt: skip


def test_an_offender_manager_nominates_from_the_list_in_the_browser_flow(cast):
    score = scored(cast, cast.person)
    client = signed_in_client(cast.om)
    url = reverse("selection:nominate", args=[cast.person.pk]) + f"?score={score.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "42.0 points" in page.content.decode()
    assert AccessEvent.objects.filter(action=AccessAction.VIEW_PERSON, person=cast.person).exists()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.source == NominationSource.LIST and nomination.nominated_by == cast.om
    listing = client.get(reverse("selection:nominations")).content.decode()
    assert "NEIL-SMITH" in listing and "42.0 points, rank 1" in listing
    assert AccessEvent.objects.filter(action=AccessAction.VIEW_LIST, detail="nominations").exists()
    # The other area's offender manager does not see it.
    other = signed_in_client(cast.other_om).get(reverse("selection:nominations")).content.decode()
    assert "NEIL-SMITH" not in other


def test_on_intelligence_without_a_reason_the_form_says_so_and_saves_nothing(cast):
    client = signed_in_client(cast.om)
    response = client.post(reverse("selection:nominate", args=[cast.person.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Say what the local intelligence is" in response.content.decode()
    assert not Nomination.objects.exists()


def test_someone_elses_score_or_a_bad_score_id_is_not_found(cast):
    score_b = scored(cast, cast.person_b)
    client = signed_in_client(cast.om)
    base = reverse("selection:nominate", args=[cast.person.pk])
    assert client.get(f"{base}?score={score_b.pk}").status_code == 404
    assert client.get(f"{base}?score=abc").status_code == 404
    assert client.post(f"{base}?score={score_b.pk}", {"reason": "x"}).status_code == 404
    assert not Nomination.objects.exists()


def test_only_the_nominator_or_the_coordinator_withdraws(cast):
    nomination = nomination_create(actor=cast.coordinator, person=cast.person, area=cast.area_a,
                                   source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    url = reverse("selection:nomination_withdraw", args=[nomination.pk])
    assert signed_in_client(cast.om).post(url, {"note": "no"}).status_code == 403
    assert signed_in_client(cast.other_om).post(url, {"note": "no"}).status_code == 404
    coordinator = signed_in_client(cast.coordinator)
    empty = coordinator.post(url, {"note": ""})
    assert empty.status_code == 400 and "Say why" in empty.content.decode()
    assert coordinator.post(url, {"note": "Duplicate"}).status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN
    again = coordinator.post(url, {"note": "Duplicate"})
    assert again.status_code == 400 and "Only a nomination awaiting" in again.content.decode()


def test_the_person_page_shows_ppo_status_and_offers_nomination(cast):
    client = signed_in_client(cast.om)
    page = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "Not in the PPO cohort" in page and "Nominate for the next forum" in page
    adopt(cast)
    page = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "Prolific and other Priority Offenders</strong> since 2 March 2026" in page
    assert "Nominate for the next forum" not in page
    # Partners with identity see the status too, but are not offered nomination.
    partner = signed_in_client(cast.partner).get(reverse("people:detail", args=[cast.person.pk]))
    assert "since 2 March 2026" in partner.content.decode()
