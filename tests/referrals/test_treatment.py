"""The drug treatment panel: need (from assessments and drug tests), referred, started and
completed for the cohort and per area, the names behind each number for the coordinator
only (logged), and every other pathway split by drug need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast as as_user_cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.casework.pathways import Pathway
from tandem.casework.services import NeedInput, assessment_record
from tandem.cohort.models import PPO_SCHEME_CODE, Membership, Scheme
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent, Area, User
from tandem.offending.models import DrugTest
from tandem.people.models import Person
from tandem.referrals.models import Referral
from tandem.referrals.services import referral_create, referral_step
from tandem.referrals.treatment import treatment_panel
from tests.factories import AreaFactory, make_person
from tests.personas import signed_in_client

JOINED = 100  # days ago


@dataclass
class Cohort:
    treated: Person  # area A: assessed drug need; referred, started, completed treatment
    tested: Person  # area A: positive drug test, never referred (the gap)
    housed: Person  # area B: no drug need; accommodation need, referred
    other: Person  # area A: no needs; a drug referral sent before joining


def _member(person: Person, area) -> None:
    Membership.objects.create(
        person=person, area=area, scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
        strand="rehabilitate_resettle", start_date=today() - dt.timedelta(days=JOINED),
        basis="Forum",
    )  # fmt: skip


def _assess(actor: User, person: Person, **levels: str) -> None:
    assessment_record(
        actor=actor, person=person, assessed_on=today() - dt.timedelta(days=50), rosh="low",
        needs={p.value: NeedInput(levels.get(p.value, "none")) for p in Pathway},
    )  # fmt: skip


def _refer(actor: User, person: Person, service, pathway: str) -> Referral:
    referral = referral_create(actor=actor, person=person, service=service, pathway=pathway,
                               reason="Needs help", confirmed=True)  # fmt: skip
    return referral_step(actor=actor, referral=referral, step="send")


@pytest.fixture
def cohort(cast, directory) -> Cohort:
    c = Cohort(
        treated=cast.person,
        tested=make_person(area=cast.area_a, first_name="Alex", last_name="Aardvark"),
        housed=cast.person_b,
        other=make_person(area=cast.area_a, first_name="Sam", last_name="Other"),
    )
    for person, area in ((c.treated, cast.area_a), (c.tested, cast.area_a),
                         (c.housed, cast.area_b), (c.other, cast.area_a)):  # fmt: skip
        _member(person, area)
    _assess(cast.om, c.treated, drugs_alcohol="standard", accommodation="severe")
    _assess(cast.other_om, c.housed, accommodation="standard")
    _assess(cast.om, c.other)
    DrugTest.objects.create(
        person=c.tested, test_date=today() - dt.timedelta(days=30), setting="arrest",
        opiates="positive", cocaine="negative", other="not_tested", source_system="TEST",
        source_ref="T1",
    )  # fmt: skip
    treatment = _refer(cast.om, c.treated, directory.drugs, Pathway.DRUGS_ALCOHOL)
    for step in ("accept", "start", "complete"):
        treatment = referral_step(actor=cast.partner, referral=treatment, step=step)
    _refer(cast.om, c.treated, directory.housing, Pathway.ACCOMMODATION)
    _refer(cast.other_om, c.housed, directory.housing_b, Pathway.ACCOMMODATION)
    before = _refer(cast.om, c.other, directory.drugs, Pathway.DRUGS_ALCOHOL)
    assert before.sent_at is not None
    Referral.objects.filter(pk=before.pk).update(
        sent_at=before.sent_at - dt.timedelta(days=JOINED + 20)
    )
    return c


def test_the_panel_counts_need_referred_started_and_completed(cast, cohort):
    panel = treatment_panel(today(), [cast.area_a.pk, cast.area_b.pk])
    assert panel.members == 4
    people = panel.drugs.people
    assert people["need"] == {cohort.treated.pk, cohort.tested.pk}
    assert people["referred"] == people["started"] == people["completed"] == {cohort.treated.pk}
    assert (panel.drug_need_from_assessment, panel.drug_need_from_tests) == (1, 1)
    assert panel.drugs.share("referred") == "50%"
    accommodation = next(s for s in panel.pathways if s.pathway == Pathway.ACCOMMODATION)
    assert accommodation.with_drug_need.people["need"] == {cohort.treated.pk}
    assert accommodation.with_drug_need.people["referred"] == {cohort.treated.pk}
    assert accommodation.without_drug_need.people["need"] == {cohort.housed.pk}
    assert accommodation.without_drug_need.people["referred"] == {cohort.housed.pk}
    assert accommodation.without_drug_need.people["started"] == set()
    # Per area: area B has no drug need at all.
    only_b = treatment_panel(today(), [cast.area_b.pk])
    assert only_b.members == 1 and only_b.drugs.count("need") == 0
    assert only_b.drugs.share("referred") == "–"


def _stage(response, key: str):
    return next(s for s in response.context["stages"] if s.key == key)


def test_the_coordinator_sees_the_figures_with_percentages(cast, cohort):
    response = signed_in_client(cast.coordinator).get(reverse("referrals:treatment"))
    assert response.status_code == 200
    expected = {"need": (2, "100%"), "referred": (1, "50%"), "started": (1, "50%"),
                "completed": (1, "50%"), "not_referred": (1, "50%")}  # fmt: skip
    for key, (count, share) in expected.items():
        stage = _stage(response, key)
        assert (stage.count, stage.share) == (count, share), key
        assert stage.people == []  # no names until asked for
    page = response.content.decode()
    assert "4 PPOs in the cohort of your 2 areas" in page
    assert "Gap: have a need but were not referred" in page
    assert "Show the names behind each number" in page
    assert reverse("people:detail", args=[cohort.tested.pk]) not in page
    # Both areas in one table: A has the two with a need, B none.
    lines = {line.area.code: line for line in response.context["by_area"]}
    assert (lines["A"].members, lines["A"].stages[0].count) == (3, 2)
    assert (lines["B"].members, lines["B"].stages[0].count) == (1, 0)
    # Help on the other pathways, by drug need, in words as well as in the table.
    assert "against 100% for PPOs without one (1 of 1)" in page
    assert not AccessEvent.objects.exists()


def test_names_are_shown_on_request_linked_and_logged(cast, cohort):
    response = signed_in_client(cast.coordinator).get(
        reverse("referrals:treatment"), {"names": "yes"}
    )
    assert response.status_code == 200
    assert [p.pk for p in _stage(response, "not_referred").people] == [cohort.tested.pk]
    assert [p.pk for p in _stage(response, "need").people] == [cohort.tested.pk,
                                                                cohort.treated.pk]  # fmt: skip
    page = response.content.decode()
    assert f'href="/people/{cohort.tested.pk}/"' in page and "AARDVARK, Alex" in page
    event = AccessEvent.objects.get()
    assert event.action == AccessAction.VIEW_LIST and event.actor == cast.coordinator
    assert event.categories == ["identity", "substance_misuse"]
    assert event.result_count == 2 and event.detail == "drug treatment panel names all areas"


def test_the_analyst_sees_figures_but_never_names(cast, cohort):
    response = signed_in_client(cast.analyst).get(reverse("referrals:treatment"), {"names": "yes"})
    assert response.status_code == 200
    assert _stage(response, "need").count == 2
    assert all(stage.people == [] for stage in response.context["stages"])
    page = response.content.decode()
    assert "all 2 areas" in page and ">All areas<" in page  # the partnership's, in figures
    assert "Show the names" not in page and "aardvark" not in page.lower()
    assert "/people/" not in page
    assert not AccessEvent.objects.exists()


def test_one_area_and_names_outside_the_coordinators_areas(cast, cohort):
    client = signed_in_client(cast.coordinator)
    response = client.get(reverse("referrals:treatment"), {"area": cast.area_b.pk})
    assert response.context["panel"].members == 1 and response.context["by_area"] == []
    # Someone still in area A's cohort now lives outside the coordinator's areas: counted,
    # not named.
    elsewhere = as_user_cast(Area, AreaFactory(code="C", name="Area C"))
    Person.objects.filter(pk=cohort.tested.pk).update(residence_area=elsewhere)
    response = client.get(reverse("referrals:treatment"), {"area": cast.area_a.pk,
                                                           "names": "yes"})  # fmt: skip
    assert _stage(response, "need").count == 2
    assert [p.pk for p in _stage(response, "need").people] == [cohort.treated.pk]
    assert "1 person is counted but not named" in response.content.decode()
    assert AccessEvent.objects.get().detail == "drug treatment panel names area=A"
    # An area that is not the coordinator's is refused, and nothing is shown or logged.
    response = client.get(reverse("referrals:treatment"), {"area": elsewhere.pk,
                                                           "names": "yes"})  # fmt: skip
    assert response.status_code == 400
    assert "Choose one of your areas from the list" in response.content.decode()
    assert AccessEvent.objects.count() == 1


def test_panel_queries_do_not_grow_with_the_cohort(cast, cohort, directory):
    client = signed_in_client(cast.coordinator)
    url = reverse("referrals:treatment") + "?names=yes"

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(4):
        person = make_person(area=cast.area_a)
        _member(person, cast.area_a)
        _assess(cast.om, person, drugs_alcohol="severe", ete="standard")
        _refer(cast.om, person, directory.drugs, Pathway.DRUGS_ALCOHOL)
    assert queries() == before
    assert before <= 20
