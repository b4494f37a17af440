"""The responsibility rules: each rule, their precedence, and the edges of dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.access import today
from tandem.core.models import Area
from tandem.offending.models import Offence, OffenceType
from tandem.people import services
from tandem.people.models import Address, EpisodeKind, ResponsibilityRule, StatusEpisode
from tandem.people.responsibility import decide, responsibilities

from ..factories import make_person

DAY = dt.date(2026, 6, 15)
NORTH = Area(pk=1, code="N", name="North")
SOUTH = Area(pk=2, code="S", name="South")
EAST = Area(pk=3, code="E", name="East")


def home(area: Area, start: dt.date, end: dt.date | None = None, kind: str = "home") -> Address:
    return Address(kind=kind, area=area, start_date=start, end_date=end)


def custody(start: dt.date, end: dt.date | None = None, kind: str = "sentenced") -> StatusEpisode:
    return StatusEpisode(kind=kind, start_date=start, end_date=end)


def rule(**facts: object) -> tuple[str | None, str]:
    facts.setdefault("on", DAY)
    facts.setdefault("no_fixed_abode", False)
    facts.setdefault("episodes", [])
    facts.setdefault("addresses", [])
    found = decide(**facts)
    return (found.area.name if found.area else None), found.rule


def test_residence_is_the_current_home() -> None:
    addresses = [
        home(NORTH, dt.date(2020, 1, 1), dt.date(2026, 1, 1)),
        home(SOUTH, dt.date(2026, 1, 2)),
    ]
    assert rule(addresses=addresses) == ("South", ResponsibilityRule.RESIDENCE)


def test_an_address_from_tomorrow_is_not_yet_the_residence() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1)), home(SOUTH, DAY + dt.timedelta(days=1))]
    assert rule(addresses=addresses) == ("North", ResponsibilityRule.RESIDENCE)


def test_hostels_count_as_residence_but_prisons_do_not() -> None:
    addresses = [
        home(NORTH, dt.date(2020, 1, 1), dt.date(2025, 1, 1)),
        home(SOUTH, dt.date(2025, 1, 2), kind=Address.Kind.HOSTEL),
        home(EAST, dt.date(2026, 1, 1), kind=Address.Kind.PRISON),
    ]
    assert rule(addresses=addresses) == ("South", ResponsibilityRule.RESIDENCE)


def test_in_custody_the_intended_release_address_decides() -> None:
    addresses = [
        home(NORTH, dt.date(2020, 1, 1)),
        # Starts on release day, still to come: it decides all the same.
        home(SOUTH, DAY + dt.timedelta(days=30), kind=Address.Kind.INTENDED_RELEASE),
    ]
    found = decide(
        on=DAY, no_fixed_abode=False, episodes=[custody(dt.date(2026, 1, 1))], addresses=addresses
    )
    assert (found.area, found.rule) == (SOUTH, ResponsibilityRule.RELEASE_ADDRESS)
    assert found.reason == "In custody: the intended release address is in South"


def test_on_remand_too() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1)), home(SOUTH, DAY, kind="intended_release")]
    episodes = [custody(dt.date(2026, 6, 1), kind=EpisodeKind.REMAND)]
    assert rule(addresses=addresses, episodes=episodes)[1] == ResponsibilityRule.RELEASE_ADDRESS


def test_in_custody_without_a_release_address_the_last_residence_decides() -> None:
    addresses = [
        home(NORTH, dt.date(2020, 1, 1), dt.date(2025, 12, 31)),
        # An intended release address that lapsed yesterday no longer counts.
        home(SOUTH, dt.date(2026, 1, 1), DAY - dt.timedelta(days=1), kind="intended_release"),
    ]
    episodes = [custody(dt.date(2026, 1, 1))]
    assert rule(addresses=addresses, episodes=episodes) == (
        "North",
        ResponsibilityRule.LAST_RESIDENCE,
    )


def test_custody_ending_today_still_counts_and_yesterday_does_not() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1)), home(SOUTH, DAY, kind="intended_release")]
    today_ = [custody(dt.date(2026, 1, 1), DAY)]
    assert rule(addresses=addresses, episodes=today_)[0] == "South"
    yesterday = [custody(dt.date(2026, 1, 1), DAY - dt.timedelta(days=1))]
    assert rule(addresses=addresses, episodes=yesterday) == ("North", ResponsibilityRule.RESIDENCE)


def test_licence_and_orders_are_not_custody() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1)), home(SOUTH, DAY, kind="intended_release")]
    episodes = [custody(dt.date(2026, 1, 1), kind=EpisodeKind.LICENCE)]
    assert rule(addresses=addresses, episodes=episodes)[0] == "North"


def test_no_fixed_abode_follows_the_most_recent_offence() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1), dt.date(2025, 1, 1))]
    found = decide(
        on=DAY,
        no_fixed_abode=True,
        episodes=[],
        addresses=addresses,
        latest_offence_area=EAST,
        latest_offence_date=dt.date(2026, 5, 2),
    )
    assert (found.area, found.rule) == (EAST, ResponsibilityRule.NO_FIXED_ABODE)
    assert (
        found.reason == "No fixed abode: the most recent recorded offence on 2 May 2026 was in East"
    )


def test_no_fixed_abode_without_offences_falls_back_to_the_last_residence() -> None:
    addresses = [home(NORTH, dt.date(2020, 1, 1), dt.date(2025, 1, 1))]
    assert rule(no_fixed_abode=True, addresses=addresses) == (
        "North",
        ResponsibilityRule.LAST_RESIDENCE,
    )


def test_custody_comes_before_no_fixed_abode() -> None:
    addresses = [home(SOUTH, dt.date(2026, 7, 1), kind="intended_release")]
    episodes = [custody(dt.date(2026, 1, 1))]
    assert rule(
        no_fixed_abode=True, addresses=addresses, episodes=episodes, latest_offence_area=EAST
    ) == ("South", ResponsibilityRule.RELEASE_ADDRESS)


def test_in_custody_with_no_address_at_all_the_offending_decides() -> None:
    assert rule(episodes=[custody(dt.date(2026, 1, 1))], latest_offence_area=EAST) == (
        "East",
        ResponsibilityRule.NO_FIXED_ABODE,
    )


def test_nothing_known_says_so() -> None:
    assert rule() == (None, ResponsibilityRule.NOT_KNOWN)


@pytest.mark.django_db
def test_many_people_in_four_queries(cast) -> None:
    offence_type = OffenceType.objects.first()
    assert offence_type is not None
    people = [cast.person, cast.person_b]
    for i in range(6):
        person = make_person(area=cast.area_a)
        people.append(person)
        if i % 2:
            services.episode_add(
                actor=None, person=person, kind="sentenced",
                start_date=today() - dt.timedelta(days=100), sentence_months=12,
            )  # fmt: skip
            services.address_add(
                actor=None, person=person, line1="1 Release Road", town="Testtown",
                area=cast.area_b, start_date=today() + dt.timedelta(days=90),
                kind="intended_release",
            )  # fmt: skip
        Offence.objects.create(
            person=person, offence_type=offence_type, offence_date=dt.date(2025, 1, 1),
            area=cast.area_b, outcome="convicted", source_system="TEST", source_ref=f"R{i}",
        )  # fmt: skip
    ids = [p.pk for p in people]
    with CaptureQueriesContext(connection) as ctx:
        found = responsibilities(ids, today())
    assert len(ctx.captured_queries) == 4
    assert found[cast.person.pk].area == cast.area_a
    assert found[cast.person_b.pk].area == cast.area_b
    released = [people[i + 2] for i in range(6) if i % 2]
    assert {found[p.pk].rule for p in released} == {ResponsibilityRule.RELEASE_ADDRESS}
    assert {found[p.pk].area for p in released} == {cast.area_b}
