"""Agencies working with a person: engagements now come from referrals, not from a form.

Accepting a referral engages the receiving agency (its workers may then open the person);
the referral's end closes the engagement and the grace period runs. The person page lists
the engagements read-only, each linked to its referral when the reader may open it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import NoReverseMatch, reverse

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.people import services
from tandem.people.models import Engagement
from tandem.referrals.models import PartnerService
from tandem.referrals.services import referral_create, referral_step

from .. import personas

# One handler for the module: each new handler loads the middleware again, and WhiteNoise
# then rescans the static files (about 0.25 s a client).
HANDLER = ClientHandler(enforce_csrf_checks=False)


def signed_in_client(user) -> Client:
    client = personas.signed_in_client(user)
    client.handler = HANDLER
    return client


def detail_url(person) -> str:
    return reverse("people:detail", args=[person.pk])


def detail_status(user, person) -> int:
    return signed_in_client(user).get(detail_url(person)).status_code


@pytest.fixture
def housing_referral(cast):
    service = PartnerService.objects.create(
        agency=cast.other_partner.agency, name="Tenancy support",
        pathways=[Pathway.ACCOMMODATION], offer="Finding and keeping a tenancy",
        contact="0100 000 0000",
    )  # fmt: skip
    service.areas.set([cast.area_a])
    referral = referral_create(
        actor=cast.om, person=cast.person, service=service, pathway=Pathway.ACCOMMODATION,
        reason="Leaving custody with nowhere to live",
    )  # fmt: skip
    return referral_step(actor=cast.om, referral=referral, step="send")


def test_there_is_no_form_to_record_an_engagement_by_hand(cast):
    html = signed_in_client(cast.om).get(detail_url(cast.person)).content.decode()
    assert "Agencies working with this person" in html
    assert "Record an agency working with this person" not in html
    assert f"/people/{cast.person.pk}/engagements/" not in html
    for name in ("people:engagement_add", "people:engagement_end"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[cast.person.pk])


@pytest.mark.parametrize("persona", ["om", "coordinator", "anonymous"])
def test_the_old_engagement_addresses_are_gone(cast, persona):
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    engagement = Engagement.objects.get(person=cast.person)
    before = Engagement.objects.values().get()
    posted = client.post(
        f"/people/{cast.person.pk}/engagements/",
        {"agency": cast.other_partner.agency.pk, "start_date": "01/02/2025"},
    )
    ended = client.post(f"/people/{cast.person.pk}/engagements/{engagement.pk}/end/")
    assert posted.status_code == 404 and ended.status_code == 404
    assert Engagement.objects.values().get() == before


def test_accepting_a_referral_engages_the_agency_and_lists_it(cast, housing_referral):
    assert detail_status(cast.other_partner, cast.person) == 404
    referral_step(actor=cast.other_partner, referral=housing_referral, step="accept")
    engagement = Engagement.objects.get(agency=cast.other_partner.agency)
    assert engagement.person == cast.person and engagement.start_date == today()
    assert engagement.end_date is None and engagement.referral == housing_referral
    assert detail_status(cast.other_partner, cast.person) == 200
    response = signed_in_client(cast.om).get(detail_url(cast.person))
    agencies = response.content.decode().split('id="agencies"', 1)[1]
    assert "Test Housing" in agencies and "Ongoing" in agencies
    assert reverse("referrals:detail", args=[housing_referral.pk]) in agencies
    # The drug service's engagement predates referrals: listed, with no referral to link.
    assert "Test Drug Service" in agencies


def test_the_referrals_end_ends_the_engagement_and_the_grace_period_runs(cast, housing_referral):
    referral = referral_step(actor=cast.other_partner, referral=housing_referral, step="accept")
    referral_step(actor=cast.other_partner, referral=referral, step="start")
    referral_step(actor=cast.other_partner, referral=referral, step="complete")
    engagement = Engagement.objects.get(agency=cast.other_partner.agency)
    assert engagement.end_date == today()
    assert detail_status(cast.other_partner, cast.person) == 200  # within the grace period
    html = signed_in_client(cast.om).get(detail_url(cast.person)).content.decode()
    assert f"{today():%-d %b %Y}" in html.split('id="agencies"', 1)[1]


def test_a_declined_referral_never_engages(cast, housing_referral):
    referral_step(actor=cast.other_partner, referral=housing_referral, step="decline",
                  reason="Not eligible")  # fmt: skip
    assert not Engagement.objects.filter(agency=cast.other_partner.agency).exists()
    assert detail_status(cast.other_partner, cast.person) == 404


def test_access_lapses_after_the_grace_period(cast):
    engagement = Engagement.objects.get(person=cast.person, agency=cast.partner.agency)
    services.engagement_end(actor=cast.om, engagement=engagement, end_date=dt.date(2024, 1, 2))
    assert detail_status(cast.partner, cast.person) == 404


@pytest.mark.parametrize("persona", ["viewer", "partner", "auditor"])
def test_the_list_is_read_only_for_everyone(cast, persona):
    response = signed_in_client(cast.personas()[persona]).get(detail_url(cast.person))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/engagements/" not in html
    assert "engagement_form" not in response.context
