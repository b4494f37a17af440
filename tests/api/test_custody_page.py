"""The custody check page and the coordinator's instructions page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tandem.api.models import CustodyInstruction
from tandem.core.models import AccessAction, AccessEvent

from ..personas import signed_in_client
from .conftest import AREA_INSTRUCTION, PNC

URL = "/custody-check/"
JO_BO = {"purpose": "arrest", "first_name": "Jo", "last_name": "Bo"}
OTHERS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner", "analyst",
    "auditor", "admin",
]  # fmt: skip


def check_events():
    return AccessEvent.objects.filter(action=AccessAction.CUSTODY_CHECK)


def test_the_custody_officer_checks_by_pnc_and_sees_the_answer(ppo, cast):
    client = signed_in_client(cast.custody)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"purpose": "arrest", "pnc": PNC})
    assert response.status_code == 302
    location = response["Location"]
    # The answer's address carries an opaque token, never the PNC number or a name.
    assert "0123456" not in location and "Jordan" not in location
    page = client.get(location)
    html = page.content.decode()
    assert page.status_code == 200
    assert ">\n        PPO\n      </h1>" in html or "PPO</h1>" in html.replace("\n", "").replace(
        " ", ""
    )
    assert escape(ppo.person.full_name) in html
    assert AREA_INSTRUCTION in html
    assert escape(cast.om.get_full_name()) in html and "01632 960111" in html
    # Reloading the answer does not check (or log) again.
    client.get(location)
    event = check_events().get()
    assert event.actor == cast.custody and event.person == ppo.person
    assert "Arrested or detained in custody" in event.detail


def test_the_page_discloses_nothing_beyond_the_check(ppo, cast):
    client = signed_in_client(cast.custody)
    html = client.get(client.post(URL, {"purpose": "arrest", "pnc": PNC})["Location"]).content
    text = html.decode()
    address = ppo.person.addresses.get()
    for secret in (address.line1, "Testtown", ppo.offence_name, ppo.establishment, "Marlowe",
                   "Area A", "On licence", "Forum decision"):  # fmt: skip
        assert secret not in text, secret


@pytest.mark.parametrize("persona", OTHERS)
def test_every_other_role_is_refused_the_page(ppo, cast, persona):
    client = signed_in_client(cast.personas()[persona])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"purpose": "arrest", "pnc": PNC}).status_code == 403
    assert not check_events().exists()


def test_anonymous_is_sent_to_sign_in(ppo):
    response = Client().post(URL, {"purpose": "arrest", "pnc": PNC})
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:sign_in"))
    assert not check_events().exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pnc": PNC}, "Choose why you are checking"),
        ({"purpose": "arrest"}, "Enter a PNC number, or a first name, last name and date of birth"),
        ({"purpose": "arrest", "first_name": "Jordan"}, "Enter the last name"),
        ({**JO_BO, "date_of_birth": "31/02/2001"}, "Enter the date of birth as day/month/year"),
        ({**JO_BO, "date_of_birth": "01/01/2999"}, "must be in the past"),
    ],
)  # fmt: skip
def test_bad_input_shows_the_error_summary_and_checks_nothing(ppo, cast, data, message):
    response = signed_in_client(cast.custody).post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert html.count("<title>Error: ") == 1
    assert not check_events().exists()


def test_candidates_are_offered_and_choosing_one_checks_them(ppo, cast):
    client = signed_in_client(cast.custody)
    born = ppo.person.date_of_birth.strftime("%d/%m/%Y")
    response = client.post(URL, {"purpose": "arrest", "first_name": "Jordon",
                                 "last_name": "ONeill-Smith", "date_of_birth": born})  # fmt: skip
    html = client.get(response["Location"]).content.decode()
    assert "Possible matches" in html and "Check this person" in html
    assert AREA_INSTRUCTION not in html and escape(cast.om.get_full_name()) not in html
    reference = html.split('name="candidate" value="')[1].split('"')[0]
    chosen = client.post(reverse("api:custody_check_choose"),
                         {"purpose": "arrest", "candidate": reference})  # fmt: skip
    assert chosen.status_code == 302
    assert AREA_INSTRUCTION in client.get(chosen["Location"]).content.decode()
    assert check_events().count() == 2
    # Another officer cannot replay the choice.
    other = signed_in_client(cast.custody.__class__.objects.create(
        username="custody2", role=cast.custody.role, agency=cast.custody.agency))  # fmt: skip
    other.post(reverse("api:custody_check_choose"), {"purpose": "arrest", "candidate": reference})
    assert check_events().count() == 2


def test_an_unknown_answer_token_asks_to_check_again(cast):
    client = signed_in_client(cast.custody)
    response = client.get(URL + "?a=nope", follow=True)
    assert "That answer has expired" in response.content.decode()


def test_the_coordinator_sets_instructions_with_history(ppo, cast):
    client = signed_in_client(cast.coordinator)
    assert client.get(reverse("api:instructions")).status_code == 200
    url = reverse("api:instruction_area", args=[cast.area_a.pk])
    assert client.post(url, {"text": "x" * 301}).status_code == 400
    assert client.post(url, {"text": "Call the duty inspector."}).status_code == 302
    row = CustodyInstruction.objects.get(area=cast.area_a)
    assert row.text == "Call the duty inspector." and row.updated_by == cast.coordinator
    page = client.get(url).content.decode()
    assert AREA_INSTRUCTION in page  # the earlier version, in the history
    # Emptied, the area falls back to the partnership-wide instruction.
    assert client.post(url, {"text": ""}).status_code == 302
    assert not CustodyInstruction.objects.filter(area=cast.area_a).exists()
    default = reverse("api:instruction_default")
    assert client.post(default, {"text": " "}).status_code == 400


def test_only_the_coordinator_sets_instructions_and_only_for_their_areas(cast):
    for persona in [p for p in OTHERS if p != "coordinator"] + ["custody"]:
        client = signed_in_client(cast.personas()[persona])
        assert client.get(reverse("api:instructions")).status_code == 403, persona
    cast.coordinator.areas.set([cast.area_b])
    client = signed_in_client(cast.coordinator)
    url = reverse("api:instruction_area", args=[cast.area_a.pk])
    assert client.get(url).status_code == 404


def test_the_custody_officer_has_the_check_in_the_navigation_and_on_home(cast):
    html = signed_in_client(cast.custody).get("/").content.decode()
    assert 'href="/custody-check/"' in html and "Check a person" in html
