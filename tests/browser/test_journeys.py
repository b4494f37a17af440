"""A few journeys through the real pages in Chromium, with axe on every page."""

from __future__ import annotations

import pytest

from tandem.core.models import AccessAction, AccessEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_offender_manager_enrols_searches_and_opens_a_record(cast, journey):
    journey.sign_in(cast.om)
    page = journey.page
    assert page.get_by_role("heading", name="Offender manager").is_visible()
    journey.visit("/people/")
    page.get_by_label("Name, date of birth, PNC number or local identifier").fill("o'neil")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    journey.check("search-results")
    page.get_by_role("link", name="O'NEIL-SMITH, Jordan").click()
    page.wait_for_load_state()
    journey.check("person")
    assert page.get_by_role("heading", level=1, name="Jordan O'Neil-Smith").is_visible()
    assert page.get_by_text("Current status").is_visible()
    assert AccessEvent.objects.filter(actor=cast.om, action=AccessAction.VIEW_PERSON).count() == 1
    journey.visit(f"/people/{cast.person.pk}/history/")
    journey.visit("/protocol/")
    journey.visit("/people/")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    journey.check("empty-search")
    assert page.get_by_text("Enter something to search for").is_visible()
    page.get_by_label("Name, date of birth, PNC number or local identifier").fill("31/02/2001")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    journey.check("bad-date")
    assert page.get_by_text("There is a problem").is_visible()
    journey.visit("/no-such-page/")
    assert page.get_by_role("heading", name="Page not found").is_visible()


def test_partner_sees_what_is_withheld(cast, journey):
    journey.sign_in(cast.partner)
    journey.visit(f"/people/{cast.person.pk}/")
    assert journey.page.get_by_text("no access to offending data").first.is_visible()


def test_auditor_reads_the_access_log(cast, journey):
    journey.sign_in(cast.auditor)
    journey.visit(f"/people/{cast.person.pk}/")
    journey.visit("/access-log/")
    assert journey.page.get_by_text("Viewed a person's record").first.is_visible()
    journey.visit("/access-log/?user=auditor&date_from=01/01/2020")
    journey.visit("/access-log/?date_from=yesterday")
    assert journey.page.get_by_text("There is a problem").is_visible()
    journey.visit(f"/people/{cast.person.pk}/access/")


def test_wrong_password_and_lockout_pages(cast, journey):
    page = journey.page
    journey.visit("/sign-in/")
    page.get_by_label("Username").fill("om")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    journey.check("wrong-password")
    assert page.get_by_text("The username or password is not correct").first.is_visible()
