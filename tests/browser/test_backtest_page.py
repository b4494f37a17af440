"""The backtest page in Chromium: its form, results and inline SVG chart pass axe."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from tandem.selection.models import CriteriaSet

from ..factories import make_person
from ..selection.test_backtest_page import AS_OF, offences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_runs_a_backtest(cast, journey):
    prolific = make_person(area=cast.area_a, date_of_birth=dt.date(1995, 1, 1))
    quiet = make_person(area=cast.area_b, date_of_birth=dt.date(1995, 1, 1))
    offences(prolific, *range(-10, -1), 3, 9)
    offences(quiet, -100, 50)
    version = CriteriaSet.objects.get(name="PPO criteria").latest()
    assert version is not None
    journey.sign_in(cast.coordinator)
    journey.visit("/selection/")
    journey.page.get_by_role("link", name="Backtest the criteria").click()
    journey.page.wait_for_load_state()
    journey.check("backtest-form")
    values = {"criteria_version": version.pk, "as_of": AS_OF.strftime("%d/%m/%Y"),
              "horizon_months": 12}  # fmt: skip
    journey.visit("/selection/backtest/?" + urlencode(values))
    page = journey.page
    assert page.get_by_role("heading", name="Results").is_visible()
    chart = page.get_by_role("img", name="How concentrated offending was")
    assert chart.is_visible()
    description = page.locator("#concentration-desc").text_content() or ""
    assert "2 people committed the 3 recorded offences" in description
    journey.visit("/selection/backtest/?" + urlencode({**values, "horizon_months": 0}))
    assert page.get_by_text("There is a problem").is_visible()
