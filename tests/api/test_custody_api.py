"""The custody check API: who may call it, what it discloses, what it logs, its schema."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.api.models import ApiToken
from tandem.api.services import api_token_revoke
from tandem.core.models import AccessAction, AccessEvent

from ..personas import signed_in_client
from .conftest import AREA_INSTRUCTION, PNC

URL = "/api/v1/custody-check/"
ANSWER_KEYS = {
    "status", "summary", "purpose", "checked_at", "person", "scheme", "strand",
    "left_cohort_on", "contact", "instruction", "candidates",
}  # fmt: skip
NOT_DISCLOSED = (
    "address", "offence", "offending", "status_episode", "custody", "licence", "risk",
    "drug", "intelligence", "sex", "ethnicity", "alias", "identifier", "area",
)  # fmt: skip


def post(client: Client, body: dict, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def check_events():
    return AccessEvent.objects.filter(action=AccessAction.CUSTODY_CHECK)


PERSONAS_REFUSED = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner", "analyst",
    "auditor", "admin",
]  # fmt: skip


def test_custody_officer_session_gets_the_answer(ppo, cast):
    client = signed_in_client(cast.custody)
    response = post(client, {"pnc": PNC, "purpose": "arrest"})
    assert response.status_code == 200
    assert response.json()["status"] == "ppo"


@pytest.mark.parametrize("persona", PERSONAS_REFUSED)
def test_every_other_role_is_refused(ppo, cast, persona):
    client = signed_in_client(cast.personas()[persona])
    response = post(client, {"pnc": PNC, "purpose": "arrest"})
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert not check_events().exists()


def test_anonymous_is_challenged_for_a_token(ppo):
    response = post(Client(), {"pnc": PNC, "purpose": "arrest"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not check_events().exists()


def test_a_token_acts_as_its_custody_service_user(ppo, custody_system):
    service, record, token = custody_system
    response = post(Client(), {"pnc": PNC, "purpose": "arrest"}, token)
    assert response.status_code == 200
    event = check_events().get()
    assert event.actor == service and event.person == ppo.person
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_only_a_hash_of_the_token_is_kept(custody_system):
    _, record, token = custody_system
    assert token not in {record.key_hash, record.prefix}
    assert not ApiToken.objects.filter(key_hash__contains=token[4:20]).exists()
    assert token.startswith(record.prefix)


@pytest.mark.parametrize("header", ["Bearer tdm_not-a-real-token", "Bearer", "Bearer a b"])
def test_a_bad_token_is_refused(ppo, header):
    body = json.dumps({"pnc": PNC, "purpose": "arrest"})
    response = Client().post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert not check_events().exists()


def test_a_revoked_token_is_refused(ppo, custody_system, cast):
    _, record, token = custody_system
    api_token_revoke(actor=cast.admin, token=record)
    response = post(Client(), {"pnc": PNC, "purpose": "arrest"}, token)
    assert response.status_code == 401
    assert not check_events().exists()


def test_a_token_for_a_deactivated_account_is_refused(ppo, custody_system):
    service, _, token = custody_system
    service.is_active = False
    service.save()
    assert post(Client(), {"pnc": PNC, "purpose": "arrest"}, token).status_code == 401


def test_the_answer_for_a_ppo_discloses_only_what_the_check_allows(ppo, cast, custody_system):
    response = post(Client(), {"pnc": PNC, "purpose": "arrest"}, custody_system[2])
    body = response.json()
    assert set(body) == ANSWER_KEYS
    assert body["status"] == "ppo"
    assert body["person"] == {
        "name": ppo.person.full_name,
        "date_of_birth": ppo.person.date_of_birth.isoformat(),
    }
    assert body["scheme"] == "Prolific and other Priority Offenders"
    assert body["strand"] == "Catch and convict"
    assert set(body["contact"]) == {"role", "name", "job_title", "agency", "phone", "email"}
    assert body["contact"]["name"] == cast.om.get_full_name()
    assert body["contact"]["phone"] == "01632 960111"
    assert body["instruction"] == AREA_INSTRUCTION
    assert body["candidates"] == [] and body["left_cohort_on"] is None
    text = response.content.decode()
    address = ppo.person.addresses.get()
    for secret in (address.line1, "Testtown", ppo.offence_name, ppo.establishment, "Marlowe",
                   "Area A", "licence"):  # fmt: skip
        assert secret not in text, secret
    keys = _all_keys(body)
    assert not [k for k in keys if any(word in k for word in NOT_DISCLOSED)], keys


def _all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


def test_not_a_ppo_gets_nothing_but_that(cast, custody_system):
    from tandem.people.models import IdentifierKind
    from tandem.people.services import identifier_add

    identifier_add(actor=None, person=cast.person_b, kind=IdentifierKind.PNC, value="2001/0000001A")
    body = post(
        Client(), {"pnc": "2001/0000001A", "purpose": "charge_bail"}, custody_system[2]
    ).json()
    assert body["status"] == "not_ppo"
    assert cast.person_b.last_name not in json.dumps(body)
    assert {k for k, v in body.items() if v not in (None, [])} == {
        "status", "summary", "purpose", "checked_at",
    }  # fmt: skip
    assert check_events().get().person == cast.person_b


def test_a_near_match_comes_back_as_candidates_then_the_chosen_one_is_checked(ppo, custody_system):
    token = custody_system[2]
    body = post(Client(), {
        "first_name": "Jordon", "last_name": "ONeill-Smith",
        "date_of_birth": ppo.person.date_of_birth.isoformat(), "purpose": "arrest_referral",
    }, token).json()  # fmt: skip
    assert body["status"] == "candidates" and body["person"] is None
    assert body["contact"] is None and body["scheme"] is None
    [candidate] = body["candidates"]
    assert set(candidate) == {"reference", "name", "date_of_birth"}
    assert "neil" not in candidate["reference"].lower()
    event = check_events().get()
    assert event.person is None and event.result_count == 1
    assert "Arrest referral" in event.detail

    chosen = post(Client(), {"candidate": candidate["reference"], "purpose": "arrest_referral"},
                  token).json()  # fmt: skip
    assert chosen["status"] == "ppo"
    assert check_events().filter(person=ppo.person).count() == 1


def test_no_match_says_so_and_is_logged(cast, custody_system):
    body = post(Client(), {"pnc": "1999/0000002B", "purpose": "arrest"}, custody_system[2]).json()
    assert body["status"] == "no_match" and body["candidates"] == []
    event = check_events().get()
    assert event.person is None and event.result_count == 0
    assert "1999/0000002B" in event.detail and "Arrested" in event.detail


@pytest.mark.parametrize(
    "body",
    [
        {"pnc": PNC},
        {"pnc": PNC, "purpose": "curiosity"},
        {"purpose": "arrest"},
        {"first_name": "Jordan", "purpose": "arrest"},
        {"first_name": "Jordan", "last_name": "Smith", "date_of_birth": "14/03/2001",
         "purpose": "arrest"},
        {"first_name": "x" * 101, "last_name": "Smith", "date_of_birth": "2001-03-14",
         "purpose": "arrest"},
        {"candidate": "not-a-reference", "purpose": "arrest"},
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_400_and_nothing_is_logged(ppo, custody_system, body):
    response = post(Client(), body, custody_system[2])
    assert response.status_code == 400
    assert isinstance(response.json(), dict) and response.json()
    assert not check_events().exists()


def test_malformed_json_is_a_400(custody_system):
    response = Client().post(URL, "{not json", content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {custody_system[2]}")  # fmt: skip
    assert response.status_code == 400
    assert not check_events().exists()


def test_queries_per_check_are_few_and_fixed(ppo, custody_system):
    client = Client()
    post(client, {"pnc": PNC, "purpose": "arrest"}, custody_system[2])  # last used noted
    with CaptureQueriesContext(connection) as by_pnc:
        assert post(client, {"pnc": PNC, "purpose": "arrest"}, custody_system[2]).status_code == 200
    # the token, the identifier with its person, the cohort facts, the access event
    assert len(by_pnc) <= 4, [q["sql"] for q in by_pnc]
    with CaptureQueriesContext(connection) as by_name:
        post(client, {"first_name": "Jordan", "last_name": "O'Neil-Smith",
                      "date_of_birth": ppo.person.date_of_birth.isoformat(),
                      "purpose": "arrest"}, custody_system[2])  # fmt: skip
    assert len(by_name) <= 4, [q["sql"] for q in by_name]
    with CaptureQueriesContext(connection) as near:
        post(client, {"first_name": "Jordon", "last_name": "O'Neil-Smith",
                      "date_of_birth": ppo.person.date_of_birth.isoformat(),
                      "purpose": "arrest"}, custody_system[2])  # fmt: skip
    # the token, people born that day, their aliases, near dates of birth, the access event
    assert len(near) <= 5, [q["sql"] for q in near]


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    text = out.read_text()
    assert "/api/v1/custody-check/" in text and "custodyToken" in text


def test_the_schema_and_swagger_ui_are_served_without_the_internet(db):
    client = Client()
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn.jsdelivr" not in page and "/static/drf_spectacular_sidecar/" in page


def test_health_is_cheap(db):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/health/")
    assert response.status_code == 200 and response.content == b"ok"
    assert len(queries) == 0


def test_an_administrator_issues_lists_and_revokes_tokens(cast, capsys):
    call_command("custody_token", "create", "--user", cast.custody.username, "--name", "Suite A")
    token = capsys.readouterr().out.strip()
    record = ApiToken.objects.get()
    assert token.startswith(record.prefix) and record.user == cast.custody
    call_command("custody_token", "list")
    assert record.prefix in capsys.readouterr().out
    call_command("custody_token", "revoke", record.prefix)
    record.refresh_from_db()
    assert record.revoked_at is not None


def test_tokens_are_only_for_custody_officers(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="custody-officer"):
        call_command("custody_token", "create", "--user", cast.om.username, "--name", "x")
    assert not ApiToken.objects.exists()


def test_dates_are_iso(ppo, custody_system):
    body = post(Client(), {"pnc": PNC, "purpose": "arrest"}, custody_system[2]).json()
    dt.datetime.fromisoformat(body["checked_at"])
    dt.date.fromisoformat(body["person"]["date_of_birth"])
