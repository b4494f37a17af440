"""Reads of referrals: who may see which, the partner inbox, a person's referrals, the
directory search, and the coordinator's counts of referrals sent and received."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from tandem.casework.pathways import PATHWAY_CATEGORY, Pathway
from tandem.core.access import PersonGrants, grants_for, people_for
from tandem.core.models import Agency, Area, Role, User

from .models import OPEN_STATES, PartnerService, Referral, ReferralState
from .rules import Step, steps_from
from .services import RECEIVING_ROLES, receives, sends
from .timers import Timer, timers_for


def _related(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(
        "person", "service", "to_agency", "from_agency", "referrer", "worker"
    )


def reads_referral(user: User, referral: Referral, grants: PersonGrants | None = None) -> bool:
    """The receiving agency reads the referral (what was shared, not the record); anyone
    who may open the person reads it if they may read the pathway's category."""
    if referral.state == ReferralState.DRAFT:
        return sends(user, referral)
    if receives(user, referral) or sends(user, referral):
        return True
    if not people_for(user).filter(pk=referral.person_id).exists():
        return False
    grants = grants or grants_for(user, referral.person)
    return grants.can_read(PATHWAY_CATEGORY[referral.pathway])


def referral_for(user: User, referral_id: object) -> Referral:
    """The referral if the user may read it; Http404 otherwise, as for a missing one."""
    try:
        pk = int(str(referral_id))
    except (TypeError, ValueError):
        raise Http404 from None
    referral = _related(Referral.objects.filter(pk=pk)).first()
    if referral is None or not reads_referral(user, referral):
        raise Http404
    return referral


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    timer: Timer | None
    # Steps this reader may take now (empty for readers who only look).
    steps: list[Step]


def _in_scope(user: User, referrals: list[Referral]) -> set[int]:
    """Which of these referrals' people the user may open, in one query."""
    ids = {r.person_id for r in referrals}
    return set(people_for(user).filter(pk__in=ids).values_list("pk", flat=True))


def _rows(user: User, referrals: list[Referral], on: dt.date) -> list[ReferralRow]:
    rows = []
    in_scope = _in_scope(user, referrals)
    timers = timers_for(referrals, on)
    for r in referrals:
        steps = []
        if receives(user, r):
            steps += steps_from(ReferralState(r.state), "receiver")
        if r.state != ReferralState.DRAFT and sends(user, r, in_scope):
            steps += steps_from(ReferralState(r.state), "sender")
        rows.append(ReferralRow(r, timers[r.pk], steps))
    return rows


def row_for(user: User, referral: Referral, on: dt.date) -> ReferralRow:
    return _rows(user, [referral], on)[0]


# Referrals a page, on the partner inbox and on the referrer's own list.
REFERRAL_PAGE = 50


@dataclass(frozen=True)
class ReferralPage:
    rows: list[ReferralRow]
    page: int
    has_more: bool
    # Overdue across every referral the list covers, not only this page.
    overdue: int


def _page_of(
    user: User, ordered: QuerySet[Referral], covered: QuerySet[Referral], on: dt.date, page: int
) -> ReferralPage:
    """One page of `ordered`, and how many of `covered` are overdue, in a fixed number of
    queries however many there are: only waiting referrals run a clock."""
    page = max(page, 1)
    start = (page - 1) * REFERRAL_PAGE
    found = list(_related(ordered)[start : start + REFERRAL_PAGE + 1])
    waiting = covered.filter(state__in=[ReferralState.SENT, ReferralState.ACCEPTED]).only(
        "person_id", "state", "sent_at", "accepted_at"
    )
    overdue = sum(1 for timer in timers_for(waiting, on).values() if timer and timer.overdue)
    return ReferralPage(
        _rows(user, found[:REFERRAL_PAGE], on), page, len(found) > REFERRAL_PAGE, overdue
    )


def inbox_for(user: User, on: dt.date, *, show: str = "open", page: int = 1) -> ReferralPage:
    """Referrals to the user's agency, newest first, a page at a time: open ones, or all."""
    to_agency = Referral.objects.filter(to_agency_id=user.agency_id)
    referrals = to_agency.exclude(state=ReferralState.DRAFT)
    if show == "open":
        referrals = referrals.filter(state__in=OPEN_STATES)
    return _page_of(user, referrals.order_by("-sent_at", "-id"), to_agency, on, page)


def referrals_of(
    user: User, person_id: int, grants: PersonGrants, on: dt.date
) -> list[ReferralRow]:
    """A person's referrals the reader may open (as reads_referral decides): on pathways
    whose category they read, to their agency, or their own; drafts only to the referrer."""
    readable = [p for p, c in PATHWAY_CATEGORY.items() if grants.can_read(c)]
    mine = Q(pathway__in=readable) | Q(referrer=user)
    if user.role in RECEIVING_ROLES:
        mine |= Q(to_agency_id=user.agency_id)
    referrals = Referral.objects.filter(person_id=person_id).filter(mine)
    referrals = referrals.exclude(Q(state=ReferralState.DRAFT) & ~Q(referrer=user))
    return _rows(user, list(_related(referrals)), on)


def referrals_made_by(user: User, on: dt.date, page: int = 1) -> ReferralPage:
    """Open referrals the user made, drafts too, newest first, a page at a time: the
    referrer's own list."""
    referrals = Referral.objects.filter(referrer=user, state__in=OPEN_STATES)
    return _page_of(user, referrals.order_by("-created_at", "-id"), referrals, on, page)


def directory(
    *, pathway: str = "", area: Area | None = None, text: str = "", active_only: bool = True
) -> list[PartnerService]:
    """The service directory searched by pathway, area and words in its entry."""
    services = PartnerService.objects.select_related("agency").prefetch_related("areas")
    if active_only:
        services = services.filter(active=True)
    if area is not None:
        services = services.filter(areas=area)
    if text.strip():
        words = text.strip()
        services = services.filter(
            Q(name__icontains=words)
            | Q(offer__icontains=words)
            | Q(eligibility__icontains=words)
            | Q(agency__name__icontains=words)
        )
    found = list(services.distinct().order_by("name"))
    if pathway:
        found = [s for s in found if pathway in s.pathways]
    return found


@dataclass(frozen=True)
class FlowRow:
    agency: Agency
    pathway: str
    sent: int
    received: int
    accepted: int
    declined: int
    started: int
    completed: int
    open_: int

    @property
    def pathway_label(self) -> str:
        return Pathway(self.pathway).label


def referral_flows(start: dt.date, end: dt.date) -> list[FlowRow]:
    """Referrals sent between two dates, per agency and pathway: what each agency sent, and
    what each received and did with them. For the coordinator: "we can't generate
    referrals" becomes a number."""
    sent = Referral.objects.filter(
        sent_at__date__gte=start, sent_at__date__lte=end
    ).values_list("from_agency_id", "to_agency_id", "pathway", "state", "accepted_at",
                  "started_at")  # fmt: skip
    counts: Counter[tuple[int, str, str]] = Counter()
    for from_id, to_id, pathway, state, accepted_at, started_at in sent:
        counts[(from_id, pathway, "sent")] += 1
        counts[(to_id, pathway, "received")] += 1
        if accepted_at is not None:
            counts[(to_id, pathway, "accepted")] += 1
        if state == ReferralState.DECLINED:
            counts[(to_id, pathway, "declined")] += 1
        if started_at is not None:
            counts[(to_id, pathway, "started")] += 1
        if state == ReferralState.COMPLETED:
            counts[(to_id, pathway, "completed")] += 1
        if state in OPEN_STATES:
            counts[(to_id, pathway, "open")] += 1
    keys = {(agency_id, pathway) for agency_id, pathway, _ in counts}
    agencies = Agency.objects.in_bulk({a for a, _ in keys})
    order = {p: i for i, p in enumerate(Pathway.values)}
    stages = ("sent", "received", "accepted", "declined", "started", "completed", "open")
    return [
        FlowRow(agencies[a], p, *(counts[(a, p, stage)] for stage in stages))
        for a, p in sorted(keys, key=lambda k: (agencies[k[0]].name, order.get(k[1], 99)))
    ]


def may_see_flows(user: User) -> bool:
    return user.role == Role.COORDINATOR
