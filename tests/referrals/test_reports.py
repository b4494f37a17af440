"""The coordinator's report of referrals sent and received per agency and pathway, its CSV
export, and who may open the referral reports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent, Agency
from tandem.referrals.services import referral_create, referral_step
from tests.personas import signed_in_client

PERSONAS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner",
    "custody", "analyst", "auditor", "admin",
]  # fmt: skip
EXPECTED = {
    "flows": lambda p: 200 if p == "coordinator" else 403,
    # Figures for the analyst too; names only ever for the coordinator.
    "treatment": lambda p: 200 if p in {"coordinator", "analyst"} else 403,
}


def _send(cast, service, pathway, **extra):
    referral = referral_create(
        actor=cast.om, person=cast.person, service=service, pathway=pathway,
        reason="Needs help", confirmed=True, **extra,
    )  # fmt: skip
    return referral_step(actor=cast.om, referral=referral, step="send")


@pytest.fixture
def flows(cast, directory):
    """Police sent three referrals: housing completed one and declined one; the drug
    service has one open. A draft is not counted."""
    housing = cast.other_partner
    done = _send(cast, directory.housing, Pathway.ACCOMMODATION)
    for step in ("accept", "start", "complete"):
        done = referral_step(actor=housing, referral=done, step=step)
    declined = _send(cast, directory.housing, Pathway.ACCOMMODATION)
    referral_step(actor=housing, referral=declined, step="decline", reason="No capacity")
    _send(cast, directory.drugs, Pathway.DRUGS_ALCOHOL)
    referral_create(actor=cast.om, person=cast.person, service=directory.drugs,
                    pathway=Pathway.DRUGS_ALCOHOL, reason="Draft", confirmed=True)  # fmt: skip


def _urls() -> dict[str, str]:
    return {"flows": reverse("referrals:flows"), "treatment": reverse("referrals:treatment")}


@pytest.mark.parametrize("persona", PERSONAS)
def test_report_pages_by_persona(cast, persona):
    client = signed_in_client(cast.personas()[persona])
    for name, url in _urls().items():
        assert client.get(url).status_code == EXPECTED[name](persona), name
    csv_export = client.get(reverse("referrals:flows"), {"format": "csv"})
    assert csv_export.status_code == EXPECTED["flows"](persona)
    exported = AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
    assert exported == (persona == "coordinator")


def test_report_pages_send_anonymous_to_sign_in(cast):
    for url in _urls().values():
        response = Client().get(url)
        assert response.status_code == 302 and reverse("core:sign_in") in response["Location"]


def test_home_page_links_the_reports_for_the_coordinator(cast):
    page = signed_in_client(cast.coordinator).get(reverse("core:home")).content.decode()
    for name in ("directory", "flows", "treatment"):
        assert reverse(f"referrals:{name}") in page, name
    analyst = signed_in_client(cast.analyst).get(reverse("core:home")).content.decode()
    assert reverse("referrals:treatment") in analyst
    assert reverse("referrals:flows") not in analyst


def _line(response, agency: str, pathway: str) -> list[int]:
    for line in response.context["lines"]:
        if line.agency.name == agency and line.pathway == pathway:
            return [cell.value for cell in line.cells]
    raise AssertionError(f"no line for {agency}, {pathway}")


def test_flows_count_what_each_agency_sent_and_did(cast, directory, flows):
    response = signed_in_client(cast.coordinator).get(reverse("referrals:flows"))
    assert response.status_code == 200
    # sent, received, accepted, declined, started, completed, open
    assert _line(response, "Test Police", "Accommodation") == [2, 0, 0, 0, 0, 0, 0]
    assert _line(response, "Test Police", "Drugs and alcohol") == [1, 0, 0, 0, 0, 0, 0]
    assert _line(response, "Test Housing", "Accommodation") == [0, 2, 1, 1, 1, 1, 0]
    assert _line(response, "Test Drug Service", "Drugs and alcohol") == [0, 1, 0, 0, 0, 0, 1]
    assert [c.value for c in response.context["totals"]] == [3, 3, 1, 1, 1, 1, 1]
    page = response.content.decode()
    assert "50%" in page  # housing accepted one of the two it received
    start = today().replace(year=today().year - 1) + dt.timedelta(days=1)
    assert f'value="{start:%d/%m/%Y}"' in page and f'value="{today():%d/%m/%Y}"' in page
    # Viewing the figures is not an access to anyone's record: nothing logged.
    assert not AccessEvent.objects.exists()


def test_flows_between_two_dates(cast, directory, flows):
    client = signed_in_client(cast.coordinator)
    later = today() + dt.timedelta(days=10)
    response = client.get(reverse("referrals:flows"), {"date_from": f"{later:%d/%m/%Y}",
                                                       "date_to": f"{later:%d/%m/%Y}"})  # fmt: skip
    assert response.status_code == 200 and response.context["lines"] == []
    page = response.content.decode()
    assert "No referrals were sent in this period" in page
    # Agencies in the directory that received nothing are named: the ETE provider's
    # "we're not getting referrals through" is a line on the page.
    assert "Test Housing" in page and "Test Drug Service" in page
    response = client.get(reverse("referrals:flows"), {"date_from": f"{today():%d/%m/%Y}"})
    assert len(response.context["lines"]) == 4


def test_bad_dates_are_explained(cast, directory):
    client = signed_in_client(cast.coordinator)
    response = client.get(reverse("referrals:flows"), {"date_from": "31/02/2026"})
    assert response.status_code == 400
    assert "Enter the from date as day/month/year" in response.content.decode()
    response = client.get(reverse("referrals:flows"), {"date_from": "02/03/2026",
                                                       "date_to": "01/03/2026"})  # fmt: skip
    assert response.status_code == 400
    assert "The to date must be the same as or after the from date" in response.content.decode()
    response = client.get(reverse("referrals:flows"), {"date_from": "nonsense", "format": "csv"})
    assert response.status_code == 400 and not AccessEvent.objects.exists()


def test_csv_export_is_logged_and_safe_in_a_spreadsheet(cast, directory, flows):
    Agency.objects.filter(name="Test Housing").update(name='=HYPERLINK("http://x")')
    response = signed_in_client(cast.coordinator).get(reverse("referrals:flows"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["agency", "pathway", "sent", "received", "accepted", "declined",
                       "started", "completed", "open"]  # fmt: skip
    assert ['\'=HYPERLINK("http://x")', "Accommodation", "0", "2", "1", "1", "1", "1", "0"] in rows
    assert len(rows) == 5
    event = AccessEvent.objects.get()
    assert event.action == AccessAction.EXPORT and event.actor == cast.coordinator
    assert event.result_count == 4 and event.person is None
    assert event.detail.startswith("CSV referral flows from=")


def test_flows_queries_do_not_grow_with_the_referrals(cast, directory, flows):
    client = signed_in_client(cast.coordinator)

    def queries() -> int:
        client.get(reverse("referrals:flows"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("referrals:flows")).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(3):
        _send(cast, directory.housing, Pathway.ACCOMMODATION)
    other = cast.other_om
    referral = referral_create(actor=other, person=cast.person_b, service=directory.housing_b,
                               pathway=Pathway.ACCOMMODATION, reason="x")  # fmt: skip
    referral_step(actor=other, referral=referral, step="send")
    assert queries() == before
    assert before <= 15
