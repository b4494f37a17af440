"""Issue 6 followed in Chromium as a new offender manager and coordinator would: a PPO in
custody is assessed, gets a care plan and a prison work record, pre-release tasks appear on
the caseload, the handover pack prints, the release is recorded and the plan carries on in
the community, a review is held, and a forum exits the person with the criteria in view."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.casework.models import (
    Allocation,
    AllocationTrigger,
    Assessment,
    CarePlan,
    Objective,
    PlanAction,
    PlanReview,
    PrisonWork,
    Task,
)
from tandem.casework.services import lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.services import membership_start
from tandem.core.access import today
from tandem.core.models import Agency, Notice
from tandem.forums import services as forum_services
from tandem.forums.models import Decision, Meeting, Outcome
from tandem.people import services as people_services
from tandem.people.models import EpisodeKind, StatusEpisode

from ..browser_harness import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def _long(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


def _click(
    journey: Journey, name: str, label: str = "", *, role: str = "link", check: bool = True
) -> None:
    """Follow a link or press a button, then (unless told not to) screenshot and run axe."""
    journey.page.get_by_role(role, name=name, exact=True).click()
    journey.page.wait_for_load_state()
    if check:
        journey.check(label)


def _go(journey: Journey, path: str) -> None:
    """Open a page again without a second screenshot and axe run (kept for new pages)."""
    journey.page.goto(journey.base_url + path)


def test_a_ppo_from_custody_to_exit(cast, journey, browser):
    # --- The record as it stands: a member for about seven months, led by the offender
    # manager, serving 18 months with release expected in ten weeks.
    on = today()
    person, om, pk = cast.person, cast.om, cast.person.pk
    adopted = on - dt.timedelta(days=210)
    release_due = on + dt.timedelta(weeks=10)
    membership_start(
        actor=cast.coordinator, person=person, area=cast.area_a,
        scheme=Scheme.objects.get(code=PPO_SCHEME_CODE), strand=Strand.REHABILITATE_RESETTLE,
        start_date=adopted, basis="Area A forum: adopted",
    )  # fmt: skip
    lead_allocate(actor=cast.coordinator, person=person, worker=om, start_date=adopted,
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    custody = people_services.episode_add(
        actor=om, person=person, kind=EpisodeKind.SENTENCED,
        start_date=on - dt.timedelta(days=200), establishment="HMP Testshire",
        sentence_months=18, expected_end_date=release_due, release_type="automatic",
    )  # fmt: skip
    for agency in Agency.objects.all():
        agency.areas.add(cast.area_a)
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(area=cast.area_a, starts_at=starts, place="Room 1")
    forum_services.invite_agencies(meeting)
    page = journey.page

    # --- The offender manager finds the person in custody, with an assessment due.
    journey.sign_in(om)
    journey.visit(f"/people/{pk}/")
    assert page.get_by_text("In custody, sentenced", exact=True).first.is_visible()
    assert page.get_by_text(f"Expected release, {_long(release_due)}").is_visible()

    # Assessment.
    _click(journey, "Assessments", check=False)
    _click(journey, "Record an assessment", check=False)
    page.get_by_label("Medium").check()
    for legend in (
        "Education, training and employment",
        "Health (physical and mental)",
        "Finance, benefit and debt",
        "Children, families and communities",
    ):
        page.get_by_role("group", name=f"{legend}: level of need").get_by_label("No need").check()
    for legend in ("Accommodation", "Attitudes, thinking and behaviour"):
        page.get_by_role("group", name=f"{legend}: level of need").get_by_label(
            "Standard need").check()  # fmt: skip
    page.get_by_role("group", name="Drugs and alcohol: level of need").get_by_label(
        "Severe need").check()  # fmt: skip
    page.get_by_label("Drugs and alcohol need is linked to reoffending").check()
    page.get_by_label("Summary (optional)").fill("Heroin use drives the shop theft.")
    _click(journey, "Save the assessment", "assessment-saved", role="button")
    assert page.get_by_text("Assessment recorded", exact=True).is_visible()
    assessment = Assessment.objects.get(person=person)
    assert assessment.rosh == "medium" and assessment.assessor == om

    # Care plan: an objective on drugs and alcohol, with an action for the drug service.
    _go(journey, f"/casework/people/{pk}/plan/")
    _click(journey, "Add an objective on drugs and alcohol", check=False)
    page.get_by_label("What is the objective?").fill("Treatment carries on through the gate")
    _click(journey, "Add the objective", role="button", check=False)
    _click(journey, "Add an action to: Treatment carries on through the gate", check=False)
    page.get_by_label("What needs doing?").fill("Book the first script appointment")
    page.get_by_label("Agency responsible").select_option(label="Test Drug Service")
    page.get_by_label("Target date").fill(_day(release_due))
    _click(journey, "Add the action", "action-added", role="button")
    objective = Objective.objects.get(plan__person=person)
    action = PlanAction.objects.get(objective=objective)
    assert objective.pathway == "drugs_alcohol" and action.agency.name == "Test Drug Service"
    assert action.target_date == release_due

    # Prison work: a course finished inside, to carry on outside.
    _click(journey, "Prison work record", check=False)
    page.get_by_label("Kind of work").select_option(label="Offending behaviour course")
    page.get_by_label("Course, treatment, education or work").fill("Thinking Skills Programme")
    page.get_by_label("Provider", exact=True).fill("Prison psychology team")
    page.get_by_label("Prison", exact=True).fill("HMP Testshire")
    page.get_by_label("Start date").fill(_day(on - dt.timedelta(days=150)))
    page.get_by_label("End date (optional)").fill(_day(on - dt.timedelta(days=60)))
    page.get_by_label("Outcome and notes (optional)").fill("Completed; follow-up sessions due")
    _click(journey, "Add to the record", "prison-work-added", role="button")
    assert page.get_by_text("Prison work added").is_visible()
    assert page.get_by_role("cell", name=re.compile("Thinking Skills Programme")).is_visible()
    work = PrisonWork.objects.get(person=person)
    assert work.kind == "course" and work.establishment == "HMP Testshire"

    # --- Overnight, cron runs the pre-release tasks: four, owned by the lead.
    out = io.StringIO()
    call_command("pre_release_tasks", stdout=out)
    assert out.getvalue().startswith("4 tasks created")
    tasks = {t.kind: t for t in Task.objects.filter(person=person)}
    assert set(tasks) == {
        "housing_referral", "drug_treatment_continuity", "ete_referral", "first_appointments",
    }  # fmt: skip
    assert all(t.owner == om and t.source_episode == custody for t in tasks.values())
    assert tasks["housing_referral"].due_on == release_due - dt.timedelta(weeks=12)
    journey.visit("/casework/caseload/")
    row = page.get_by_role("row", name=re.compile(re.escape(person.full_name)))
    assert row.get_by_text("In custody, sentenced").is_visible()
    housing = row.get_by_role("listitem").filter(has_text="Make the housing referral")
    assert housing.get_by_text("Overdue").is_visible()  # twelve weeks ahead was two weeks ago
    for title in ("Arrange drug treatment continuity", "Book the first appointments after release"):
        assert row.get_by_role("link", name=title).is_visible()
    row.get_by_role("link", name="Make the housing referral").click()
    page.wait_for_load_state()
    journey.check("task")
    _click(journey, "Mark as done", role="button", check=False)
    assert page.get_by_text("Task marked done").is_visible()
    tasks["housing_referral"].refresh_from_db()
    assert tasks["housing_referral"].status == "done"

    # --- The release handover pack, on the page and as a PDF.
    _go(journey, f"/people/{pk}/")
    _click(journey, "Release handover pack", "handover")
    for text in (
        "Thinking Skills Programme",
        "Book the first script appointment",
        "Treatment carries on through the gate",
    ):
        assert page.get_by_text(text).first.is_visible(), text
    pdf = page.request.get(journey.base_url + f"/casework/people/{pk}/handover.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == f'attachment; filename="handover-{pk}.pdf"'

    # --- Release day: the offender manager records the release and the licence.
    _go(journey, f"/people/{pk}/")
    _click(journey, "Record or change custody, licence, orders and the monitoring level",
           "episodes")  # fmt: skip
    _click(journey, f"End in custody, sentenced from {custody.start_date:%-d %b %Y}",
           "episode-end")  # fmt: skip
    page.get_by_label("Release date").fill(_day(on))
    page.get_by_label("Release type").select_option(label="Home detention curfew")
    _click(journey, "Record the release", role="button", check=False)
    assert page.get_by_text("Release recorded. If they are on licence").is_visible()
    assert page.get_by_text(f"Released {on:%-d %b %Y}").is_visible()
    custody.refresh_from_db()
    assert custody.end_date == on - dt.timedelta(days=1)  # the last day in custody
    assert custody.release_type == "hdc"
    # Those working with the person hear of it; the offender manager who recorded it does not.
    assert not Notice.objects.filter(recipient=om, subject="Released from custody").exists()
    _click(journey, "On licence", "licence-form")
    page.get_by_label("Start date").fill(_day(on))
    page.get_by_label("Licence end date").fill(_day(on + dt.timedelta(days=270)))
    page.get_by_label("Licence conditions").fill(
        "Reside at the approved address\nCurfew 7pm to 7am"
    )
    _click(journey, "Save", "licence-recorded", role="button")
    assert StatusEpisode.objects.get(person=person, kind=EpisodeKind.LICENCE).start_date == on

    # In the community: on licence, with the same plan carrying on, and a first review.
    licence_ends = f"Licence ends, {_long(on + dt.timedelta(days=270))}"
    assert page.locator(".govuk-inset-text").first.inner_text().startswith("On licence")
    assert page.get_by_text(licence_ends).is_visible()
    _go(journey, f"/casework/people/{pk}/plan/")
    assert page.get_by_role("heading", name="Treatment carries on through the gate").is_visible()
    action_cell = page.get_by_role("cell", name=re.compile("^Book the first script appointment"))
    assert action_cell.is_visible()
    assert CarePlan.objects.get(person=person).objectives.count() == 1
    _click(journey, "Record a review", "review-form")
    page.get_by_label("Who took part?").fill("Jordan, offender manager, drug service worker")
    page.get_by_label("What did the review find and agree?").fill(
        "Script collected on the day of release; keep weekly appointments."
    )
    _click(journey, "Save the review", "review-saved", role="button")
    assert page.get_by_text("Review recorded").is_visible()
    assert page.get_by_text("Script collected on the day of release").is_visible()
    review = PlanReview.objects.get(plan__person=person)
    assert review.reviewed_on == on and review.next_review_on == on + dt.timedelta(weeks=6)

    # The caseload: on licence now; the tasks left open are marked as past the release.
    _go(journey, "/casework/caseload/")
    row = page.get_by_role("row", name=re.compile(re.escape(person.full_name)))
    assert row.get_by_text("On licence").is_visible()
    assert row.get_by_text("Release past").first.is_visible()

    # The person page: on licence, and the exit-readiness panel from the record.
    journey.visit(f"/people/{pk}/")
    assert page.get_by_text(licence_ends).is_visible()
    assert page.locator("#exit-readiness").is_visible()
    assert page.get_by_role("rowheader", name="At least 3 months on the scheme").is_visible()

    # --- The coordinator, at the area forum, exits the person with a reason.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    coordinator = Journey(context.new_page(), journey.base_url, "custody-to-exit coordinator")
    cpage = coordinator.page
    coordinator.sign_in(cast.coordinator)
    _go(coordinator, f"/forums/{meeting.pk}/")
    _click(coordinator, "Build the agenda from the area's data", "agenda", role="button")
    title = f"Six-monthly review: {person.last_name.upper()}, {person.first_name}"
    item = cpage.locator("section.tandem-agenda-item").filter(has_text=title)
    assert item.is_visible()
    assert item.get_by_text(re.compile(r"Exit criteria: \d of \d met")).is_visible()
    item.get_by_role("link", name=re.compile("Record the decision")).click()
    cpage.wait_for_load_state()
    coordinator.check("decide")
    cpage.get_by_text(re.compile(r"Exit criteria: \d of \d met")).click()  # open the details
    assert cpage.get_by_role("rowheader", name="Time limit reached").is_visible()
    cpage.get_by_label("Exit", exact=True).check()
    cpage.get_by_label("Why did the forum decide this?").fill(
        "Settled on licence, in treatment, no offending since release: exit with contact."
    )
    cpage.get_by_label("Reason for leaving (when exiting)").select_option(label="Exit criteria met")
    cpage.get_by_label("Contact after exit (optional)").fill("A monthly phone call")
    cpage.get_by_label("Contact after exit until").fill(_day(on + dt.timedelta(days=90)))
    _click(coordinator, "Record the decision", "decided", role="button")
    assert cpage.get_by_text("Decision recorded").is_visible()
    decision = Decision.objects.get(item__meeting=meeting, item__person=person)
    assert decision.outcome == Outcome.EXIT and decision.post_exit_contact == "A monthly phone call"
    spell = Membership.objects.get(person=person)
    assert spell.end_date == meeting.day and spell.end_reason == EndReason.EXIT_CRITERIA_MET
    assert spell.end_note.startswith("Settled on licence")
    assert decision.membership_ended == spell
    assert not Allocation.objects.filter(person=person, end_date__isnull=True).exists()

    coordinator.visit(f"/people/{pk}/")
    assert cpage.get_by_text(f"Left on {_long(meeting.day)}: exit criteria met.").is_visible()
    assert not cpage.locator("#exit-readiness").count()
    context.close()
