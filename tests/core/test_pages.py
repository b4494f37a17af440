"""Persona tests for the core pages: home, the protocol, the access log and the error pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, AccessEvent, AgencyKind, ProtocolRule
from tandem.core.views.errors import server_error

from .. import personas

# One handler for the module: each new handler loads the middleware again, and WhiteNoise
# then rescans the static files (about 0.25 s a client).
HANDLER = ClientHandler(enforce_csrf_checks=False)


def signed_in_client(user) -> Client:
    client = personas.signed_in_client(user)
    client.handler = HANDLER
    return client


def csrf_checking_client(user) -> Client:
    """Like signed_in_client, but the client enforces CSRF checks as a browser would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


# Home -----------------------------------------------------------------------------------
# The persona matrices loop inside one test each: the cast fixture costs more than a request.


def test_home_for_every_persona(cast):
    for name, user in cast.personas().items():
        response = signed_in_client(user).get(reverse("core:home"))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert user.get_role_display() in html, name
        assert user.agency.name in html, name


def test_home_counts_the_records_in_scope(cast):
    assert "You can open 1 record." in signed_in_client(cast.om).get("/").content.decode()
    assert "You can open 2 records." in signed_in_client(cast.auditor).get("/").content.decode()
    assert "You can open" not in signed_in_client(cast.analyst).get("/").content.decode()


def test_home_sends_anonymous_to_sign_in(db, client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


def test_nav_for_every_persona(cast):
    log_link = f'href="{reverse("core:access_log")}"'
    for name, user in cast.personas().items():
        response = signed_in_client(user).get(reverse("core:home"))
        labels = [item["label"] for item in response.context["nav_items"]]
        html = response.content.decode()
        assert "Notices" in labels, name
        assert ">Information Sharing Protocol<" in html, name  # in the footer
        assert ("Access log" in labels) == (name == "auditor"), name
        assert (log_link in html) == (name == "auditor"), name
        assert ("Administration" in labels) == (name == "admin"), name
        assert (">Administration<" in html) == (name == "admin"), name
        can_search = name not in {"custody", "analyst", "admin"}
        assert ("Find a person" in labels) == can_search, name


def test_the_current_section_is_marked_and_transfers_are_not_a_search(cast):
    client = signed_in_client(cast.om)

    def active(url: str) -> list[str]:
        items = client.get(url).context["nav_items"]
        return [item["label"] for item in items if item["active"]]

    assert active(reverse("people:search")) == ["Find a person"]
    assert active(reverse("people:detail", args=[cast.person.pk])) == ["Find a person"]
    assert active(reverse("casework:caseload")) == ["Caseload"]
    assert active(reverse("people:transfers")) == []


# Protocol -------------------------------------------------------------------------------


def test_protocol_page_for_every_persona(cast):
    level_labels = dict(Level.choices)
    for name, user in cast.personas().items():
        response = signed_in_client(user).get(reverse("core:protocol"))
        assert response.status_code == 200, name
        html = response.content.decode()
        for kind, label in AgencyKind.choices:
            assert f'id="kind-{kind}"' in html, (name, kind)
            assert f"Access for {label}" in html, (name, kind)
        rules = ProtocolRule.objects.filter(agency_kind=user.agency.kind, role=user.role)
        expected = {Category(rule.category).label: level_labels[rule.level] for rule in rules}
        assert own_levels(html) == expected, name


def own_levels(html: str) -> dict[str, str]:
    """The persona's own row of the protocol: category label -> level label."""
    own = section(html, "Your access</h2>", "Every agency</h2>")
    cells = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r'<td class="govuk-table__cell">[^<]*</td>\s*'
        r'<td class="govuk-table__cell">([^<]+)</td>',
        own,
    )
    return dict(cells)


def test_protocol_page_shows_the_partners_own_levels(cast):
    html = signed_in_client(cast.partner).get(reverse("core:protocol")).content.decode()
    levels = own_levels(html)
    assert len(levels) == 12
    assert levels["Substance misuse"] == "Read and write"
    assert levels["Identity"] == "Read"
    assert levels["Offending"] == "None"
    assert "Drug treatment provider, partner worker" in section(html, "Your access", "</caption>")


def test_protocol_page_shows_the_oms_own_levels(cast):
    levels = own_levels(signed_in_client(cast.om).get(reverse("core:protocol")).content.decode())
    assert levels["Intelligence"] == "Read and write"
    assert levels["Health"] == "Read"


def test_protocol_page_shows_nothing_for_the_analyst(cast):
    levels = own_levels(
        signed_in_client(cast.analyst).get(reverse("core:protocol")).content.decode()
    )
    assert set(levels.values()) == {"None"}


def test_protocol_page_sends_anonymous_to_sign_in(db, client):
    response = client.get(reverse("core:protocol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


# Access log -----------------------------------------------------------------------------

LOG = reverse("core:access_log")


def test_access_log_is_for_auditors_only(cast):
    for name, user in cast.personas().items():
        response = signed_in_client(user).get(LOG)
        assert response.status_code == (200 if name == "auditor" else 403), name
        if name != "auditor":
            assert "You cannot use this page" in response.content.decode(), name
    viewed = AccessEvent.objects.filter(action=AccessAction.VIEW_ACCESS_LOG)
    assert [e.actor for e in viewed] == [cast.auditor]


def test_access_log_sends_anonymous_to_sign_in(db, client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign_in"))


@pytest.fixture
def logged(cast):
    """A few access events: om viewed the person in A, other_om viewed the person in B."""
    om_view = access_record(actor=cast.om, action=AccessAction.VIEW_PERSON, person=cast.person)
    other_view = access_record(
        actor=cast.other_om, action=AccessAction.VIEW_PERSON, person=cast.person_b
    )
    om_search = access_record(actor=cast.om, action=AccessAction.SEARCH, detail="smith")
    return {"om_view": om_view, "other_view": other_view, "om_search": om_search}


def listed(response) -> list[AccessEvent]:
    return list(response.context["page"].object_list)


def test_access_log_shows_events_for_the_auditor(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Access log" in html
    assert "(other_om)" in html
    assert "Viewed a person&#x27;s record" in html or "Viewed a person's record" in html
    assert "smith" in html


def test_access_log_page_lists_every_earlier_event_but_not_its_own_reading(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG)
    assert {e.pk for e in listed(response)} == {e.pk for e in logged.values()}
    assert "3 events" in response.content.decode()
    assert AccessEvent.objects.filter(action=AccessAction.VIEW_ACCESS_LOG).count() == 1


def test_viewing_the_access_log_is_itself_logged(cast, logged):
    signed_in_client(cast.auditor).get(LOG, {"user": "om"})
    event = AccessEvent.objects.get(action=AccessAction.VIEW_ACCESS_LOG)
    assert event.actor == cast.auditor
    assert event.detail == f"access log user={cast.om.pk}"
    assert event.result_count == 2
    assert event.path == LOG


def test_access_log_filters_by_username(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG, {"user": "OM"})  # any case
    assert {e.pk for e in listed(response)} == {logged["om_view"].pk, logged["om_search"].pk}
    assert "2 events" in response.content.decode()


def test_access_log_filters_by_person_number(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG, {"person": cast.person_b.pk})
    assert [e.pk for e in listed(response)] == [logged["other_view"].pk]


def test_access_log_filters_by_date(cast, logged):
    with time_machine.travel(dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC), tick=False):
        old = access_record(actor=cast.viewer, action=AccessAction.SEARCH, detail="old")
    client = signed_in_client(cast.auditor)
    on_the_day = client.get(LOG, {"date_from": "14/03/2025", "date_to": "14/03/2025"})
    assert [e.pk for e in listed(on_the_day)] == [old.pk]
    before = client.get(LOG, {"date_to": "13/03/2025"})
    assert listed(before) == []
    after = client.get(LOG, {"date_from": "15/03/2025", "user": "om"})
    assert {e.pk for e in listed(after)} == {logged["om_view"].pk, logged["om_search"].pk}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"user": "nobody-by-that-name"}, "There is no user with that username"),
        ({"date_from": "31/02/2026"}, "Enter the from date as day/month/year"),
        ({"date_to": "yesterday"}, "Enter the to date as day/month/year"),
        ({"person": "abc"}, "Enter the person&#x27;s Tandem number as digits"),
        (
            {"date_from": "02/01/2026", "date_to": "01/01/2026"},
            "The to date must be the same as or after the from date",
        ),
    ],
)
def test_access_log_bad_filters_show_an_error_summary(cast, logged, params, message):
    before = list(AccessEvent.objects.order_by("pk").values())
    response = signed_in_client(cast.auditor).get(LOG, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert message in html
    assert listed(response) == []
    assert "No events match these filters." in html
    # Nothing in the log changed; only the auditor's own view was appended.
    assert list(AccessEvent.objects.order_by("pk").values())[: len(before)] == before
    assert AccessEvent.objects.count() == len(before) + 1


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_access_log_csv_download(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="tandem-access-log-')
    rows = csv_rows(response)
    assert rows[0] == [
        "when", "username", "agency", "role", "action", "person", "categories", "detail",
        "results", "ip_address",
    ]  # fmt: skip
    exported = {(r[1], r[4]) for r in rows[1:]}
    assert ("om", "Searched for people") in exported
    assert ("other_om", "Viewed a person's record") in exported
    export = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert export.actor == cast.auditor
    assert export.detail == "CSV access log unfiltered"
    assert not AccessEvent.objects.filter(action=AccessAction.VIEW_ACCESS_LOG).exists()


def test_access_log_csv_export_records_how_many_rows_it_exported(cast, logged):
    rows = csv_rows(signed_in_client(cast.auditor).get(LOG, {"format": "csv"}))
    assert AccessEvent.objects.get(action=AccessAction.EXPORT).result_count == len(rows) - 1


def test_access_log_csv_respects_filters(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG, {"format": "csv", "user": "other_om"})
    rows = csv_rows(response)
    assert len(rows) == 2
    assert rows[1][1] == "other_om"
    assert rows[1][5] == str(cast.person_b.pk)
    assert AccessEvent.objects.get(action=AccessAction.EXPORT).result_count == 1


def test_access_log_csv_with_bad_filter_shows_the_error_instead(cast, logged):
    response = signed_in_client(cast.auditor).get(LOG, {"format": "csv", "date_from": "x"})
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()


def test_access_log_csv_neutralises_formulas(cast):
    access_record(
        actor=cast.om, action=AccessAction.SEARCH, detail='=HYPERLINK("http://evil.example")'
    )
    rows = csv_rows(signed_in_client(cast.auditor).get(LOG, {"format": "csv"}))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# Error pages ----------------------------------------------------------------------------


def test_unknown_url_gives_the_govuk_404_page(cast):
    response = signed_in_client(cast.om).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-template" in html
    assert "Traceback" not in html
    assert "Notices" in html  # the usual navigation


def test_post_without_csrf_token_gives_the_govuk_403_page(cast):
    client = csrf_checking_client(cast.om)
    response = client.post(reverse("core:sign_out"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "govuk-template" in html
    assert "Traceback" not in html
    assert client.get(reverse("core:home")).status_code == 200  # still signed in


def test_post_with_csrf_token_signs_out(cast):
    client = csrf_checking_client(cast.om)
    client.get(reverse("core:home"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("core:sign_out"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_server_error_page(db):
    request = RequestFactory().get("/anything/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "govuk-template" in html
    assert "Traceback" not in html
