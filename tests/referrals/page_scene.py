"""Referrals at each stage for the page tests, made through the services as the pages would."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from django.test.client import ClientHandler

from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.referrals.models import Referral
from tandem.referrals.services import referral_create, referral_step

from .. import personas

# One handler for the module: each new handler loads the middleware again, and WhiteNoise
# then rescans the static files.
HANDLER = ClientHandler(enforce_csrf_checks=False)


def client_for(user) -> Client:
    client = personas.signed_in_client(user)
    client.handler = HANDLER
    return client


def draft(cast, directory, **extra) -> Referral:
    """The offender manager's draft referral of the person to the housing service."""
    fields = dict(
        actor=cast.om, person=cast.person, service=directory.housing,
        pathway=Pathway.ACCOMMODATION, reason="No fixed abode on release", confirmed=True,
        consent_given_on=today(), consent_categories=["accommodation"],
    )  # fmt: skip
    fields.update(extra)
    return referral_create(**fields)


def sent(cast, directory, **extra) -> Referral:
    made = draft(cast, directory, **extra)
    return referral_step(actor=made.referrer, referral=made, step="send")


def to_drugs(cast, directory, *steps: str) -> Referral:
    """A referral to the drug service (already engaged with the person), taken through steps
    by its worker."""
    referral = sent(
        cast, directory, service=directory.drugs, pathway=Pathway.DRUGS_ALCOHOL,
        reason="Using heroin daily", consent_categories=[],
    )  # fmt: skip
    for step in steps:
        referral = referral_step(actor=cast.partner, referral=referral, step=step)
    return referral


@dataclass
class Scene:
    draft: Referral
    sent: Referral  # to housing, waiting to be acknowledged
    accepted: Referral  # to the drug service
    completed: Referral  # to the drug service


def scene(cast, directory) -> Scene:
    return Scene(
        draft=draft(cast, directory),
        sent=sent(cast, directory),
        accepted=to_drugs(cast, directory, "accept"),
        completed=to_drugs(cast, directory, "accept", "start", "complete"),
    )
