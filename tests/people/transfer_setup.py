"""A cohort member of area A in custody, released to an address in area B: the rules point
to B, so a transfer is due. The police offender manager of A leads."""

from __future__ import annotations

import datetime as dt

from tandem.casework.models import AllocationTrigger
from tandem.casework.services import lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, Membership, Scheme, Strand
from tandem.cohort.services import membership_start
from tandem.core.access import today
from tandem.people import services
from tandem.people.models import StatusEpisode


def member_in_a(cast) -> Membership:
    """Adopt the cast's person (living in A) into A's cohort with the A offender manager as lead."""
    start = today() - dt.timedelta(days=200)
    membership = membership_start(
        actor=cast.coordinator,
        person=cast.person,
        area=cast.area_a,
        scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
        strand=Strand.REHABILITATE_RESETTLE,
        start_date=start,
        basis="Adopted at the forum",
    )
    lead_allocate(
        actor=cast.coordinator,
        person=cast.person,
        worker=cast.om,
        start_date=start,
        trigger=AllocationTrigger.ADOPTION,
    )
    return membership


def released_to_b(cast) -> StatusEpisode:
    """The person is serving a sentence with an intended release address in B."""
    services.address_add(
        actor=cast.om,
        person=cast.person,
        line1="2 Release Road",
        town="Testtown",
        area=cast.area_b,
        start_date=today() + dt.timedelta(days=60),
        kind="intended_release",
    )
    return services.episode_add(
        actor=cast.om,
        person=cast.person,
        kind="sentenced",
        start_date=today() - dt.timedelta(days=60),
        expected_end_date=today() + dt.timedelta(days=60),
        sentence_months=8,
        establishment="HMP Test",
    )
