"""The episode and transfer pages, by persona: forms that refuse bad input with 400 and
change nothing, access events, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.people import services, transfers
from tandem.people.models import Monitoring, StatusEpisode, TransferProposal, TransferStatus

from ..factories import AreaFactory, UserFactory, make_person
from ..personas import signed_in_client
from .transfer_setup import member_in_a, released_to_b


def ddmmyyyy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_the_episodes_page_is_logged_as_a_view(cast):
    response = signed_in_client(cast.om).get(reverse("people:episodes", args=[cast.person.pk]))
    assert response.status_code == 200
    assert "Custody, licence and community orders" in response.content.decode()
    event = AccessEvent.objects.filter(person=cast.person).latest("at")
    assert event.action == AccessAction.VIEW_PERSON and "offending" in event.categories


def test_an_empty_form_is_refused_and_changes_nothing(cast):
    url = reverse("people:episode_add", args=[cast.person.pk, "sentenced"])
    response = signed_in_client(cast.om).post(url, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the start date" in html
    assert "Enter the sentence length in months or days" in html
    assert not StatusEpisode.objects.exists()


def test_recording_an_order_with_its_requirements(cast):
    url = reverse("people:episode_add", args=[cast.person.pk, "community_order"])
    response = signed_in_client(cast.om).post(
        url,
        {
            "start_date": ddmmyyyy(today() - dt.timedelta(days=5)),
            "establishment": "Testtown Magistrates' Court",
            "expected_end_date": ddmmyyyy(today() + dt.timedelta(days=360)),
            "requirements": ["drug_rehabilitation", "supervision"],
        },
    )
    assert response.status_code == 302
    order = StatusEpisode.objects.get()
    assert order.requirements == ["supervision", "drug_rehabilitation"]
    assert order.history.first().history_user == cast.om


def test_an_overlapping_spell_in_custody_is_refused_on_the_page(cast):
    services.episode_add(
        actor=cast.om, person=cast.person, kind="remand", start_date=today() - dt.timedelta(days=9)
    )
    url = reverse("people:episode_add", args=[cast.person.pk, "sentenced"])
    response = signed_in_client(cast.om).post(
        url, {"start_date": ddmmyyyy(today() - dt.timedelta(days=2)), "sentence_months": "6"}
    )
    assert response.status_code == 400
    assert "overlaps another spell in custody" in response.content.decode()
    assert StatusEpisode.objects.count() == 1


def test_ending_an_order_needs_its_outcome(cast):
    order = services.episode_add(
        actor=cast.om, person=cast.person, kind="community_order",
        start_date=today() - dt.timedelta(days=100), requirements=["unpaid_work"],
    )  # fmt: skip
    url = reverse("people:episode_end", args=[cast.person.pk, order.pk])
    client = signed_in_client(cast.om)
    response = client.post(url, {"end_date": ddmmyyyy(today())})
    assert response.status_code == 400
    assert "Say how the order ended" in response.content.decode()
    order.refresh_from_db()
    assert order.end_date is None
    assert (
        client.post(url, {"end_date": ddmmyyyy(today()), "outcome": "completed"}).status_code == 302
    )
    order.refresh_from_db()
    assert (order.end_date, order.outcome) == (today(), "completed")


def test_recording_a_release_ends_custody_the_day_before(cast):
    member_in_a(cast)
    sentence = released_to_b(cast)
    url = reverse("people:episode_end", args=[cast.person.pk, sentence.pk])
    client = signed_in_client(cast.om)
    page = client.get(url).content.decode()
    assert "Release date" in page and escape(cast.other_om.display_name) in page  # a lead in B
    response = client.post(
        url,
        {"end_date": ddmmyyyy(today()), "release_type": "automatic", "new_lead": cast.other_om.pk},
    )
    assert response.status_code == 302
    sentence.refresh_from_db()
    assert sentence.end_date == today() - dt.timedelta(days=1)
    assert sentence.release_type == "automatic"


def test_correcting_an_episode(cast):
    licence = services.episode_add(
        actor=cast.om, person=cast.person, kind="licence", start_date=today() - dt.timedelta(days=9)
    )
    url = reverse("people:episode_correct", args=[cast.person.pk, licence.pk])
    client = signed_in_client(cast.om)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "start_date": ddmmyyyy(today() - dt.timedelta(days=8)),
            "expected_end_date": ddmmyyyy(today() - dt.timedelta(days=9)),
        },
    )
    assert response.status_code == 400  # expected end before the start
    response = client.post(
        url,
        {
            "start_date": ddmmyyyy(today() - dt.timedelta(days=8)),
            "licence_conditions": "Reside at the approved premises",
        },
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.start_date == today() - dt.timedelta(days=8)
    assert licence.licence_conditions == "Reside at the approved premises"


def test_setting_the_monitoring_level(cast):
    url = reverse("people:monitoring_set", args=[cast.person.pk])
    client = signed_in_client(cast.om)
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"level": "proactive", "start_date": ddmmyyyy(today())})
    assert response.status_code == 302
    assert Monitoring.objects.get().level == "proactive"
    page = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "At liberty: proactive targeting" in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("other_om", 404), ("viewer", 403), ("coordinator", 403), ("partner", 403), ("custody", 403),
     ("analyst", 403), ("admin", 403)],
)  # fmt: skip
def test_only_the_areas_offender_managers_change_status(cast, persona, expected):
    client = signed_in_client(cast.personas()[persona])
    url = reverse("people:episode_add", args=[cast.person.pk, "licence"])
    response = client.post(url, {"start_date": ddmmyyyy(today())})
    assert response.status_code == expected
    monitoring = reverse("people:monitoring_set", args=[cast.person.pk])
    response = client.post(monitoring, {"level": "basic", "start_date": ddmmyyyy(today())})
    assert response.status_code == expected
    assert not StatusEpisode.objects.exists() and not Monitoring.objects.exists()


def test_the_person_page_shows_the_responsible_area_and_the_next_key_date(cast):
    member_in_a(cast)
    released_to_b(cast)
    html = signed_in_client(cast.om).get(reverse("people:detail", args=[cast.person.pk]))
    page = html.content.decode()
    assert "Responsible area" in page
    assert "In custody: the intended release address is in Area B." in page
    expected = (today() + dt.timedelta(days=60)).strftime("%-d %B %Y")
    assert f"Next key date: <strong>Expected release, {expected}</strong>" in page
    assert "Proposed: from Area A to Area B" in page
    assert "Sentence: 8 months" in page


# Transfers


def _proposal(cast) -> TransferProposal:
    member_in_a(cast)
    released_to_b(cast)
    return TransferProposal.objects.get(person=cast.person)


def test_the_transfers_page_lists_what_each_area_must_answer(cast):
    proposal = _proposal(cast)
    page = signed_in_client(cast.other_om).get(reverse("people:transfers")).content.decode()
    assert "Waiting for your area's answer" in page
    # B's offender manager cannot open the record of someone living in A, but sees who it is.
    assert "O&#x27;NEIL-SMITH, Jordan" in page
    assert reverse("people:detail", args=[cast.person.pk]) not in page
    assert "In custody: the intended release address is in Area B" in page
    event = AccessEvent.objects.filter(actor=cast.other_om).latest("at")
    assert (event.action, event.result_count) == (AccessAction.VIEW_LIST, 1)
    transfers.transfer_respond(
        actor=cast.other_om, proposal=proposal, side="receiving", response="dispute",
        note="Not confirmed",
    )  # fmt: skip
    page = signed_in_client(cast.coordinator).get(reverse("people:transfers")).content.decode()
    assert "Disputed: for the coordinator to decide" in page


def test_transfers_page_queries_do_not_grow_with_proposals(cast):
    client = signed_in_client(cast.coordinator)
    url = reverse("people:transfers")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _proposal(cast)
    before = queries()
    from tandem.cohort.models import PPO_SCHEME_CODE, Scheme
    from tandem.cohort.services import membership_start

    for i in range(6):
        person = make_person(area=cast.area_b)
        membership = membership_start(
            actor=None, person=person, area=cast.area_b,
            scheme=Scheme.objects.get(code=PPO_SCHEME_CODE), strand="catch_convict",
            start_date=today(), basis="Forum",
        )  # fmt: skip
        proposal = transfers.transfer_propose(
            actor=None, membership=membership, to_area=cast.area_a, rule="residence",
            reason="Lives in Area A",
        )  # fmt: skip
        assert proposal is not None
        if i % 2:
            transfers.transfer_respond(
                actor=cast.om, proposal=proposal, side="receiving", response="accept"
            )
            transfers.transfer_respond(
                actor=cast.other_om, proposal=proposal, side="sending", response="accept"
            )
    assert queries() == before + 1  # the completed transfers' leads, looked up once


def test_answering_on_the_page(cast):
    proposal = _proposal(cast)
    url = reverse("people:transfer_respond", args=[proposal.pk])
    om = signed_in_client(cast.om)
    page = om.get(reverse("people:transfer", args=[proposal.pk]))
    assert page.status_code == 200 and "Your area's answer" in page.content.decode()
    response = om.post(url, {"side": "sending", "response": "dispute"})
    assert response.status_code == 400
    assert "Say why the area disputes the transfer" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.sending_response == ""
    assert om.post(url, {"side": "sending", "response": "accept"}).status_code == 302
    other = signed_in_client(cast.other_om)
    response = other.post(
        url, {"side": "receiving", "response": "accept", "lead": cast.other_om.pk}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.ACCEPTED and proposal.new_membership is not None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("viewer", 403), ("partner", 403), ("custody", 403), ("analyst", 403), ("auditor", 403),
     ("admin", 403)],
)  # fmt: skip
def test_others_cannot_answer(cast, persona, expected):
    proposal = _proposal(cast)
    client = signed_in_client(cast.personas()[persona])
    for name in ("transfer_respond", "transfer_resolve", "transfer_lead"):
        response = client.post(
            reverse(f"people:{name}", args=[proposal.pk]),
            {"side": "sending", "response": "accept", "resolution": "stay", "reason": "x"},
        )
        assert response.status_code == expected
    proposal.refresh_from_db()
    assert proposal.status == TransferStatus.PROPOSED and proposal.sending_response == ""


def test_an_area_outside_the_users_answers_404(cast):
    area_c = AreaFactory(code="C", name="Area C")
    stranger = UserFactory(username="om_c", agency=cast.om.agency, areas=[area_c])
    proposal = _proposal(cast)
    client = signed_in_client(stranger)
    assert client.get(reverse("people:transfer", args=[proposal.pk])).status_code == 404
    assert "O&#x27;NEIL" not in client.get(reverse("people:transfers")).content.decode()


def test_the_coordinator_resolves_on_the_page(cast):
    proposal = _proposal(cast)
    transfers.transfer_respond(
        actor=cast.om, proposal=proposal, side="sending", response="dispute", note="Not yet"
    )
    url = reverse("people:transfer_resolve", args=[proposal.pk])
    client = signed_in_client(cast.coordinator)
    response = client.post(url, {"resolution": "transfer"})
    assert response.status_code == 400
    assert "Give the reason for the decision" in response.content.decode()
    response = client.post(url, {"resolution": "stay", "reason": "Release address unconfirmed"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.resolution) == (TransferStatus.RESOLVED, "stay")
    # The offender manager cannot resolve (no form for them: nothing to do).
    assert (
        signed_in_client(cast.om).post(url, {"resolution": "stay", "reason": "x"}).status_code
        == 302
    )
