"""The backtest page: hand-made people, the figures backtest.py gives, bad input refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from tandem.core.models import AccessEvent
from tandem.demo.models import SyntheticOffence
from tandem.offending.models import Offence, OffenceType
from tandem.selection.backtest import backtest_compare
from tandem.selection.criteria import Criteria
from tandem.selection.models import CriteriaSet, CriteriaVersion

from ..factories import make_person
from ..personas import signed_in_client

AS_OF = dt.date(2024, 6, 30)
ADULT = dt.date(1995, 1, 1)


def offences(person, *days: int) -> None:
    """Recorded offences `days` after the as-of date (negative: before it)."""
    shoplifting = OffenceType.objects.get(code="SHOPLIFTING")
    Offence.objects.bulk_create(
        Offence(person=person, offence_type=shoplifting, outcome="nfa", source_system="TEST",
                offence_date=AS_OF + dt.timedelta(days=d), source_ref=f"{person.pk}-{i}")
        for i, d in enumerate(days)
    )  # fmt: skip


@pytest.fixture
def world(cast):
    """Area A: one who was prolific and stopped, one quiet then busy, one unknown then.

    Area B: one prolific before and after. In the follow-up the four commit 1, 6, 1 and 2
    of the ten recorded offences.
    """
    stopped = make_person(area=cast.area_a, date_of_birth=ADULT)
    busy = make_person(area=cast.area_a, date_of_birth=ADULT)
    unknown = make_person(area=cast.area_a, date_of_birth=ADULT)
    steady = make_person(area=cast.area_b, date_of_birth=ADULT)
    offences(stopped, *range(-10, -1), 9)
    offences(busy, -200, *range(1, 7))
    offences(unknown, 5)
    offences(steady, *range(-30, -23), 40, 80)
    ppo = CriteriaSet.objects.get(name="PPO criteria").latest()
    assert ppo is not None
    # Version 2 asks for five recordable offences, so only the prolific two are selected.
    stricter = CriteriaVersion.objects.create(
        criteria_set=ppo.criteria_set,
        number=ppo.number + 1,
        config={**ppo.config, "min_recordable_offences": 5},
        note="Only the prolific",
    )
    cast.people = {"stopped": stopped, "busy": busy, "unknown": unknown, "steady": steady}
    cast.versions = (ppo, stricter)
    return cast


def query(world, **changes) -> dict[str, str]:
    ppo, stricter = world.versions
    values = {
        "criteria_version": str(ppo.pk),
        "as_of": AS_OF.strftime("%d/%m/%Y"),
        "horizon_months": "12",
        "compare_with": str(stricter.pk),
    }
    values.update(changes)
    return values


def cells(html: str, label: str) -> list[str]:
    """The cells of the first table row headed `label`, as text."""
    row = re.search(rf">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert row, label
    found = re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split()[0] for cell in found]


def test_coordinator_sees_the_figures_backtest_gives(world):
    ppo, stricter = world.versions
    response = signed_in_client(world.coordinator).get(reverse("selection:backtest"), query(world))
    html = response.content.decode()
    assert response.status_code == 200
    result, compared = backtest_compare(
        criteria=Criteria.from_dict(ppo.config),
        other=Criteria.from_dict(stricter.config),
        as_of=AS_OF,
        horizon_months=12,
    )
    assert compared is not None and result.offences_after == 10
    # Worked by hand: version 1 selects everyone with a record in the year before (three
    # people, 9 of the 10 offences); version 2 only the prolific two (3 of 10); the best
    # three with hindsight did 9; the six-offence rule picked the prolific two.
    assert result.overall.selected.share == pytest.approx(0.9)
    assert compared.overall.selected.share == pytest.approx(0.3)
    # Places, version 1, version 2, difference, hindsight, six-offence rule (and people).
    a, b = (str(area.capacity) for area in result.areas)
    total = str(result.overall.capacity)
    assert cells(html, "Partnership") == [total, "90.0%", "30.0%", "+60.0", "90.0%", "30.0%"]
    assert cells(html, "A Area A") == [a, "87.5%", "12.5%", "+75.0", "87.5%", "12.5%"]
    assert cells(html, "B Area B") == [b, "100.0%", "100.0%", "0.0", "100.0%", "100.0%"]
    for area in result.areas:
        assert f"{area.selected.share:.1%}" in cells(html, area.label)
    assert f"The cohort {ppo} selected committed 60.0 percentage points more" in html
    # The curve and its table: one of the four offenders committed 6 of the 10 offences.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "4 people committed the 10 recorded offences" in html
    assert cells(html, "Top 1%") == ["60.0%"] and cells(html, "Top 50%") == ["80.0%"]
    assert "marked with a circle" in html and "marked with a square" in html
    assert "true offences" not in html.lower()  # no synthetic truth was recorded
    # Aggregates only: nothing about a person, so nothing for the access log.
    assert world.people["busy"].last_name.upper() not in html
    assert not AccessEvent.objects.exists()


def test_on_the_synthetic_city_true_offending_too(world):
    people = world.people
    shoplifting = OffenceType.objects.get(code="SHOPLIFTING")
    SyntheticOffence.objects.bulk_create(
        SyntheticOffence(person=people[name], offence_type=shoplifting, area=world.area_a,
                         detected=False, offence_date=AS_OF + dt.timedelta(days=10 + i))
        for name, n in (("stopped", 2), ("busy", 10), ("unknown", 10)) for i in range(n)
    )  # fmt: skip
    response = signed_in_client(world.coordinator).get(
        reverse("selection:backtest"), query(world, compare_with="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "22 committed in truth" in html
    # True offences table: version 1 selected the stopped and the busy (12 of 22); the
    # best three with hindsight are everyone who offended (22 of 22).
    assert "Share of true offences" in html
    rows = re.findall(r">Partnership</th>(.*?)</tr>", html, re.S)
    assert len(rows) == 2
    true_cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[1], re.S)
    assert true_cells == ["54.5%", "100.0%"]
    assert "True offences" in html and "stroke-dasharray" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"as_of": "31/02/2024"}, "Enter the date as day/month/year"),
        ({"as_of": ""}, "Enter the date to select as of"),
        ({"horizon_months": "0"}, "at least 1 month"),
        ({"horizon_months": "61"}, "at most 60 months"),
        ({"horizon_months": "twelve"}, "whole number of months"),
        ({"criteria_version": "999999"}, "Choose criteria from the list"),
        ({"compare_with": "999999"}, "Choose criteria to compare with from the list"),
    ],
)
def test_bad_input_is_explained(world, changes, message):
    response = signed_in_client(world.coordinator).get(
        reverse("selection:backtest"), query(world, **changes)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html
    assert "Results" not in html


def test_the_follow_up_must_have_ended(world):
    client = signed_in_client(world.coordinator)
    recent = dt.date.today() - dt.timedelta(days=40)
    response = client.get(
        reverse("selection:backtest"), query(world, as_of=recent.strftime("%d/%m/%Y"))
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "after today: choose a date on or before" in html
    assert 'href="#id_as_of"' in html and 'id="id_as_of-error"' in html
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    future = client.get(reverse("selection:backtest"), query(world, as_of=tomorrow))
    assert "The date must be in the past" in future.content.decode()
    ppo, _ = world.versions
    same = client.get(reverse("selection:backtest"), query(world, compare_with=str(ppo.pk)))
    assert same.status_code == 400
    assert "Choose a different version to compare with" in same.content.decode()


def test_the_empty_form_offers_last_year(world):
    _, stricter = world.versions
    response = signed_in_client(world.coordinator).get(reverse("selection:backtest"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Results" not in html and "There is a problem" not in html
    criteria, compare = re.findall(r"<select.*?</select>", html, re.S)
    # The latest PPO version by default, and no comparison (the first option, "Do not compare").
    assert f'<option value="{stricter.pk}" selected>' in criteria
    assert " selected>" not in compare and "Do not compare" in compare
    assert 'name="horizon_months" type="text" value="12"' in html
    home = signed_in_client(world.coordinator).get(reverse("selection:home")).content.decode()
    assert reverse("selection:backtest") in home
