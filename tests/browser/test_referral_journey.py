"""Referrals in Chromium, as new users would follow them: an offender manager refers a person
to a housing officer and to an employment charity's worker, checks the preview and sends
both; each partner, in their own browser, finds the referral on their home page, sees only
what was shared, acknowledges or accepts, starts and records progress; the offender manager
then sees the partners' steps on the referral, on the person's page and in their notices.

Each user signs in once (django-otp refuses a TOTP code used again within its 30 seconds).
"""

from __future__ import annotations

import re
from typing import cast as as_user_cast

import pytest
from playwright.sync_api import BrowserContext

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import AccessEvent, Agency, AgencyKind, Notice, Role, User
from tandem.referrals.models import PartnerService, ProgressNote, Referral

from ..browser_harness import Journey
from ..factories import AgencyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _refer(journey: Journey, person_pk: int, pathway: str, service: str, consent: str) -> int:
    """Make and send a referral through the pages; returns its number."""
    page = journey.page
    slug = pathway.split()[0].strip(",").lower()
    journey.visit(f"/people/{person_pk}/")
    page.get_by_role("link", name="Make a referral").click()
    page.wait_for_load_state()
    journey.check(f"{slug}-choose")
    page.get_by_label("Pathway", exact=True).select_option(label=pathway)
    page.get_by_label("Service", exact=True).select_option(label=service)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_load_state()
    journey.check(f"{slug}-details")
    page.get_by_role("button", name="Continue to the preview").click()  # nothing filled in
    page.wait_for_load_state()
    journey.check(f"{slug}-errors")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_text("Say why you are making the referral").first.is_visible()
    page.get_by_label("Why are you making the referral?").fill(f"Needs help with {pathway}")
    page.get_by_label(consent, exact=True).check()
    page.get_by_label("Date the person gave consent").fill(f"{today():%d/%m/%Y}")
    page.get_by_role("button", name="Continue to the preview").click()
    page.wait_for_load_state()
    journey.check(f"{slug}-preview")
    assert page.get_by_role("heading", name="Check the referral before you send it").is_visible()
    shared = [h.inner_text() for h in page.locator("[id^=shared-] h3").all()]
    assert shared == ["Identity", consent]
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_load_state()
    journey.check(f"{slug}-sent")
    assert page.get_by_text("Referral sent to").is_visible()
    return int(re.search(r"/referrals/(\d+)/", page.url).group(1))  # type: ignore[union-attr]


def _partner(browser, base_url: str, name: str, user) -> tuple[BrowserContext, Journey]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    partner = Journey(context.new_page(), base_url, f"referral {name}")
    partner.sign_in(user)
    return context, partner


def _record_progress(partner: Journey, words: str) -> None:
    page = partner.page
    page.get_by_role("link", name="Record progress").click()
    page.wait_for_load_state()
    partner.check("progress-form")
    page.get_by_label("How is the work going?").fill(words)
    page.get_by_role("button", name="Save the progress note").click()
    page.wait_for_load_state()
    partner.check("progress-saved")
    assert page.get_by_text("Progress recorded").is_visible()
    assert page.get_by_text(words).is_visible()


def test_an_offender_manager_refers_to_housing_and_to_an_ete_charity(cast, journey, browser):
    housing_service = PartnerService.objects.create(
        agency=cast.other_partner.agency, name="Housing options",
        pathways=[Pathway.ACCOMMODATION], offer="Advice and a place to live",
        contact="0100 000 0000",
    )  # fmt: skip
    housing_service.areas.set([cast.area_a])
    ete_agency = as_user_cast(
        Agency, AgencyFactory(name="Test Works", kind=AgencyKind.ETE, statutory=False)
    )
    ete_worker = as_user_cast(
        User, UserFactory(username="ete", agency=ete_agency, role=Role.PARTNER_WORKER)
    )
    ete = PartnerService.objects.create(
        agency=ete_agency, name="Into work", pathways=[Pathway.ETE],
        offer="Training and work placements", contact="0100 000 0001",
    )  # fmt: skip
    ete.areas.set([cast.area_a])
    housing = cast.other_partner
    pk = cast.person.pk
    page = journey.page

    # The offender manager refers the person to both services.
    journey.sign_in(cast.om)
    to_housing = _refer(
        journey, pk, "Accommodation", "Housing options (accommodation)", "Accommodation"
    )
    to_ete = _refer(
        journey, pk, "Education, training and employment",
        "Into work (education, training and employment)", "Education, training and employment",
    )  # fmt: skip
    assert set(Referral.objects.values_list("state", flat=True)) == {"sent"}

    # The housing officer, in their own browser: the inbox is their home page.
    context, officer = _partner(browser, journey.base_url, "housing", housing)
    officer.visit("/")
    assert officer.page.get_by_role("heading", name="Referrals to Test Housing").is_visible()
    officer.visit(f"/people/{pk}/")  # not theirs to open until they accept
    assert officer.page.get_by_role("heading", name="Page not found").is_visible()
    officer.visit("/")
    officer.page.get_by_role("button", name=f"Acknowledge referral {to_housing}").click()
    officer.page.wait_for_load_state()
    officer.check("acknowledged")
    assert officer.page.get_by_text(f"Referral {to_housing} acknowledged").is_visible()
    officer.page.get_by_role("link", name=f"Open referral {to_housing}").click()
    officer.page.wait_for_load_state()
    officer.check("referral")
    shared = [h.inner_text() for h in officer.page.locator("[id^=shared-] h3").all()]
    assert shared == ["Identity", "Accommodation"]  # no risk, finance or family: not agreed
    officer.page.get_by_role("button", name="Accept", exact=True).click()
    officer.page.wait_for_load_state()
    officer.check("accepted")
    # Accepted: the officer may now open the person's record, as the protocol allows.
    assert officer.page.get_by_role("link", name=cast.person.full_name).is_visible()
    officer.page.get_by_role("button", name="Record that the work has started").click()
    officer.page.wait_for_load_state()
    officer.check("started")
    _record_progress(officer, "Bidding on two flats this week")
    officer.visit(f"/people/{pk}/")
    assert officer.page.get_by_role("heading", name=cast.person.full_name).is_visible()
    context.close()

    # The ETE worker, in theirs: accepts straight from the inbox.
    context, worker = _partner(browser, journey.base_url, "ete", ete_worker)
    # Not engaged yet: the housing referral is not theirs to read.
    worker.visit(f"/referrals/{to_housing}/")
    assert worker.page.get_by_role("heading", name="Page not found").is_visible()
    worker.visit("/referrals/")
    worker.page.get_by_role("button", name=f"Accept referral {to_ete}").click()
    worker.page.wait_for_load_state()
    worker.check("accepted")
    worker.visit(f"/referrals/{to_ete}/")
    shared = [h.inner_text() for h in worker.page.locator("[id^=shared-] h3").all()]
    assert shared == ["Identity", "Education, training and employment"]
    assert worker.page.locator("#shared-accommodation").count() == 0
    worker.page.get_by_role("button", name="Record that the work has started").click()
    worker.page.wait_for_load_state()
    _record_progress(worker, "Started a forklift course")
    context.close()

    # Back to the offender manager: the partners' steps on the referral, the person's page
    # and the notices.
    journey.visit(f"/referrals/{to_housing}/")
    timeline = page.locator("#timeline ~ .tandem-table-scroll > table").inner_text()
    for step in ("Acknowledged", "Accepted", "Started"):
        assert step in timeline
    assert housing.display_name in timeline
    assert page.get_by_text("Bidding on two flats this week").is_visible()
    journey.visit(f"/people/{pk}/")
    rows = page.locator("#referrals ~ .tandem-table-scroll > table").first.inner_text()
    assert rows.count("Started") >= 2 and "Into work" in rows and "Housing options" in rows
    agencies = page.locator("#agencies ~ .tandem-table-scroll > table").inner_text()
    assert "Test Housing" in agencies and "Test Works" in agencies
    journey.visit("/notices/")
    assert page.get_by_text(f"Referral {to_housing} to Housing options acknowledged").is_visible()
    assert page.get_by_text(f"Referral {to_ete} to Into work started").is_visible()
    assert Notice.objects.filter(recipient=cast.om).count() == 5
    journey.visit("/referrals/sent/")
    assert page.get_by_role("link", name=f"Referral {to_ete}").is_visible()

    assert ProgressNote.objects.count() == 2
    assert set(Referral.objects.values_list("state", flat=True)) == {"started"}
    # Every page that showed the person was logged, the partners' included.
    assert AccessEvent.objects.filter(actor=housing, detail=f"referral {to_housing}").exists()
    assert AccessEvent.objects.filter(actor=ete_worker, detail=f"referral {to_ete}").exists()
