"""Every referral page for every persona, and anonymous: who opens it, who is refused and how.

The scene: the offender manager (police, area A) has a draft and a sent referral of the
person (area A) to the housing service (other_partner's agency), and two referrals to the
drug service (partner's agency, already engaged): one accepted, one completed.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem.referrals.models import Referral, ReferralEvent

from .page_scene import client_for, scene

PERSONAS = [
    "om", "other_om", "viewer", "coordinator", "partner", "other_partner",
    "custody", "analyst", "auditor", "admin",
]  # fmt: skip
NO_REFERRALS = {"custody": 403, "analyst": 403, "auditor": 403, "admin": 403}

EXPECTED: dict[str, dict[str, int]] = {
    # Referrals to the user's agency: for the roles that receive them.
    "inbox": {"om": 200, "other_om": 200, "coordinator": 200, "partner": 200,
              "other_partner": 200, "viewer": 403, **NO_REFERRALS},
    # Referrals the user made: for the roles that refer.
    "sent": {"om": 200, "other_om": 200, "coordinator": 200, "partner": 200,
             "other_partner": 200, "viewer": 403, **NO_REFERRALS},
    # Making a referral opens the person: the drug worker's agency works with them.
    "new": {"om": 200, "coordinator": 200, "partner": 200, "other_om": 404,
            "other_partner": 404, "viewer": 403, **NO_REFERRALS},
    # A draft is the referrer's alone, until it is sent.
    "preview": {"om": 200, "coordinator": 404, "viewer": 404, "partner": 404,
                "other_partner": 404, "other_om": 404, **NO_REFERRALS},
    # A sent referral to housing: the receiving agency, and those who may open the person
    # and read accommodation data (the drug worker's protocol row includes it).
    "detail": {"om": 200, "viewer": 200, "coordinator": 200, "partner": 200,
               "other_partner": 200, "other_om": 404, **NO_REFERRALS},
    # The accepted referral to the drug service: housing neither receives nor may open.
    "detail_drugs": {"om": 200, "viewer": 200, "coordinator": 200, "partner": 200,
                     "other_partner": 404, "other_om": 404, **NO_REFERRALS},
    # Progress and outcome: the receiving agency only; other readers are refused.
    "progress": {"partner": 200, "om": 403, "viewer": 403, "coordinator": 403,
                 "other_partner": 404, "other_om": 404, **NO_REFERRALS},
    "outcome": {"partner": 200, "om": 403, "viewer": 403, "coordinator": 403,
                "other_partner": 404, "other_om": 404, **NO_REFERRALS},
}  # fmt: skip
EXPECTED["edit"] = EXPECTED["preview"]
EXPECTED["delete"] = EXPECTED["preview"]


def _urls(s) -> dict[str, str]:
    return {
        "inbox": reverse("referrals:inbox"),
        "sent": reverse("referrals:sent"),
        "new": reverse("referrals:new", args=[s.draft.person_id]),
        "preview": reverse("referrals:preview", args=[s.draft.pk]),
        "edit": reverse("referrals:edit", args=[s.draft.pk]),
        "delete": reverse("referrals:delete", args=[s.draft.pk]),
        "detail": reverse("referrals:detail", args=[s.sent.pk]),
        "detail_drugs": reverse("referrals:detail", args=[s.accepted.pk]),
        "progress": reverse("referrals:progress", args=[s.accepted.pk]),
        "outcome": reverse("referrals:outcome", args=[s.completed.pk]),
    }


def test_every_referral_page_for_every_persona(cast, directory):
    urls = _urls(scene(cast, directory))
    for persona in PERSONAS:
        client = client_for(cast.personas()[persona])
        for name, url in urls.items():
            assert client.get(url).status_code == EXPECTED[name][persona], (persona, name)


def test_every_referral_page_sends_anonymous_to_sign_in(cast, directory):
    s = scene(cast, directory)
    client = Client()
    posts = [reverse("referrals:step", args=[s.sent.pk, "acknowledge"])]
    for url in [*_urls(s).values(), *posts]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:sign_in")), url
    for url in posts:
        assert client.post(url, {"version": s.sent.version}).status_code == 302
    assert Referral.objects.get(pk=s.sent.pk).state == "sent"


# Acknowledging the sent referral to housing: only the housing worker may; readers who are
# not the receiving agency are told so (400); those who may not read it get 404 or 403.
STEP_EXPECTED = {
    "other_partner": 302, "om": 400, "viewer": 400, "coordinator": 400, "partner": 400,
    "other_om": 404, **NO_REFERRALS,
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_taking_a_step_by_persona(cast, directory, persona):
    s = scene(cast, directory)
    url = reverse("referrals:step", args=[s.sent.pk, "acknowledge"])
    client = client_for(cast.personas()[persona])
    events = ReferralEvent.objects.count()
    response = client.post(url, {"version": s.sent.version})
    assert response.status_code == STEP_EXPECTED[persona]
    state = Referral.objects.get(pk=s.sent.pk).state
    if persona == "other_partner":
        assert state == "acknowledged" and ReferralEvent.objects.count() == events + 1
    else:
        assert state == "sent" and ReferralEvent.objects.count() == events
    if response.status_code == 400:
        assert "Only the agency the referral is to can mark this referral acknowledged" in (
            response.content.decode()
        )
    # A step is a POST: a GET never changes anything.
    if persona not in NO_REFERRALS:
        assert client.get(url).status_code == 405


WRITE_EXPECTED = {
    # Posting an empty form: the receiving worker reaches validation (400, nothing saved).
    "partner": 400, "om": 403, "viewer": 403, "coordinator": 403, "other_partner": 404,
    "other_om": 404, **NO_REFERRALS,
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_progress_outcome_edit_and_delete_posts_by_persona(cast, directory, persona):
    s = scene(cast, directory)
    client = client_for(cast.personas()[persona])
    before = list(Referral.objects.order_by("pk").values())
    progress = client.post(reverse("referrals:progress", args=[s.accepted.pk]), {})
    assert progress.status_code == WRITE_EXPECTED[persona]
    outcome = client.post(reverse("referrals:outcome", args=[s.completed.pk]), {})
    assert outcome.status_code == WRITE_EXPECTED[persona]
    # The draft: its sender alone gets as far as validation.
    edit = client.post(reverse("referrals:edit", args=[s.draft.pk]), {})
    assert edit.status_code == {"om": 400}.get(persona, EXPECTED["edit"][persona])
    new = client.post(reverse("referrals:new", args=[s.draft.person_id]), {})
    assert new.status_code == {"om": 400, "coordinator": 400, "partner": 400}.get(
        persona, EXPECTED["new"][persona]
    )
    assert list(Referral.objects.order_by("pk").values()) == before
    delete = client.post(reverse("referrals:delete", args=[s.draft.pk]))
    if persona == "om":
        assert delete.status_code == 302 and not Referral.objects.filter(pk=s.draft.pk).exists()
    else:
        assert delete.status_code == EXPECTED["delete"][persona]
        assert Referral.objects.filter(pk=s.draft.pk).exists()
