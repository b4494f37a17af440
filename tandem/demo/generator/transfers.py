"""The demo's responsibility and transfers: monitoring levels for members at liberty, a few
members in custody with a release address in another area, and the nightly review run, so
the transfers page has proposals to answer and one dispute for the coordinator.

Runs after the forums; it writes tens of rows, through the services where it matters.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from tandem.cohort.models import Strand
from tandem.cohort.selectors import members_on
from tandem.people import services
from tandem.people.models import (
    CUSTODY_KINDS,
    Address,
    Monitoring,
    MonitoringLevel,
    Person,
    StatusEpisode,
    TransferProposal,
    TransferStatus,
)
from tandem.people.transfers import transfer_respond, transfers_propose_all

from .organisation import Organisation

RELEASES_ELSEWHERE = 6
# Release addresses point into the demo sign-ins' areas, so om.police has answers to give.
RECEIVING_CODES = ("A", "B")
STREETS = ("Canal Side", "Foundry Lane", "Mill Court", "Orchard Way", "Station Approach")


def _monitoring(members: list[tuple[int, str, dt.date]], at_liberty: set[int],
                as_of: dt.date, rng: random.Random) -> int:  # fmt: skip
    """A monitoring level for every member at liberty: the catch-and-convict strand is
    targeted proactively, most others basic; reviews fall in the coming quarter."""
    rows = []
    for person_id, strand, start in members:
        if person_id not in at_liberty:
            continue
        proactive = strand == Strand.CATCH_CONVICT or rng.random() < 0.2
        rows.append(
            Monitoring(
                person_id=person_id,
                level=MonitoringLevel.PROACTIVE if proactive else MonitoringLevel.BASIC,
                start_date=start,
                review_date=as_of + dt.timedelta(days=rng.randint(7, 90)),
                note="Set at adoption (demo)",
            )
        )
    bulk_create_with_history(rows, Monitoring)
    return len(rows)


def transfers_create(org: Organisation, as_of: dt.date, *, seed: int) -> int:
    """Monitoring levels, release addresses elsewhere, and the proposals they lead to;
    returns how many transfer proposals are open."""
    rng = random.Random(f"tandem-demo:{seed}:transfers")
    members = list(
        members_on(as_of)
        .order_by("pk")
        .values_list("person_id", "strand", "start_date", "area__code")
    )
    ids = [m[0] for m in members]
    inside = set(
        StatusEpisode.objects.filter(
            person_id__in=ids, kind__in=CUSTODY_KINDS, start_date__lte=as_of
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
        .values_list("person_id", flat=True)
    )
    _monitoring([m[:3] for m in members], set(ids) - inside, as_of, rng)
    # Some members in custody will be released to another area (a hostel place, family).
    in_custody = [(pid, code) for pid, _, _, code in members if pid in inside]
    rng.shuffle(in_custody)
    for person_id, code in in_custody[:RELEASES_ELSEWHERE]:
        targets = [c for c in RECEIVING_CODES if c != code]
        target = org.areas[rng.choice(targets)]
        services.address_add(
            actor=None,
            person=Person.objects.get(pk=person_id),
            kind=Address.Kind.INTENDED_RELEASE,
            line1=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            town="Synthetic City",
            area=target,
            start_date=as_of + dt.timedelta(days=rng.randint(14, 120)),
        )
    transfers_propose_all(actor=None)
    open_ = list(
        TransferProposal.objects.filter(status=TransferStatus.PROPOSED)
        .select_related("from_area", "to_area")
        .order_by("pk")
    )
    if open_:
        # The receiving area disputes the first: the coordinator has a decision to make.
        first = open_[0]
        transfer_respond(
            actor=org.team[first.to_area.code][0], proposal=first, side="receiving",
            response="dispute",
            note="The hostel place is not confirmed; the sending area should keep the case "
            "until release (demo)",
        )  # fmt: skip
    if len(open_) > 1:
        # The sending area of the second has agreed; the receiving area has yet to answer.
        second = open_[1]
        transfer_respond(
            actor=org.team[second.from_area.code][0], proposal=second, side="sending",
            response="accept", note="Agreed: family support is in the receiving area (demo)",
        )  # fmt: skip
    return TransferProposal.objects.filter(
        status__in=[TransferStatus.PROPOSED, TransferStatus.DISPUTED]
    ).count()
