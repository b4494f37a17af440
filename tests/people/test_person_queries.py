"""The person page runs a bounded number of queries, whatever the size of the record."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.models import Agency, AgencyKind
from tandem.people import services

from ..personas import signed_in_client
from .test_person_offending import add_drug_tests, add_offences


def add_drug_tests_from(person, n: int, start: int) -> None:
    if start == 0:
        add_drug_tests(person, n)


def _queries(client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session records when it was last seen
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(cast, n: int, start: int = 0) -> None:
    person = cast.person
    agency = Agency.objects.get(kind=AgencyKind.DRUG_TREATMENT)
    for i in range(start, start + n):
        services.alias_add(actor=cast.om, person=person, last_name=f"Alias{i}")
        services.identifier_add(actor=cast.om, person=person, kind="local", value=f"L-{i}")
        services.address_add(
            actor=cast.om,
            person=person,
            line1=f"{i} Test Road",
            town="Testtown",
            area=cast.area_a,
            start_date=dt.date(2010, 1, 1) + dt.timedelta(days=30 * i),
            end_date=dt.date(2010, 1, 20) + dt.timedelta(days=30 * i),
        )
        services.episode_add(
            actor=cast.om,
            person=person,
            kind="sentenced",
            start_date=dt.date(2000, 1, 1) + dt.timedelta(days=40 * i),
            end_date=dt.date(2000, 1, 30) + dt.timedelta(days=40 * i),
        )
        services.engagement_start(
            actor=cast.om, agency=agency, person=person, start_date=dt.date(2015, 1, 1)
        )
    add_offences(person, 10 * n, start=start * 10)
    add_drug_tests_from(person, n, start)


def test_person_page_queries_are_bounded(cast):
    url = reverse("people:detail", args=[cast.person.pk])
    for persona in ("om", "partner"):
        client = signed_in_client(cast.personas()[persona])
        before = _queries(client, url)
        _grow(cast, 15) if persona == "om" else None
        after = _queries(client, url)
        assert after == before, persona
        # 14 foundation, 5 offending, drug tests, 2 cohort, 1 notices, 2 status (monitoring
        # level, transfer proposal), 4 casework (latest assessment, care plan, open tasks,
        # post-exit contact plan; a reader who does not read offending also reads the
        # episodes, so the partner's count is lower)
        assert after <= 29, persona


def test_history_page_queries_are_bounded(cast):
    url = reverse("people:history", args=[cast.person.pk])
    client = signed_in_client(cast.om)
    before = _queries(client, url)
    _grow(cast, 10)
    after = _queries(client, url)
    # One more query once some history row names a user (engagements' "recorded by");
    # after that the count no longer grows with the record.
    assert after <= before + 1
    _grow(cast, 10, start=10)
    assert _queries(client, url) == after
