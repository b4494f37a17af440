"""Casework services: assessments kept as history, care plan versions and conflicts, reviews
on a schedule, lead officers told, partners writing only their own agency's actions."""

from __future__ import annotations

import datetime as dt
from typing import cast as as_user_cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tandem.casework import selectors, services
from tandem.casework.models import (
    AssessedNeed,
    Assessment,
    CarePlan,
    ItemStatus,
    Objective,
    PlanAction,
    PlanReview,
    PrisonWork,
)
from tandem.casework.pathways import Pathway
from tandem.core.access import grants_for, today
from tandem.core.models import Agency, AgencyKind, Notice, User

from ..factories import UserFactory

NEEDS = {p.value: services.NeedInput("none") for p in Pathway}


def _needs(**levels: str) -> dict[str, services.NeedInput]:
    return {**NEEDS, **{k: services.NeedInput(v, v != "none", False) for k, v in levels.items()}}


# --- Assessments --------------------------------------------------------------------------


def test_assessments_are_kept_and_each_shows_what_changed(cast):
    first = services.assessment_record(
        actor=cast.om, person=cast.person, assessed_on=today() - dt.timedelta(days=200),
        rosh="medium", needs=_needs(drugs_alcohol="severe", accommodation="standard"),
    )  # fmt: skip
    assert first.reassess_by == services.default_reassess_by(first.assessed_on)
    assert first.assessor_agency_id == cast.om.agency_id
    assert first.ogrs3_sanctions == 0 and first.ogrs3_two_year is None
    services.assessment_record(
        actor=cast.om, person=cast.person, assessed_on=today(), rosh="high",
        needs=_needs(drugs_alcohol="standard"), mappa=True, mappa_level=2,
    )  # fmt: skip

    rows = selectors.assessment_history(cast.person)
    assert [r.assessment.rosh for r in rows] == ["high", "medium"]  # newest first
    assert rows[1].first and rows[1].changes == []
    assert rows[0].changes == [
        "Risk of serious harm: medium to high",
        "MAPPA: not a MAPPA case to level 2",
        "Accommodation: standard need (linked to reoffending) to no need",
        "Drugs and alcohol: severe need (linked to reoffending) to standard need "
        "(linked to reoffending)",
    ]
    assert AssessedNeed.objects.count() == 14


def test_a_bad_assessment_is_refused_whole(cast):
    bad = {**_needs(), "ete": services.NeedInput("none", linked_to_reoffending=True)}
    del bad["finance"]
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            actor=cast.om, person=cast.person, assessed_on=today() + dt.timedelta(days=1),
            rosh="extreme", needs=bad, mappa=True, mappa_level=None,
            reassess_by=today() - dt.timedelta(days=3),
        )  # fmt: skip
    assert set(error.value.message_dict) == {
        "assessed_on", "rosh", "mappa_level", "reassess_by", "need_ete", "need_finance",
    }  # fmt: skip
    assert not Assessment.objects.exists() and not AssessedNeed.objects.exists()


def test_only_writers_of_risk_assess(cast):
    for actor in (cast.viewer, cast.coordinator, cast.partner):
        with pytest.raises(PermissionDenied):
            services.assessment_record(
                actor=actor, person=cast.person, assessed_on=today(), rosh="low", needs=NEEDS
            )
    assert not Assessment.objects.exists()


# --- Care plan versions and conflicts -----------------------------------------------------


def test_the_plan_starts_with_its_first_objective_and_every_change_bumps_the_version(cast, plan):
    care_plan = CarePlan.objects.get(person=cast.person)
    assert care_plan.version == 2 and care_plan.created_by == cast.om
    assert care_plan.next_review_on == today() + dt.timedelta(weeks=6)
    action = services.plan_action_add(
        actor=cast.om, objective=plan.housing, seen_version=2, description="Housing referral",
        agency=Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY),
        target_date=today() + dt.timedelta(days=14),
    )  # fmt: skip
    assert action.plan_version == 3
    care_plan.refresh_from_db()
    assert care_plan.version == 3
    assert action.history.first().history_user == cast.om


def test_a_second_editor_is_told_and_shown_what_changed_and_nothing_is_saved(cast, plan):
    colleague = as_user_cast(
        User,
        UserFactory(
            username="colleague", agency=cast.om.agency, role="offender_manager",
            areas=[cast.area_a],
        )
    )  # fmt: skip
    # Both open the plan at version 2; the colleague saves first.
    services.objective_update(
        actor=colleague, objective=plan.housing, seen_version=2,
        description="A settled tenancy near family", status=ItemStatus.IN_PROGRESS,
    )  # fmt: skip
    with pytest.raises(services.StalePlanError) as stale:
        services.objective_update(
            actor=cast.om, objective=plan.housing, seen_version=2,
            description="Any tenancy", status=ItemStatus.DONE,
        )  # fmt: skip
    plan.housing.refresh_from_db()
    assert plan.housing.description == "A settled tenancy near family"
    assert stale.value.plan.version == 3 and stale.value.seen_version == 2
    with pytest.raises(services.StalePlanError):
        services.objective_add(actor=cast.om, person=cast.person, seen_version=2,
                               pathway=Pathway.ETE, description="Training")  # fmt: skip
    assert Objective.objects.count() == 2

    changes = selectors.plan_changes(
        stale.value.plan, since=2, grants=grants_for(cast.om, cast.person)
    )
    assert len(changes) == 1
    change = changes[0]
    assert change.who == colleague.display_name and change.version == 3
    assert change.what == "Changed objective on accommodation: A settled tenancy"
    assert change.details == [
        "Objective: A settled tenancy to A settled tenancy near family",
        "Status: not started to in progress",
    ]


def test_changes_on_pathways_a_reader_cannot_see_are_left_out(cast, plan):
    services.objective_update(actor=cast.om, objective=plan.drugs, seen_version=2,
                              description="Stable on a script", status="in_progress")  # fmt: skip
    services.objective_update(actor=cast.om, objective=plan.housing, seen_version=3,
                              description="A settled tenancy", status="in_progress")  # fmt: skip
    care_plan = CarePlan.objects.get(person=cast.person)
    # The drug service has no recorded consent for substance misuse: it sees housing only.
    seen = selectors.plan_changes(care_plan, since=0, grants=grants_for(cast.partner, cast.person))
    assert {c.what.split(":")[0] for c in seen} == {
        "Added objective on accommodation", "Changed objective on accommodation",
    }  # fmt: skip
    assert (
        len(selectors.plan_changes(care_plan, since=0, grants=grants_for(cast.om, cast.person)))
        == 4
    )


def test_dropping_needs_a_reason(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.objective_update(actor=cast.om, objective=plan.housing, seen_version=2,
                                  description="A settled tenancy", status="dropped")  # fmt: skip
    assert "dropped_reason" in error.value.message_dict
    assert CarePlan.objects.get().version == 2


# --- Reviews ------------------------------------------------------------------------------


def test_reviews_are_kept_and_schedule_the_next_every_six_weeks(cast, plan):
    day = today() - dt.timedelta(days=3)
    review = services.plan_review_record(
        actor=cast.om, person=cast.person, seen_version=2, reviewed_on=day,
        attendees="The person, police, housing", summary="Tenancy offered",
    )  # fmt: skip
    assert review.next_review_on == day + dt.timedelta(weeks=6)
    # A review held earlier but recorded later does not pull the schedule back.
    services.plan_review_record(
        actor=cast.om, person=cast.person, seen_version=3, reviewed_on=day - dt.timedelta(days=30),
        attendees="The person, police", summary="Late record",
        next_review_on=day - dt.timedelta(days=1),
    )  # fmt: skip
    care_plan = CarePlan.objects.get()
    assert care_plan.next_review_on == day + dt.timedelta(weeks=6)
    assert care_plan.version == 4 and PlanReview.objects.count() == 2


def test_the_review_interval_comes_from_settings(cast, settings):
    settings.CASEWORK_REVIEW_WEEKS = 4
    services.objective_add(actor=cast.om, person=cast.person, seen_version=0,
                           pathway=Pathway.ETE, description="A college place")  # fmt: skip
    assert CarePlan.objects.get().next_review_on == today() + dt.timedelta(weeks=4)


def test_a_bad_review_changes_nothing(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_review_record(
            actor=cast.om, person=cast.person, seen_version=2,
            reviewed_on=today() + dt.timedelta(days=1), attendees=" ", summary="",
            next_review_on=today() - dt.timedelta(days=5),
        )  # fmt: skip
    assert set(error.value.message_dict) == {
        "reviewed_on", "attendees", "summary", "next_review_on",
    }  # fmt: skip
    assert not PlanReview.objects.exists() and CarePlan.objects.get().version == 2
    with pytest.raises(PermissionDenied):
        services.plan_review_record(actor=cast.viewer, person=cast.person, seen_version=2,
                                    reviewed_on=today(), attendees="x", summary="y")  # fmt: skip


# --- Actions: lead officers and partners --------------------------------------------------


def test_a_lead_officer_is_told_with_no_personal_details(cast, plan, housing_worker):
    housing = housing_worker.agency
    action = services.plan_action_add(
        actor=cast.om, objective=plan.housing, seen_version=2, description="Find a tenancy",
        agency=housing, lead_officer=housing_worker, target_date=today() + dt.timedelta(days=21),
    )  # fmt: skip
    notice = Notice.objects.get(recipient=housing_worker)
    assert notice.subject == f"Care plan action for Tandem number {cast.person.pk}"
    assert cast.person.last_name not in notice.subject + notice.body
    assert notice.link.endswith(f"#action-{action.pk}")
    # Changing something else does not tell them again; a new lead is told.
    services.plan_action_update(
        actor=cast.om, action=action, seen_version=3, description="Find a tenancy soon",
        agency=housing, lead_officer=housing_worker, target_date=action.target_date,
        status="in_progress",
    )  # fmt: skip
    assert Notice.objects.filter(recipient=housing_worker).count() == 1


def test_the_lead_officer_must_work_for_the_agency_responsible(cast, plan):
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(
            actor=cast.om, objective=plan.housing, seen_version=2, description="Tenancy",
            agency=Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY), lead_officer=cast.viewer,
            target_date=today(),
        )  # fmt: skip
    assert "lead_officer" in error.value.message_dict
    assert not PlanAction.objects.exists() and not Notice.objects.exists()


def test_a_partner_writes_only_their_own_agencys_actions_on_pathways_they_may_write(
    cast, plan, housing_worker
):
    housing = housing_worker.agency
    action = services.plan_action_add(
        actor=housing_worker, objective=plan.housing, seen_version=2,
        description="Priority banding", agency=housing, target_date=today(),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # another agency's action
        services.plan_action_add(
            actor=housing_worker, objective=plan.housing, seen_version=3,
            description="Police check", agency=cast.om.agency, target_date=today(),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # giving their action away
        services.plan_action_update(
            actor=housing_worker, action=action, seen_version=3, description="x",
            agency=cast.om.agency, target_date=today(), status="not_started",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # a pathway they may not write
        services.plan_action_add(
            actor=housing_worker, objective=plan.drugs, seen_version=3,
            description="Script", agency=housing, target_date=today(),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # objectives are the offender manager's
        services.objective_add(actor=housing_worker, person=cast.person, seen_version=3,
                               pathway=Pathway.ACCOMMODATION, description="x")  # fmt: skip
    assert PlanAction.objects.count() == 1 and CarePlan.objects.get().version == 3


# --- Prison work --------------------------------------------------------------------------


def test_prison_work_is_recorded_by_writers_of_its_category(cast):
    entry = services.prison_work_add(
        actor=cast.om, person=cast.person, kind="education", title="Level 1 literacy",
        provider="Prison education provider", establishment="HMP Test",
        start_date=today() - dt.timedelta(days=90),
    )  # fmt: skip
    assert entry.category == "ete" and entry.history.first().history_user == cast.om
    with pytest.raises(ValidationError) as error:
        services.prison_work_add(
            actor=cast.om, person=cast.person, kind="work", title=" ", provider="",
            establishment="HMP Test", start_date=today(), end_date=today() - dt.timedelta(days=1),
        )  # fmt: skip
    assert set(error.value.message_dict) == {"title", "provider", "end_date"}
    with pytest.raises(PermissionDenied):
        services.prison_work_add(
            actor=cast.viewer, person=cast.person, kind="work", title="Kitchens",
            provider="HMP Test", establishment="HMP Test", start_date=today(),
        )  # fmt: skip
    assert PrisonWork.objects.count() == 1
