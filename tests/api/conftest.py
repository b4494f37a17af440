"""A PPO for the custody check: the cast's person in area A, led by the police offender
manager, with a PNC number, an alias, an address, an offence and a custody episode that the
check must never disclose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tandem.api.models import CustodyInstruction
from tandem.api.services import api_token_create
from tandem.casework.models import AllocationTrigger
from tandem.casework.services import lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, Membership, Scheme, Strand
from tandem.cohort.services import membership_start
from tandem.core.models import Role
from tandem.offending.models import Offence, OffenceType
from tandem.people.models import EpisodeKind, IdentifierKind, Person
from tandem.people.services import alias_add, episode_add, identifier_add

from ..factories import UserFactory

ADOPTED = dt.date(2025, 6, 2)
PNC = "2004/0123456M"
AREA_INSTRUCTION = "Inform the offender manager within 2 hours of arrest."
DEFAULT_INSTRUCTION = "Refer to the DIP arrest referral worker."


@dataclass
class Ppo:
    person: Person
    membership: Membership
    offence_name: str
    establishment: str


def ppo_scheme() -> Scheme:
    scheme, _ = Scheme.objects.get_or_create(
        code=PPO_SCHEME_CODE, defaults={"name": "Prolific and other Priority Offenders"}
    )
    return scheme


@pytest.fixture
def ppo(cast) -> Ppo:
    return make_ppo(cast)


def make_ppo(cast) -> Ppo:
    """Make the cast's person a PPO in area A, led by the police offender manager."""
    person = cast.person
    cast.om.phone = "01632 960111"
    cast.om.email = "om@example.invalid"
    cast.om.job_title = "Police offender manager"
    cast.om.save()
    membership = membership_start(
        actor=None, person=person, area=cast.area_a, scheme=ppo_scheme(),
        strand=Strand.CATCH_CONVICT, start_date=ADOPTED, basis="Forum decision",
    )  # fmt: skip
    lead_allocate(actor=None, person=person, worker=cast.om, start_date=ADOPTED,
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    identifier_add(actor=None, person=person, kind=IdentifierKind.PNC, value=PNC)
    alias_add(actor=None, person=person, first_name="Jay", last_name="Marlowe")
    offence_type = OffenceType.objects.order_by("pk").first()
    assert offence_type is not None
    Offence.objects.create(
        person=person, offence_type=offence_type, offence_date=dt.date(2025, 1, 5),
        outcome="charged", source_system="TEST", source_ref="custody-1",
    )  # fmt: skip
    episode_add(actor=None, person=person, kind=EpisodeKind.LICENCE,
                start_date=dt.date(2025, 2, 1), establishment="HMP Testshire")  # fmt: skip
    partnership = cast.area_a.partnership
    CustodyInstruction.objects.create(partnership=partnership, area=None, text=DEFAULT_INSTRUCTION)
    CustodyInstruction.objects.create(
        partnership=partnership, area=cast.area_a, text=AREA_INSTRUCTION
    )
    return Ppo(person, membership, offence_type.name, "HMP Testshire")


@pytest.fixture
def custody_system(cast):
    """A custody system's service account and its token."""
    service = UserFactory(
        username="custody-system", agency=cast.custody.agency, role=Role.CUSTODY_OFFICER
    )
    record, token = api_token_create(actor=cast.admin, user=service, name="Custody suite system")
    return service, record, token
