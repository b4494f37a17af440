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
def test_recording_an_engagement_by_persona(cast, persona):
    """Only a writer of case notes (the offender manager) gets as far as form validation."""
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    response = client.post(reverse("people:engagement_add", args=[cast.person.pk]), {})
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona == "om":
        assert response.status_code == 400  # empty form: errors, nothing saved
    elif persona in OPENS_RECORDS and persona not in IN_SCOPE:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
