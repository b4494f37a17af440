"""The service directory: searched by everyone who works cases, kept by the coordinator."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.casework.pathways import Pathway
from tandem.core.models import Agency
from tandem.referrals.models import HowReferred, PartnerService
from tests.personas import signed_in_client

PERSONAS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner",
    "custody", "analyst", "auditor", "admin",
]  # fmt: skip
WORKS_CASES = {"om", "other_om", "viewer", "coordinator", "partner", "other_partner"}


def _valid(cast, **extra) -> dict:
    data = {
        "agency": Agency.objects.get(name="Test Housing").pk,
        "name": "Night shelter",
        "pathways": [Pathway.ACCOMMODATION],
        "offer": "Emergency beds, 8pm to 8am",
        "eligibility": "Adults with a local connection",
        "accepts_current_drug_use": "no",
        "areas": [cast.area_a.pk, cast.area_b.pk],
        "capacity": "12",
        "contact": "Shelter desk 01632 960123",
        "how_referred": HowReferred.TANDEM_AND_PHONE,
        "referral_notes": "Phone before 4pm",
    }
    data.update(extra)
    return data


def _urls(directory) -> dict[str, str]:
    return {
        "directory": reverse("referrals:directory"),
        "service": reverse("referrals:service", args=[directory.housing.pk]),
        "service_new": reverse("referrals:service_new"),
        "service_edit": reverse("referrals:service_edit", args=[directory.housing.pk]),
    }


EXPECTED = {
    "directory": lambda p: 200 if p in WORKS_CASES else 403,
    "service": lambda p: 200 if p in WORKS_CASES else 403,
    "service_new": lambda p: 200 if p == "coordinator" else 403,
    "service_edit": lambda p: 200 if p == "coordinator" else 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_directory_pages_by_persona(cast, directory, persona):
    client = signed_in_client(cast.personas()[persona])
    for name, url in _urls(directory).items():
        assert client.get(url).status_code == EXPECTED[name](persona), name


def test_directory_pages_send_anonymous_to_sign_in(cast, directory):
    for name, url in _urls(directory).items():
        response = Client().get(url)
        assert response.status_code == 302, name
        assert reverse("core:sign_in") in response["Location"], name


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_coordinator_adds_or_changes_a_service(cast, directory, persona):
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    before = list(PartnerService.objects.order_by("pk").values())
    added = client.post(reverse("referrals:service_new"), {})
    changed = client.post(reverse("referrals:service_edit", args=[directory.housing.pk]), {})
    if persona == "anonymous":
        assert added.status_code == changed.status_code == 302
    elif persona == "coordinator":
        assert added.status_code == changed.status_code == 400  # empty form: errors
    else:
        assert added.status_code == changed.status_code == 403
    assert list(PartnerService.objects.order_by("pk").values()) == before


def test_search_by_pathway_area_and_words(cast, directory):
    client = signed_in_client(cast.om)
    url = reverse("referrals:directory")
    page = client.get(url).content.decode()
    assert "3 services" in page
    for name in ("Housing options", "Structured treatment", "Housing options B"):
        assert name in page
    page = client.get(url, {"pathway": Pathway.DRUGS_ALCOHOL}).content.decode()
    assert "1 service found" in page and "Structured treatment" in page
    assert "Housing options" not in page
    page = client.get(url, {"area": cast.area_b.pk}).content.decode()
    assert "1 service found" in page and "Housing options B" in page
    page = client.get(url, {"q": "structured"}).content.decode()
    assert "1 service found" in page and "Structured treatment" in page
    page = client.get(url, {"q": "test drug service"}).content.decode()  # the agency's name
    assert "Structured treatment" in page
    page = client.get(url, {"q": "nothing like this"}).content.decode()
    assert "0 services found" in page and "No service matches" in page


def test_an_entry_shows_everything_a_referrer_needs(cast, directory):
    service = directory.housing
    service.capacity = 10
    service.eligibility = "Single adults"
    service.referral_notes = "Ring the duty officer first"
    service.save()
    page = (
        signed_in_client(cast.partner)
        .get(reverse("referrals:service", args=[service.pk]))
        .content.decode()
    )
    for text in (
        "Test Housing", "Accommodation", "Housing options: what it offers", "Single adults",
        "Does not take clients using drugs now", "A Area A", "10 at any one time: 0 taken now",
        "0100 000 0000", "Through Tandem", "Ring the duty officer first",
    ):  # fmt: skip
        assert text in page, text
    drugs = (
        signed_in_client(cast.partner)
        .get(reverse("referrals:service", args=[directory.drugs.pk]))
        .content.decode()
    )
    assert "Takes clients who are using drugs now" in drugs and "Not limited" in drugs


def test_a_bad_search_is_explained(cast, directory):
    response = signed_in_client(cast.om).get(
        reverse("referrals:directory"), {"pathway": "astrology"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Choose a pathway from the list" in page


def test_coordinator_adds_a_service(cast, directory):
    client = signed_in_client(cast.coordinator)
    response = client.post(reverse("referrals:service_new"), _valid(cast))
    service = PartnerService.objects.get(name="Night shelter")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:service", args=[service.pk])
    assert service.pathways == [Pathway.ACCOMMODATION]
    assert set(service.areas.all()) == {cast.area_a, cast.area_b}
    assert not service.accepts_current_drug_use and service.capacity == 12 and service.active
    assert service.how_referred == HowReferred.TANDEM_AND_PHONE
    assert service.history.get().history_user == cast.coordinator
    page = client.get(response["Location"]).content.decode()
    assert "Night shelter added to the directory" in page and "All areas" in page


def test_errors_are_summarised_and_nothing_is_saved(cast, directory):
    client = signed_in_client(cast.coordinator)
    before = PartnerService.objects.count()
    response = client.post(reverse("referrals:service_new"), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="govuk-error-summary"') == 1
    for anchor, message in (
        ("#id_agency", "Choose the agency that provides the service"),
        ("#id_name", "Enter the service&#x27;s name"),
        ("#id_pathways", "Choose at least one pathway the service works on"),
        ("#id_offer", "Say what the service offers"),
        ("#id_contact", "Enter how to contact the service"),
        ("#id_areas", "Choose at least one area the service covers"),
        (
            "#id_accepts_current_drug_use",
            "Say whether the service takes clients who are using drugs now",
        ),
        ("#id_how_referred", "Choose how the service accepts referrals"),
    ):
        assert f'<a href="{anchor}">{message}</a>' in page, message
    assert "<title>Error: " in page
    response = client.post(reverse("referrals:service_new"), _valid(cast, capacity="0"))
    assert response.status_code == 400
    assert "Capacity must be from 1 to 100,000" in response.content.decode()
    # A slip of the keyboard is refused in words, not by the database.
    response = client.post(reverse("referrals:service_new"), _valid(cast, capacity="99999999999"))
    assert response.status_code == 400
    assert "Capacity must be from 1 to 100,000" in response.content.decode()
    response = client.post(reverse("referrals:service_new"), _valid(cast, capacity="lots"))
    assert "Enter the number of places as digits" in response.content.decode()
    # The same agency cannot list two services of one name.
    response = client.post(reverse("referrals:service_new"), _valid(cast, name="housing OPTIONS"))
    assert response.status_code == 400
    assert "already lists a service with this name" in response.content.decode()
    assert PartnerService.objects.count() == before


def test_coordinator_changes_and_deactivates_a_service(cast, directory):
    client = signed_in_client(cast.coordinator)
    url = reverse("referrals:service_edit", args=[directory.housing.pk])
    form = client.get(url).content.decode()
    assert 'value="Housing options"' in form and "Is it taking referrals?" in form
    data = _valid(cast, name="Housing options", active="no")
    response = client.post(url, data)
    assert response.status_code == 302
    service = PartnerService.objects.get(pk=directory.housing.pk)
    assert not service.active and service.capacity == 12
    assert service.history.first().history_user == cast.coordinator
    # Out of the directory, still there for referrals made to it and for the coordinator.
    om = signed_in_client(cast.om)
    assert "Housing options<" not in om.get(reverse("referrals:directory")).content.decode()
    page = om.get(reverse("referrals:service", args=[service.pk])).content.decode()
    assert "no longer taking referrals" in page
    listed = client.get(reverse("referrals:directory"), {"inactive": "on"}).content.decode()
    assert "Not taking referrals" in listed and "4 services found" not in listed
    # Only the coordinator may include inactive services.
    assert (
        "Housing options<"
        not in om.get(reverse("referrals:directory"), {"inactive": "on"}).content.decode()
    )
    client.post(url, {**data, "active": "yes"})
    assert PartnerService.objects.get(pk=service.pk).active


def test_directory_queries_do_not_grow_with_the_entries(cast, directory):
    client = signed_in_client(cast.om)
    url = reverse("referrals:directory")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    agency = Agency.objects.get(name="Test Drug Service")
    for n in range(8):
        service = PartnerService.objects.create(
            agency=agency, name=f"Service {n}", pathways=[Pathway.HEALTH], offer="Help",
            contact="x", capacity=5,
        )  # fmt: skip
        service.areas.set([cast.area_a, cast.area_b])
    assert queries() == before
    assert before <= 15


def test_admin_lists_services_and_never_deletes_them(cast, directory):
    client = signed_in_client(cast.admin)
    assert client.get(reverse("admin:referrals_partnerservice_changelist")).status_code == 200
    change = reverse("admin:referrals_partnerservice_change", args=[directory.drugs.pk])
    page = client.get(change).content.decode()
    assert 'type="checkbox" name="pathways" value="drugs_alcohol"' in page
    delete = reverse("admin:referrals_partnerservice_delete", args=[directory.drugs.pk])
    assert client.get(delete).status_code == 403
