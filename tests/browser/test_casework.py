"""Casework in Chromium: an offender manager assesses a person and builds a care plan, and a
colleague editing the same plan at the same time is told, shown what changed, and saves
nothing until they have seen it."""

from __future__ import annotations

from typing import cast as as_user_cast

import pytest

from tandem.casework.models import Assessment, CarePlan, Objective, PlanAction
from tandem.core.access import today
from tandem.core.models import User

from ..browser_harness import Journey
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assess_plan_and_a_second_editor_is_told_of_the_conflict(cast, journey, browser):
    colleague = as_user_cast(
        User,
        UserFactory(
            username="colleague", agency=cast.om.agency, role="offender_manager",
            areas=[cast.area_a],
        )
    )  # fmt: skip
    page = journey.page
    pk = cast.person.pk
    journey.sign_in(cast.om)
    journey.visit(f"/people/{pk}/")
    page.get_by_role("link", name="Assessments", exact=True).click()
    page.wait_for_load_state()
    journey.check("assessments")
    page.get_by_role("link", name="Record an assessment").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Save the assessment").click()  # nothing filled in
    page.wait_for_load_state()
    journey.check("assessment-errors")
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Medium").check()
    for legend in (
        "Accommodation",
        "Education, training and employment",
        "Health (physical and mental)",
        "Finance, benefit and debt",
        "Children, families and communities",
        "Attitudes, thinking and behaviour",
    ):
        page.get_by_role("group", name=f"{legend}: level of need").get_by_label("No need").check()
    page.get_by_role("group", name="Drugs and alcohol: level of need").get_by_label(
        "Severe need").check()  # fmt: skip
    page.get_by_label("Drugs and alcohol need is linked to reoffending").check()
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_load_state()
    journey.check("assessment")
    assert page.get_by_text("Assessment recorded", exact=True).is_visible()
    assert Assessment.objects.get().rosh == "medium"

    journey.visit(f"/casework/people/{pk}/plan/")
    page.get_by_role("link", name="Add an objective on drugs and alcohol").click()
    page.wait_for_load_state()
    page.get_by_label("What is the objective?").fill("Stable in treatment")
    page.get_by_role("button", name="Add the objective").click()
    page.wait_for_load_state()
    journey.check("objective-added")
    page.get_by_role("link", name="Add an action to: Stable in treatment").click()
    page.wait_for_load_state()
    page.get_by_label("What needs doing?").fill("Referral to the drug service")
    page.get_by_label("Agency responsible").select_option(label="Test Drug Service")
    page.get_by_label("Target date").fill(f"{today():%d/%m/%Y}")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state()
    journey.check("action-added")
    assert PlanAction.objects.get().agency.name == "Test Drug Service"

    # Both open the objective; the colleague saves first in their own browser.
    objective = Objective.objects.get()
    url = f"/casework/people/{pk}/plan/objectives/{objective.pk}/"
    journey.visit(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = Journey(context.new_page(), journey.base_url, "casework colleague")
    other.sign_in(colleague)
    other.visit(url)
    other.page.get_by_label("What is the objective?").fill("Stable in treatment, script reviewed")
    other.page.get_by_label("In progress").check()
    other.page.get_by_role("button", name="Save the objective").click()
    other.page.wait_for_load_state()
    context.close()

    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save the objective").click()
    page.wait_for_load_state()
    journey.check("conflict")
    assert page.get_by_text("Someone else changed this care plan").first.is_visible()
    assert page.get_by_text(colleague.display_name).is_visible()
    assert page.get_by_text("Status: not started to in progress").is_visible()
    objective.refresh_from_db()
    assert objective.status == "in_progress" and CarePlan.objects.get().version == 3
