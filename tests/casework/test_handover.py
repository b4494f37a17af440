"""The release handover pack: what each reader's copy holds, the person's own copy, the PDF,
who may open it, the access log and bounded queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.casework import services
from tandem.casework.models import AllocationTrigger, PlanAction
from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent, Agency, AgencyKind, Role, User
from tandem.people import services as people_services
from tandem.referrals.models import PartnerService
from tandem.referrals.services import referral_create, referral_step

from ..factories import UserFactory
from ..personas import signed_in_client

OPENS = {"om": 200, "coordinator": 200, "partner": 200, "other_om": 404, "other_partner": 404}


@dataclass
class Pack:
    housing_lead: User
    page: str
    pdf: str


@pytest.fixture
def pack(cast, plan) -> Pack:
    """A person in custody, due out in three weeks, with needs, a plan, prison work and a
    lead offender manager."""
    on = today()
    cast.om.phone, cast.om.email = "0121 496 0001", "om@police.example"
    cast.om.save()
    people_services.episode_add(
        actor=cast.om, person=cast.person, kind="sentenced", start_date=on - dt.timedelta(days=200),
        expected_end_date=on + dt.timedelta(days=21), establishment="HMP Test",
    )  # fmt: skip
    services.lead_allocate(
        actor=None, person=cast.person, worker=cast.om, start_date=on - dt.timedelta(days=30),
        trigger=AllocationTrigger.ADOPTION,
    )  # fmt: skip
    services.assessment_record(
        actor=cast.om, person=cast.person, assessed_on=on, rosh="medium",
        needs={p.value: services.NeedInput("severe" if p == Pathway.DRUGS_ALCOHOL else "none")
               for p in Pathway},
    )  # fmt: skip
    housing = Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY)
    housing_lead = UserFactory(
        username="housing_lead", agency=housing, role=Role.PARTNER_WORKER,
        phone="0121 496 0002", email="housing.lead@housing.example",
    )  # fmt: skip
    services.plan_action_add(
        actor=cast.om, objective=plan.housing, seen_version=2, description="Tenancy interview",
        agency=housing, lead_officer=housing_lead, target_date=on + dt.timedelta(days=14),
    )  # fmt: skip
    done = services.plan_action_add(
        actor=cast.om, objective=plan.housing, seen_version=3, description="Housing form sent",
        agency=housing, target_date=on,
    )  # fmt: skip
    PlanAction.objects.filter(pk=done.pk).update(status="done")
    services.plan_action_add(
        actor=cast.om, objective=plan.drugs, seen_version=4, description="Methadone script",
        agency=Agency.objects.get(kind=AgencyKind.DRUG_TREATMENT), lead_officer=cast.partner,
        target_date=on + dt.timedelta(days=22),
    )  # fmt: skip
    for kind, title in (("education", "Level 1 literacy"), ("treatment", "Detox programme")):
        services.prison_work_add(
            actor=cast.om, person=cast.person, kind=kind, title=title, provider="Provider",
            establishment="HMP Test", start_date=on - dt.timedelta(days=150),
            outcome="Keen to carry on outside",
        )  # fmt: skip
    # Made in custody, held by the drug service's worker: it carries on after release.
    drugs = PartnerService.objects.create(
        agency=Agency.objects.get(kind=AgencyKind.DRUG_TREATMENT), name="Structured treatment",
        pathways=[Pathway.DRUGS_ALCOHOL], offer="Scripts and key work", contact="0121 496 0003",
    )  # fmt: skip
    drugs.areas.set([cast.area_a])
    referral = referral_create(
        actor=cast.om, person=cast.person, service=drugs, pathway=Pathway.DRUGS_ALCOHOL,
        reason="Continuity of the script on release",
    )  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    referral_step(actor=cast.partner, referral=referral, step="accept")
    pk = cast.person.pk
    return Pack(
        housing_lead=housing_lead,
        page=reverse("casework:handover", args=[pk]),
        pdf=reverse("casework:handover_pdf", args=[pk]),
    )


def _latest(user: User) -> AccessEvent:
    return AccessEvent.objects.filter(actor=user).latest("at", "id")


def test_the_offender_managers_pack_has_every_section(cast, pack):
    html = signed_in_client(cast.om).get(pack.page).content.decode()
    expected_release = f"{today() + dt.timedelta(days=21):%-d %B %Y}"
    for text in (
        "Jordan O&#x27;Neil-Smith", "In custody, sentenced", expected_release,  # who, status
        "Assessed needs", "Severe need",  # needs from the latest assessment
        "A settled tenancy", "Tenancy interview", "Methadone script",  # the open plan
        "Level 1 literacy", "Detox programme", "Keen to carry on outside",  # prison work
        "Structured treatment", "Accepted", "while in custody", "0121 496 0003",  # referral
        "Holds the referral to Structured treatment",
        "Appointments will show here once they are booked.",
        "Lead offender manager", "0121 496 0001", "om@police.example",  # contacts
        "housing.lead@housing.example", "Leads plan actions: accommodation",
    ):  # fmt: skip
        assert text in html, text
    assert "Housing form sent" not in html  # done: nothing left to hand over
    assert "Withheld from this copy" not in html
    event = _latest(cast.om)
    assert event.action == AccessAction.VIEW_PERSON and event.person == cast.person
    assert {"identity", "offending", "risk", "accommodation", "substance_misuse", "ete"} <= set(
        event.categories
    )


def test_a_partner_sees_only_their_categories_and_what_is_withheld(cast, pack):
    html = signed_in_client(cast.partner).get(pack.page).content.decode()
    assert "Tenancy interview" in html and "housing.lead@housing.example" in html
    # No recorded consent for substance misuse; the drug service reads no ETE.
    for hidden in ("Methadone script", "Stable on a script", "Detox programme", "Level 1 literacy"):
        assert hidden not in html, hidden
    assert "Withheld from this copy" in html
    assert "Care plan: drugs and alcohol." in html
    assert "has not given recorded consent to share substance misuse data" in html
    # Status and release are offending data: not even as "sent while in custody".
    assert "In custody" not in html and "while in custody" not in html
    event = _latest(cast.partner)
    assert "substance_misuse" not in event.categories and "accommodation" in event.categories


def test_the_persons_copy_is_plain_and_leaves_out_agency_only_detail(cast, pack):
    html = signed_in_client(cast.om).get(pack.page, {"for": "person"}).content.decode()
    for text in (
        "Your plan for release", "Tenancy interview", "Methadone script",
        "Your offender manager and main contact", "0121 496 0001",
        "Your first appointments", "Your appointments will show here once they are booked.",
        "What you did in prison", "Level 1 literacy",
    ):  # fmt: skip
        assert text in html, text
    for agency_only in (
        "Assessed needs", "Severe need", "Current status", "In custody", "Keen to carry on outside",
        "Withheld", "Official – sensitive", "Lead offender manager", "Housing form sent",
    ):  # fmt: skip
        assert agency_only not in html, agency_only
    event = _latest(cast.om)
    assert "risk" not in event.categories and "offending" not in event.categories
    assert "person's copy" in event.detail


@pytest.mark.parametrize("for_person", [False, True])
def test_the_pdf_is_a_pdf_and_is_logged_as_an_export(cast, pack, for_person):
    query = {"for": "person"} if for_person else {}
    response = signed_in_client(cast.om).get(pack.pdf, query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The file name carries the Tandem number, never the name.
    assert f"handover-{cast.person.pk}" in response["Content-Disposition"]
    assert "Neil" not in response["Content-Disposition"]
    event = _latest(cast.om)
    assert event.action == AccessAction.EXPORT and event.person == cast.person
    assert ("risk" in event.categories) is not for_person
    assert "accommodation" in event.categories


@pytest.mark.parametrize(
    "persona", ["om", "other_om", "viewer", "coordinator", "partner", "other_partner", "custody",
                "analyst", "auditor", "admin"],
)  # fmt: skip
def test_who_may_open_the_pack(cast, plan, persona):
    client = signed_in_client(cast.personas()[persona])
    expected = OPENS.get(persona, 403)
    page = reverse("casework:handover", args=[cast.person.pk])
    assert client.get(page).status_code == expected
    if expected != 200:  # rendering the PDF for those who may is tested above
        assert client.get(reverse("casework:handover_pdf", args=[cast.person.pk])).status_code == (
            expected
        )
        assert not AccessEvent.objects.filter(actor=cast.personas()[persona]).exists()


def test_anonymous_is_sent_to_sign_in(cast):
    for name in ("casework:handover", "casework:handover_pdf"):
        response = Client().get(reverse(name, args=[cast.person.pk]))
        assert response.status_code == 302 and reverse("core:sign_in") in response["Location"]


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pack_queries_do_not_grow_with_the_plan_or_the_record(cast, plan, pack):
    client = signed_in_client(cast.om)
    before = _queries(client, pack.page)
    housing = Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY)
    for n in range(5):
        lead = UserFactory(username=f"lead{n}", agency=housing, role=Role.PARTNER_WORKER)
        version = plan.housing.plan.__class__.objects.get().version
        services.plan_action_add(
            actor=cast.om, objective=plan.housing, seen_version=version,
            description=f"Step {n}", agency=housing, lead_officer=lead, target_date=today(),
        )  # fmt: skip
        services.prison_work_add(
            actor=cast.om, person=cast.person, kind="course", title=f"Course {n}",
            provider="Provider", establishment="HMP Test", start_date=today(),
        )  # fmt: skip
    assert _queries(client, pack.page) == before
    assert _queries(client, pack.page + "?for=person") <= before
