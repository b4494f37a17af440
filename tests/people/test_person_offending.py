"""The Offending and Substance misuse sections of the person page, and the full history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tandem.core.models import AccessAction, AccessEvent
from tandem.offending.models import DrugTest, Offence, OffenceType
from tandem.people.models import Consent

from ..personas import signed_in_client


def add_offences(person, n: int, *, start: int = 0) -> None:
    types = {
        t.code: t for t in OffenceType.objects.filter(code__in=["SHOPLIFTING", "BURGLARY-DWELLING"])
    }
    Offence.objects.bulk_create(
        [
            Offence(
                person=person,
                offence_type=types["SHOPLIFTING" if i % 3 else "BURGLARY-DWELLING"],
                offence_date=dt.date(2020 + i % 4, 1 + i % 12, 1 + i % 28),
                outcome="convicted" if i % 2 else "nfa",
                sanction_date=dt.date(2020 + i % 4, 1 + i % 12, 1 + i % 28) if i % 2 else None,
                source_system="TEST",
                source_ref=f"{person.pk}-{i}",
            )
            for i in range(start, start + n)
        ]
    )


def add_drug_tests(person, n: int) -> None:
    DrugTest.objects.bulk_create(
        [
            DrugTest(
                person=person,
                test_date=dt.date(2024, 1, 1) + dt.timedelta(days=10 * i),
                setting="arrest",
                opiates="positive" if i % 2 else "negative",
                cocaine="negative",
                other="not_tested",
                assessment_required=bool(i % 2),
                assessment_followed=True if i % 2 else None,
                source_system="TEST",
                source_ref=f"{person.pk}-{i}",
            )
            for i in range(n)
        ]
    )


def test_offender_manager_sees_counts_per_year_and_kind(cast):
    add_offences(cast.person, 12)
    html = (
        signed_in_client(cast.om)
        .get(reverse("people:detail", args=[cast.person.pk]))
        .content.decode()
    )
    assert "12 recorded offences, 6 leading to a sanction" in html
    assert "By year of offence" in html and "By kind of offence" in html
    assert "Theft and handling" in html and "Burglary" in html
    assert "Theft from a shop" in html


def test_long_histories_link_to_the_full_list(cast):
    add_offences(cast.person, 40)
    client = signed_in_client(cast.om)
    html = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "See all 40 offences" in html
    full = client.get(reverse("people:offending", args=[cast.person.pk]))
    assert full.status_code == 200
    assert "40 recorded offences" in full.content.decode()
    event = AccessEvent.objects.filter(actor=cast.om, detail="offending history").get()
    assert event.action == AccessAction.VIEW_PERSON
    assert event.categories == ["offending"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("om", 200), ("viewer", 200), ("coordinator", 200), ("other_om", 404), ("partner", 404),
     ("other_partner", 404), ("auditor", 404), ("custody", 403), ("analyst", 403), ("admin", 403)],
)  # fmt: skip
def test_full_history_by_persona(cast, persona, expected):
    """Out of scope, or in scope without the offending category: the page does not exist."""
    response = signed_in_client(cast.personas()[persona]).get(
        reverse("people:offending", args=[cast.person.pk])
    )
    assert response.status_code == expected


def test_drug_service_sees_tests_only_with_consent(cast):
    add_drug_tests(cast.person, 4)
    client = signed_in_client(cast.partner)
    url = reverse("people:detail", args=[cast.person.pk])
    html = client.get(url).content.decode()
    assert "has not given recorded consent to share substance misuse data" in html
    assert "drug tests" not in html
    Consent.objects.create(
        person=cast.person, category="substance_misuse", given_on=dt.date(2024, 1, 1)
    )
    html = signed_in_client(cast.partner).get(url).content.decode()
    assert "4 drug tests, 2 positive." in html
    assert "Required, followed" in html


def test_partner_without_offending_category_sees_why(cast):
    add_offences(cast.person, 3)
    html = (
        signed_in_client(cast.partner)
        .get(reverse("people:detail", args=[cast.person.pk]))
        .content.decode()
    )
    assert "recorded offence" not in html
    assert "no access to offending data" in html


def test_full_history_queries_do_not_grow(cast, django_assert_max_num_queries):
    add_offences(cast.person, 150)
    client = signed_in_client(cast.om)
    url = reverse("people:offending", args=[cast.person.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# Local intelligence ---------------------------------------------------------------------


def test_police_officer_adds_intelligence_and_it_shows(cast):
    client = signed_in_client(cast.om)
    expires = (dt.date.today() + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("people:intelligence_add", args=[cast.person.pk]),
        {"points": "5", "reason": "Seen with known handlers", "expires_on": expires},
    )
    assert response.status_code == 302
    html = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "Seen with known handlers" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [({"points": "0"}, "more than 0"), ({"points": "500"}, "at most 50"),
     ({"points": "lots"}, "as a number"), ({"reason": ""}, "Say why"),
     ({"expires_on": "01/01/2020"}, "must be in the future"),
     ({"expires_on": "01/01/2099"}, "within a year")],
)  # fmt: skip
def test_bad_intelligence_is_explained_and_not_saved(cast, data, message):
    from tandem.selection.models import LocalIntelligence

    expires = (dt.date.today() + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    post = {"points": "5", "reason": "A reason", "expires_on": expires, **data}
    response = signed_in_client(cast.om).post(
        reverse("people:intelligence_add", args=[cast.person.pk]), post
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LocalIntelligence.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("viewer", 403), ("coordinator", 403), ("partner", 403), ("other_om", 404),
     ("custody", 403), ("auditor", 403)],
)  # fmt: skip
def test_only_writers_of_intelligence_add_it(cast, persona, expected):
    response = signed_in_client(cast.personas()[persona]).post(
        reverse("people:intelligence_add", args=[cast.person.pk]), {}
    )
    assert response.status_code == expected
