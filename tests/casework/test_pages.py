"""Casework pages by persona: who opens them, what each sees, bad input, conflicts in the
page, access events, bounded queries and the person page's Casework section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.casework import services
from tandem.casework.models import Assessment, CarePlan, Objective, PlanAction, PrisonWork
from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent, Agency, AgencyKind

from ..cohort.test_membership import adopt
from ..personas import signed_in_client

READS = {
    "om": 200, "viewer": 200, "coordinator": 200, "partner": 200, "auditor": 200,
    "other_om": 404, "other_partner": 404, "custody": 403, "analyst": 403, "admin": 403,
}  # fmt: skip
# Posting to any write page: only the offender manager gets past access to validation.
WRITES = {**READS, "om": 400, "viewer": 403, "coordinator": 403, "partner": 403, "auditor": 403}
ITEM_PAGES = {"objective_edit", "action_add", "action_edit"}


@pytest.fixture
def assessment(cast) -> Assessment:
    return services.assessment_record(
        actor=cast.om, person=cast.person, assessed_on=today(), rosh="medium",
        needs={p.value: services.NeedInput("standard" if p == Pathway.DRUGS_ALCOHOL else "none")
               for p in Pathway},
    )  # fmt: skip


def _read_urls(cast, plan, assessment) -> dict[str, str]:
    pk = cast.person.pk
    return {
        "assessments": reverse("casework:assessments", args=[pk]),
        "assessment": reverse("casework:assessment", args=[pk, assessment.pk]),
        "plan": reverse("casework:plan", args=[pk]),
        "prison_work": reverse("casework:prison_work", args=[pk]),
    }


def _write_urls(cast, plan) -> dict[str, str]:
    pk = cast.person.pk
    action = services.plan_action_add(
        actor=cast.om, objective=plan.housing, seen_version=2, description="Referral",
        agency=cast.om.agency, target_date=today(),
    )  # fmt: skip
    return {
        "assessment_new": reverse("casework:assessment_new", args=[pk]),
        "objective_add": reverse("casework:objective_add", args=[pk]),
        "objective_edit": reverse("casework:objective_edit", args=[pk, plan.housing.pk]),
        "action_add": reverse("casework:action_add", args=[pk, plan.housing.pk]),
        "action_edit": reverse("casework:action_edit", args=[pk, action.pk]),
        "review_add": reverse("casework:review_add", args=[pk]),
        "prison_work": reverse("casework:prison_work", args=[pk]),
    }


@pytest.mark.parametrize("persona", sorted(READS))
def test_who_opens_the_casework_pages(cast, plan, assessment, persona):
    client = signed_in_client(cast.personas()[persona])
    for name, url in _read_urls(cast, plan, assessment).items():
        assert client.get(url).status_code == READS[persona], name


@pytest.mark.parametrize("persona", sorted(WRITES))
def test_who_gets_as_far_as_validation_when_writing(cast, plan, persona):
    client = signed_in_client(cast.personas()[persona])
    before = (
        CarePlan.objects.get().version,
        Assessment.objects.count(),
        PrisonWork.objects.count(),
    )
    for name, url in _write_urls(cast, plan).items():
        expected = WRITES[persona]
        if persona == "auditor" and name in ITEM_PAGES:
            expected = 404  # an objective on a pathway the reader cannot see is absent
        assert client.post(url, {}).status_code == expected, name
    version = CarePlan.objects.get().version
    assert (version - 1, Assessment.objects.count(), PrisonWork.objects.count()) == before


def test_form_pages_are_for_writers(cast, plan):
    urls = _write_urls(cast, plan)
    for persona, expected in (("om", 200), ("viewer", 403), ("coordinator", 403),
                              ("other_om", 404)):  # fmt: skip
        client = signed_in_client(cast.personas()[persona])
        for name, url in urls.items():
            if name == "prison_work":
                continue  # a list page with a form for those who may write
            assert client.get(url).status_code == expected, (persona, name)


def test_a_partner_sees_only_the_pathways_the_protocol_and_consent_allow(cast, plan, assessment):
    services.plan_action_add(
        actor=cast.om, objective=plan.drugs, seen_version=2, description="Methadone script",
        agency=Agency.objects.get(kind=AgencyKind.DRUG_TREATMENT), target_date=today(),
    )  # fmt: skip
    html = (
        signed_in_client(cast.partner)
        .get(reverse("casework:plan", args=[cast.person.pk]))
        .content.decode()
    )
    assert "A settled tenancy" in html
    assert "Stable on a script" not in html and "Methadone script" not in html
    assert "has not given recorded consent to share substance misuse data" in html
    assert "Add an objective" not in html and "Record a review" not in html
    event = AccessEvent.objects.filter(actor=cast.partner).latest("at")
    assert event.action == AccessAction.VIEW_PERSON and "substance_misuse" not in event.categories
    assert "accommodation" in event.categories
    # The drug service reads risk, so it sees assessments; the auditor does not.
    assert "Medium" in signed_in_client(cast.partner).get(
        reverse("casework:assessments", args=[cast.person.pk])).content.decode()  # fmt: skip
    audit = signed_in_client(cast.auditor).get(
        reverse("casework:assessments", args=[cast.person.pk])).content.decode()  # fmt: skip
    assert "Withheld." in audit and "Medium" not in audit


def test_the_offender_manager_assesses_in_the_page_and_bad_input_changes_nothing(cast):
    client = signed_in_client(cast.om)
    url = reverse("casework:assessment_new", args=[cast.person.pk])
    bad = client.post(url, {"assessed_on": "31/02/2026", "rosh": "high"})
    assert bad.status_code == 400 and not Assessment.objects.exists()
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "Enter the date as day/month/year" in html
    assert "Choose the level of need for accommodation" in html
    data = {"assessed_on": f"{today():%d/%m/%Y}", "rosh": "high", "mappa": "on", "mappa_level": "1"}
    data |= {f"need_{p.value}": "none" for p in Pathway}
    data |= {"need_drugs_alcohol": "severe", "reoffending_drugs_alcohol": "on"}
    response = client.post(url, data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and assessment.mappa_level == 1
    page = client.get(response["Location"]).content.decode()
    assert "Severe need" in page and "Inputs read from the record" in page


def test_a_conflict_in_the_page_saves_nothing_and_lists_the_changes(cast, plan):
    client = signed_in_client(cast.om)
    url = reverse("casework:objective_edit", args=[cast.person.pk, plan.housing.pk])
    services.objective_update(actor=cast.viewer.__class__.objects.get(pk=cast.om.pk),
                              objective=plan.housing, seen_version=2,
                              description="Tenancy near family", status="in_progress")  # fmt: skip
    response = client.post(url, {"version": "2", "description": "Any tenancy", "status": "done"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this care plan" in html
    assert "Changed objective on accommodation" in html and "Tenancy near family" in html
    assert 'name="version" value="3"' in html
    assert Objective.objects.get(pk=plan.housing.pk).description == "Tenancy near family"
    # Saving again from the refreshed form is a knowing overwrite.
    again = client.post(url, {"version": "3", "description": "Any tenancy", "status": "done"})
    assert again.status_code == 302


def test_a_form_without_its_version_is_refused(cast, plan):
    response = signed_in_client(cast.om).post(
        reverse("casework:objective_add", args=[cast.person.pk]),
        {"pathway": "ete", "description": "College"},
    )
    assert response.status_code == 400 and "This form is out of date" in response.content.decode()
    assert Objective.objects.count() == 2


def test_prison_work_is_added_and_shown_by_category(cast):
    client = signed_in_client(cast.om)
    url = reverse("casework:prison_work", args=[cast.person.pk])
    assert client.post(url, {"kind": "education", "title": ""}).status_code == 400
    response = client.post(url, {
        "kind": "treatment", "title": "Detox and stabilisation", "provider": "Healthcare team",
        "establishment": "HMP Test", "start_date": "01/02/2025", "end_date": "01/04/2025",
    })  # fmt: skip
    assert response.status_code == 302
    services.prison_work_add(
        actor=cast.om, person=cast.person, kind="education", title="Level 1 literacy",
        provider="Education provider", establishment="HMP Test", start_date=dt.date(2025, 3, 1),
    )  # fmt: skip
    assert "Detox and stabilisation" in client.get(url).content.decode()
    partner = signed_in_client(cast.partner).get(url).content.decode()
    # No consent for substance misuse; the drug service reads no ETE either.
    assert "Detox and stabilisation" not in partner and "Level 1 literacy" not in partner
    assert "Withheld" in partner and "Add work done in custody" not in partner


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_page_queries_do_not_grow_with_the_plan(cast, plan):
    url = reverse("casework:plan", args=[cast.person.pk])
    client = signed_in_client(cast.om)
    services.plan_review_record(actor=cast.om, person=cast.person, seen_version=2,
                                reviewed_on=today(), attendees="All", summary="Fine")  # fmt: skip
    before = _queries(client, url)
    agencies = list(Agency.objects.all())
    version = CarePlan.objects.get().version
    # Police offender managers read health but do not write it.
    pathways = [p for p in Pathway if p != Pathway.HEALTH]
    for i in range(6):
        objective = services.objective_add(
            actor=cast.om, person=cast.person, seen_version=version,
            pathway=pathways[i], description=f"Objective {i}",
        )  # fmt: skip
        version += 1
        for j in range(3):
            services.plan_action_add(
                actor=cast.om, objective=objective, seen_version=version,
                description=f"Action {i}.{j}", agency=agencies[j % len(agencies)],
                lead_officer=agencies[j % len(agencies)].staff.first(), target_date=today(),
            )  # fmt: skip
            version += 1
    services.plan_review_record(actor=cast.om, person=cast.person, seen_version=version,
                                reviewed_on=today(), attendees="All", summary="Again")  # fmt: skip
    assert PlanAction.objects.count() == 18
    after = _queries(client, url)
    assert after == before
    assert after <= 14  # session, user, protocol, person, plan, objectives, actions, reviews, log


def test_the_person_page_says_when_an_assessment_is_due_and_links_casework(cast):
    adopt(cast, start_date=today() - dt.timedelta(days=40))
    html = (
        signed_in_client(cast.om)
        .get(reverse("people:detail", args=[cast.person.pk]))
        .content.decode()
    )
    assert "Casework" in html and "Overdue: was due by" in html
    assert reverse("casework:plan", args=[cast.person.pk]) in html
    auditor = (
        signed_in_client(cast.auditor)
        .get(reverse("people:detail", args=[cast.person.pk]))
        .content.decode()
    )
    assert (
        "Overdue" not in auditor and reverse("casework:plan", args=[cast.person.pk]) not in auditor
    )
