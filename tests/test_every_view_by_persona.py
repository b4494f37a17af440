"""Every page and action, for every persona and anonymous: the whole access matrix at once.

Detailed behaviour is tested beside each app; this file makes sure no view is forgotten.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .personas import signed_in_client

PERSONAS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner",
    "custody", "analyst", "auditor", "admin",
]  # fmt: skip
OPENS_RECORDS = {"om", "other_om", "viewer", "coordinator", "partner", "other_partner", "auditor"}
# Who may open the person living in area A (engaged with the drug service).
IN_SCOPE = {"om", "viewer", "coordinator", "partner", "auditor"}


def _record_page(persona: str) -> int:
    if persona not in OPENS_RECORDS:
        return 403
    return 200 if persona in IN_SCOPE else 404


EXPECTED_GET = {
    "home": lambda p: 200,
    "protocol": lambda p: 200,
    "access_log": lambda p: 200 if p == "auditor" else 403,
    "search": lambda p: 200 if p in OPENS_RECORDS else 403,
    "detail": _record_page,
    "history": _record_page,
    "who_viewed": lambda p: 200 if p == "auditor" else 403,
    "admin": lambda p: 200 if p == "admin" else 403,
    "import": lambda p: 200 if p == "coordinator" else 403,
    "selection": lambda p: 200 if p == "coordinator" else 403,
    "backtest": lambda p: 200 if p == "coordinator" else 403,
    "ogrs3": lambda p: 200 if p in {"om", "other_om", "viewer", "coordinator"} else 403,
    "candidates": lambda p: 200 if p in {"om", "other_om", "coordinator"} else 403,
    "nominations": lambda p: 200 if p in {"om", "other_om", "coordinator"} else 403,
    # Nominating opens the person: the other area's offender manager finds nobody there.
    "nominate": lambda p: {"om": 200, "coordinator": 200, "other_om": 404}.get(p, 403),
    "capacity": lambda p: 200 if p == "coordinator" else 403,
    "forums": lambda p: (
        200 if p in {"om", "other_om", "viewer", "coordinator", "partner", "other_partner"} else 403
    ),
    "capacity_edit": lambda p: 200 if p == "coordinator" else 403,
    # The custody check is for custody officers only; its instructions for the coordinator.
    "custody_check": lambda p: 200 if p == "custody" else 403,
    "custody_instructions": lambda p: 200 if p == "coordinator" else 403,
    "custody_instruction": lambda p: 200 if p == "coordinator" else 403,
    "cohort": lambda p: 200 if p in {"om", "other_om", "viewer", "coordinator"} else 403,
    # Area A's page: the other area's offender manager finds nothing there.
    "cohort_area": lambda p: {"om": 200, "viewer": 200, "coordinator": 200, "other_om": 404}.get(
        p, 403
    ),
    "cohort_adopt_find": lambda p: 200 if p == "coordinator" else 403,
    "cohort_adopt": lambda p: 200 if p == "coordinator" else 403,
    "cohort_end": lambda p: 200 if p == "coordinator" else 403,
    "cohort_move": lambda p: 200 if p == "coordinator" else 403,
    "cohort_schemes": lambda p: 200 if p == "coordinator" else 403,
    "cohort_scheme_new": lambda p: 200 if p == "coordinator" else 403,
    "cohort_scheme": lambda p: 200 if p == "coordinator" else 403,
    # Casework pages open the person; sections the protocol withholds say so (auditor).
    "casework_assessments": _record_page,
    "casework_assessment": _record_page,
    "casework_plan": _record_page,
    "casework_prison_work": _record_page,
    # Contacts and mentoring open the person; the categories withheld are said so.
    "casework_notes": _record_page,
    "casework_mentoring": _record_page,
    # Who manages the person, and a task: offender managers in the area, the viewer
    # (read-only) and the coordinator; the caseload is the offender manager's (and the
    # coordinator's, for their areas' workers).
    "casework_management": lambda p: {"om": 200, "viewer": 200, "coordinator": 200,
                                      "other_om": 404}.get(p, 403),
    "casework_task": lambda p: {"om": 200, "viewer": 200, "coordinator": 200,
                                "other_om": 404}.get(p, 403),
    "casework_caseload": lambda p: 200 if p in {"om", "other_om", "coordinator"} else 403,
}  # fmt: skip


def _urls(cast) -> dict[str, str]:
    pk = cast.person.pk
    return {
        "home": reverse("core:home"),
        "protocol": reverse("core:protocol"),
        "access_log": reverse("core:access_log"),
        "search": reverse("people:search"),
        "detail": reverse("people:detail", args=[pk]),
        "history": reverse("people:history", args=[pk]),
        "who_viewed": reverse("people:access", args=[pk]),
        "admin": reverse("admin:index"),
        "import": reverse("offending:import"),
        "selection": reverse("selection:home"),
        "backtest": reverse("selection:backtest"),
        "ogrs3": reverse("selection:ogrs3"),
        "candidates": reverse("selection:run_latest"),
        "nominations": reverse("selection:nominations"),
        "nominate": reverse("selection:nominate", args=[pk]),
        "capacity": reverse("selection:capacity"),
        "forums": reverse("forums:home"),
        "capacity_edit": reverse("selection:capacity_edit", args=[cast.area_a.pk]),
        "custody_check": reverse("api:custody_check"),
        "custody_instructions": reverse("api:instructions"),
        "custody_instruction": reverse("api:instruction_area", args=[cast.area_a.pk]),
        **_cohort_urls(cast),
        **_status_urls(cast),
        **_casework_urls(cast),
        **_referral_urls(cast),
    }


def _cohort_urls(cast) -> dict[str, str]:
    from tandem.cohort.models import Membership, Scheme, Strand

    # Person B, in area B, is still in an earlier scheme: one spell to end or move across.
    earlier = Scheme.objects.create(code="EARLIER", name="Earlier scheme")
    spell = Membership.objects.create(
        person=cast.person_b, area=cast.area_b, scheme=earlier, strand=Strand.CATCH_CONVICT,
        start_date=cast.person_b.created_at.date(), basis="Selected by the earlier scheme",
    )  # fmt: skip
    return {
        "cohort": reverse("cohort:home"),
        "cohort_area": reverse("cohort:area", args=[cast.area_a.pk]),
        "cohort_adopt_find": reverse("cohort:adopt_find", args=[cast.area_a.pk]),
        "cohort_adopt": reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk]),
        "cohort_end": reverse("cohort:end", args=[spell.pk]),
        "cohort_move": reverse("cohort:move", args=[spell.pk]),
        "cohort_schemes": reverse("cohort:schemes"),
        "cohort_scheme_new": reverse("cohort:scheme_new"),
        "cohort_scheme": reverse("cohort:scheme", args=[earlier.pk]),
    }


# The release handover pack is for those who hand a case over: offender managers and the
# coordinator of the area, and engaged partners; not viewers or auditors.
_HANDOVER = lambda p: {"om": 200, "coordinator": 200, "partner": 200}.get(  # noqa: E731
    p, 404 if p in {"other_om", "other_partner"} else 403
)
EXPECTED_GET.update({"casework_handover": _HANDOVER, "casework_handover_pdf": _HANDOVER})


def _casework_urls(cast) -> dict[str, str]:
    from tandem.casework.models import Task
    from tandem.casework.pathways import Pathway
    from tandem.casework.services import NeedInput, assessment_record, objective_add
    from tandem.core.access import today

    pk = cast.person.pk
    assessment = assessment_record(
        actor=cast.om, person=cast.person, assessed_on=today(), rosh="low",
        needs={p.value: NeedInput("none") for p in Pathway},
    )  # fmt: skip
    objective_add(actor=cast.om, person=cast.person, seen_version=0,
                  pathway=Pathway.ACCOMMODATION, description="A tenancy")  # fmt: skip
    task = Task.objects.create(person=cast.person, kind="test", title="A task", due_on=today())
    return {
        "casework_assessments": reverse("casework:assessments", args=[pk]),
        "casework_assessment": reverse("casework:assessment", args=[pk, assessment.pk]),
        "casework_plan": reverse("casework:plan", args=[pk]),
        "casework_prison_work": reverse("casework:prison_work", args=[pk]),
        "casework_notes": reverse("casework:notes", args=[pk]),
        "casework_mentoring": reverse("casework:mentoring", args=[pk]),
        "casework_handover": reverse("casework:handover", args=[pk]),
        "casework_handover_pdf": reverse("casework:handover_pdf", args=[pk]),
        "casework_management": reverse("casework:management", args=[pk]),
        "casework_task": reverse("casework:task", args=[task.pk]),
        "casework_caseload": reverse("casework:caseload"),
    }


# Status episodes and transfers (tandem/people): the episode pages are the offender
# manager's, in the person's area; transfers are read by the areas' offender managers,
# viewers and the coordinator.
_EPISODE_PAGE = lambda p: {"om": 200, "other_om": 404}.get(p, 403)  # noqa: E731
_TRANSFER_PAGE = lambda p: 200 if p in {"om", "other_om", "viewer", "coordinator"} else 403  # noqa: E731
EXPECTED_GET.update(
    {
        "episodes": _EPISODE_PAGE,
        "episode_add": _EPISODE_PAGE,
        "episode_end": _EPISODE_PAGE,
        "episode_correct": _EPISODE_PAGE,
        "transfers": _TRANSFER_PAGE,
        "transfer": _TRANSFER_PAGE,
    }
)


# Referrals (tandem/referrals): the inbox is for the roles that receive referrals, the list of
# referrals made for those that make them; a referral to the drug service (already engaged
# with the person) is read by its workers and by those who may open the person and read
# substance misuse data; a draft only by its sending side; progress and outcome are the
# receiving agency's. Roles that never see referrals get 403.
_NO_REFERRALS = {"custody": 403, "analyst": 403, "auditor": 403, "admin": 403}
EXPECTED_GET.update(
    {
        "referrals_inbox": lambda p: {"viewer": 403, **_NO_REFERRALS}.get(p, 200),
        "referrals_sent": lambda p: {"viewer": 403, **_NO_REFERRALS}.get(p, 200),
        "referrals_new": lambda p: {"om": 200, "coordinator": 200, "partner": 200,
                                    "viewer": 403, **_NO_REFERRALS}.get(p, 404),
        "referrals_detail": lambda p: {"om": 200, "viewer": 200, "coordinator": 200,
                                       "partner": 200, **_NO_REFERRALS}.get(p, 404),
        "referrals_preview": lambda p: {"om": 200,
                                        **_NO_REFERRALS}.get(p, 404),
        "referrals_edit": lambda p: {"om": 200, **_NO_REFERRALS}.get(p, 404),
        "referrals_delete": lambda p: {"om": 200,
                                       **_NO_REFERRALS}.get(p, 404),
        "referrals_progress": lambda p: {"partner": 200, "om": 403, "viewer": 403,
                                         "coordinator": 403, **_NO_REFERRALS}.get(p, 404),
        "referrals_outcome": lambda p: {"partner": 200, "om": 403, "viewer": 403,
                                        "coordinator": 403, **_NO_REFERRALS}.get(p, 404),
    }
)  # fmt: skip


def _referral(cast, agency, pathway: str, name: str, *steps: str):
    """A sent referral of the person (area A) to a service of the agency, taken through
    steps by a worker of that agency."""
    from tandem.core.access import today
    from tandem.core.models import User
    from tandem.referrals.models import PartnerService
    from tandem.referrals.services import referral_create, referral_step

    service, _ = PartnerService.objects.get_or_create(
        agency=agency, name=name,
        defaults={"pathways": [pathway], "offer": name, "contact": "0100 000 0000"},
    )  # fmt: skip
    service.areas.add(cast.area_a)
    referral = referral_create(
        actor=cast.om, person=cast.person, service=service, pathway=pathway, reason="Test",
        confirmed=True, consent_given_on=today(),
    )  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    worker = User.objects.get(agency=agency, role="partner_worker")
    for step in steps:
        referral = referral_step(actor=worker, referral=referral, step=step)
    return referral


def _referral_urls(cast) -> dict[str, str]:
    from tandem.referrals.services import referral_create

    drugs = cast.partner.agency
    accepted = _referral(cast, drugs, "drugs_alcohol", "Treatment", "accept")
    completed = _referral(cast, drugs, "drugs_alcohol", "Treatment", "accept", "start",
                          "complete")  # fmt: skip
    draft = referral_create(
        actor=cast.om, person=cast.person, service=accepted.service, pathway="drugs_alcohol",
        reason="Test", confirmed=True,
    )  # fmt: skip
    return {
        "referrals_inbox": reverse("referrals:inbox"),
        "referrals_sent": reverse("referrals:sent"),
        "referrals_new": reverse("referrals:new", args=[cast.person.pk]),
        "referrals_detail": reverse("referrals:detail", args=[accepted.pk]),
        "referrals_preview": reverse("referrals:preview", args=[draft.pk]),
        "referrals_edit": reverse("referrals:edit", args=[draft.pk]),
        "referrals_delete": reverse("referrals:delete", args=[draft.pk]),
        "referrals_progress": reverse("referrals:progress", args=[accepted.pk]),
        "referrals_outcome": reverse("referrals:outcome", args=[completed.pk]),
    }


def _status_urls(cast) -> dict[str, str]:
    from tandem.cohort.models import Membership
    from tandem.core.access import today
    from tandem.people import services, transfers

    pk = cast.person.pk
    order = services.episode_add(
        actor=cast.om, person=cast.person, kind="community_order", start_date=today(),
        requirements=["supervision"],
    )  # fmt: skip
    # Person B's earlier-scheme spell (from _cohort_urls), proposed to move from B to A.
    spell = Membership.objects.get(person=cast.person_b, end_date__isnull=True)
    proposal = transfers.transfer_propose(
        actor=None, membership=spell, to_area=cast.area_a, rule="residence", reason="Test"
    )
    assert proposal is not None
    return {
        "episodes": reverse("people:episodes", args=[pk]),
        "episode_add": reverse("people:episode_add", args=[pk, "sentenced"]),
        "episode_end": reverse("people:episode_end", args=[pk, order.pk]),
        "episode_correct": reverse("people:episode_correct", args=[pk, order.pk]),
        "transfers": reverse("people:transfers"),
        "transfer": reverse("people:transfer", args=[proposal.pk]),
    }


def test_every_page_for_every_persona(cast):
    urls = _urls(cast)
    for persona in PERSONAS:
        client = signed_in_client(cast.personas()[persona])
        for name, url in urls.items():
            expected = EXPECTED_GET[name](persona)
            # Django admin sends other users through its login view, which refuses them.
            response = client.get(url, follow=(name == "admin"))
            assert response.status_code == expected, (persona, name)


def test_every_page_sends_anonymous_to_sign_in(cast):
    client = Client()
    for name, url in _urls(cast).items():
        response = client.get(url, follow=True)
        assert response.redirect_chain, name
        assert response.request["PATH_INFO"] == reverse("core:sign_in"), name
        assert "Sign in to Tandem" in response.content.decode(), name


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_engaging_an_agency_by_persona(cast, persona):
    """Agencies are engaged by accepting a referral, no longer by a form on the person page:
    only a worker of the agency the referral is to gets as far as accepting it."""
    from tandem.people.models import Engagement
    from tandem.referrals.models import Referral

    housing = cast.other_partner.agency
    referral = _referral(cast, housing, "accommodation", "Housing options")
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    url = reverse("referrals:step", args=[referral.pk, "accept"])
    response = client.post(url, {"version": referral.version})
    engaged = Engagement.objects.filter(agency=housing, person=cast.person).exists()
    assert engaged == (persona == "other_partner")
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    elif persona == "other_partner":
        assert response.status_code == 302
        assert Referral.objects.get(pk=referral.pk).state == "accepted"
    elif persona in {"custody", "analyst", "auditor", "admin"}:
        assert response.status_code == 403  # their roles never see referrals
    elif persona == "other_om":
        assert response.status_code == 404  # out of scope, as if there were no referral
    else:
        assert response.status_code == 400  # may read it, may not accept it: told why
    # The old form's address is gone for everyone.
    assert client.post(f"/people/{cast.person.pk}/engagements/", {}).status_code == 404
