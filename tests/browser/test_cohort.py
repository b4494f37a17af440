"""The cohort in Chromium: the coordinator adopts someone between forums, axe on every page."""

from __future__ import annotations

import pytest

from tandem.cohort.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_adopts_between_forums_and_sees_it_awaiting_ratification(cast, journey):
    journey.sign_in(cast.coordinator)
    page = journey.page
    journey.visit("/cohort/")
    assert page.get_by_role("heading", level=1, name="Cohort").is_visible()
    page.get_by_role("link", name="A Area A").click()
    page.wait_for_load_state()
    journey.check("area-a-empty")
    assert page.get_by_text("No one is in this area's cohort today").is_visible()
    page.get_by_label("Tandem number").fill("not a number")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    journey.check("find-bad-number")
    assert page.get_by_text("There is a problem").is_visible()
    page.get_by_label("Tandem number").fill(str(cast.person.pk))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    journey.check("adopt-form")
    page.get_by_role("button", name="Adopt").click()
    page.wait_for_load_state()
    journey.check("adopt-errors")
    assert page.get_by_text("There is a problem").is_visible()
    assert not Membership.objects.exists()
    page.get_by_label("Catch and convict").check()
    page.get_by_label("Why adopt this person before the next forum?").fill(
        "Arrested three times this week; the forum meets in ten days"
    )
    page.get_by_label("Lead offender manager (optional)").select_option(
        label=f"{cast.om.display_name}, {cast.om.agency.name}"
    )
    page.get_by_role("button", name="Adopt").click()
    page.wait_for_load_state()
    journey.check("area-a-adopted")
    assert page.get_by_text("the next forum ratifies it").first.is_visible()
    row = page.get_by_role("row").filter(has_text="O'NEIL-SMITH, Jordan")
    assert row.get_by_text("Awaiting ratification").is_visible()
    assert row.get_by_text(cast.om.display_name).is_visible()
    journey.visit("/cohort/")
    assert page.get_by_text("1 adoption").first.is_visible()
    journey.visit(f"/people/{cast.person.pk}/")
    assert page.get_by_text("Adopted by the coordinator between forums").is_visible()
