"""A forum run end to end in Chromium: the coordinator builds the agenda and records who
came, a housing officer and a mentoring worker add their agencies' views, the coordinator
decides and sets an action, and everyone can read the minutes and download the PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.cohort.selectors import members_on
from tandem.core.access import today
from tandem.core.models import Agency, AgencyKind, Role
from tandem.forums import services
from tandem.forums.models import Action, AgencyView, Meeting
from tandem.selection.models import NominationSource
from tandem.selection.nominations import nomination_create

from ..browser_harness import Journey
from ..factories import AgencyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forum_from_agenda_to_minutes(cast, journey, browser):
    mentoring = AgencyFactory(name="Test Mentoring", kind=AgencyKind.MENTORING, statutory=False)
    mentor = UserFactory(username="mentor", agency=mentoring, role=Role.PARTNER_WORKER)
    for agency in Agency.objects.all():
        agency.areas.add(cast.area_a)
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(area=cast.area_a, starts_at=starts, place="Room 1")
    services.invite_agencies(meeting)
    nomination_create(
        actor=cast.om,
        person=cast.person,
        area=cast.area_a,
        source=NominationSource.INTELLIGENCE,
        reason="Seen with known dealers",
    )
    page = journey.page
    url = f"/forums/{meeting.pk}/"

    journey.sign_in(cast.coordinator)
    journey.visit(url)
    page.get_by_role("button", name="Build the agenda from the area's data").click()
    page.wait_for_load_state()
    journey.check("agenda-built")
    assert page.get_by_text("1 item added from the area's data").is_visible()
    page.get_by_role("link", name="Record attendance").click()
    page.wait_for_load_state()
    for row in meeting.attendance.all():
        page.locator(f"#attended-{row.agency_id}").check()
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()
    journey.check("attendance-saved")

    for user, words in (
        (cast.other_partner, "A hostel place is free now"),
        (mentor, "A mentor can start next week"),
    ):
        # Each partner in their own browser, as at the forum table.
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        partner = Journey(context.new_page(), journey.base_url, f"forum {user.username}")
        partner.sign_in(user)
        partner.visit(url)
        partner.page.get_by_role("link", name="Add or change your agency's view on item 1").click()
        partner.page.wait_for_load_state()
        partner.check("view-form")
        partner.page.get_by_label("Your agency's view").fill(words)
        partner.page.get_by_role("button", name="Save the view").click()
        partner.page.wait_for_load_state()
        partner.check("view-saved")
        assert partner.page.get_by_text(words).is_visible()
        context.close()
    assert AgencyView.objects.count() == 2

    journey.visit(url)
    page.get_by_role("link", name="Record the decision on item 1").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    journey.check("decision-errors")
    assert page.get_by_text("There is a problem").is_visible()
    page.get_by_label("Adopt", exact=True).check()
    page.get_by_label("Why did the forum decide this?").fill("All agencies agree")
    page.get_by_label("Catch and convict").check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    journey.check("decided")
    assert members_on(today()).filter(person=cast.person).exists()
    page.get_by_role("link", name="Add an action").click()
    page.wait_for_load_state()
    page.get_by_label("What needs doing?").fill("Book a housing assessment")
    page.get_by_label("Agency", exact=True).select_option(label=cast.other_partner.agency.name)
    page.get_by_label("Due date").fill(today().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state()
    assert Action.objects.count() == 1
    journey.visit(f"/forums/{meeting.pk}/minutes/")
    assert page.get_by_text("A mentor can start next week").is_visible()
    pdf = page.request.get(journey.base_url + f"/forums/{meeting.pk}/minutes.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
