"""A custody officer checks a PPO by PNC number in Chromium; every page passes axe."""

from __future__ import annotations

import pytest

from tandem.core.models import AccessAction, AccessEvent

from ..api.conftest import AREA_INSTRUCTION, PNC, make_ppo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_custody_officer_checks_a_ppo_by_pnc(cast, journey):
    ppo = make_ppo(cast)
    journey.sign_in(cast.custody)
    page = journey.page
    page.get_by_role("link", name="Check a person").click()
    page.wait_for_load_state()
    journey.check("custody-check-form")
    # Submitting without a purpose shows the error summary.
    page.get_by_label("PNC number").fill(PNC)
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()
    journey.check("custody-check-errors")
    assert page.get_by_text("There is a problem").is_visible()
    page.get_by_label("Arrested or detained in custody").check()
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()
    journey.check("custody-check-answer")
    assert page.get_by_role("heading", level=1, name="PPO").is_visible()
    assert page.get_by_text(AREA_INSTRUCTION).is_visible()
    assert page.get_by_text(ppo.person.full_name).is_visible()
    assert page.get_by_text("01632 960111").is_visible()
    assert "0123456" not in page.url
    event = AccessEvent.objects.get(action=AccessAction.CUSTODY_CHECK)
    assert event.actor == cast.custody and event.person == ppo.person
