"""The demo cohort: a year of PPO selection played forward, so every selection page has a past.

A year before the as-of day the coordinator scores everyone and each area adopts its top
candidates; six months later members who no longer meet the criteria leave and the free
places are filled from the new list; a fortnight before the as-of day and on it the lists
are scored again, and a few candidates are nominated for the next forums. A handful of
members come from an earlier local scheme, with that history kept.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from tandem.casework.models import AllocationTrigger
from tandem.casework.services import allocations_end, lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.selectors import members_on
from tandem.cohort.services import membership_end, membership_start
from tandem.core.models import Area, User
from tandem.selection.capacity import capacity_override_set
from tandem.selection.criteria import PPO_CRITERIA_NAME
from tandem.selection.models import CriteriaSet, NominationSource, Score, ScoringRun
from tandem.selection.nominations import nomination_create
from tandem.selection.scoring import months_before
from tandem.selection.selectors import area_capacities
from tandem.selection.services import scoring_run_create

from .organisation import Organisation

# Areas adopt up to this share of their capacity at first, leaving places for emergent
# offenders, as the study's areas did while schemes bedded in.
FIRST_FILL = 0.85
SECOND_FILL = 0.95
EARLIER_SCHEME = ("CHRYSALIS", "Project Chrysalis (earlier local scheme, demo)")
NOMINATIONS_PER_AREA = 2
# Demo sign-ins who lead cases in their areas (the prison's supervisor co-works instead).
COMMUNITY_LEADS = ("om.police", "om.probation")


@dataclass(frozen=True)
class CohortSummary:
    members: int
    left: int
    nominations: int
    runs: int


def _strand(rng: random.Random) -> str:
    # Most members are worked with to resettle; a third are targeted to catch and convict.
    return Strand.CATCH_CONVICT if rng.random() < 0.3 else Strand.REHABILITATE_RESETTLE


def _earlier_scheme() -> Scheme:
    code, name = EARLIER_SCHEME
    scheme, _ = Scheme.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "description": "A local scheme before the PPO scheme; its members moved across.",
            "accepts_new_members": False,
        },
    )
    return scheme


def _candidates(run: ScoringRun, area: Area, exclude: set[int], limit: int) -> list[Score]:
    return list(
        Score.objects.filter(run=run, area=area, above_threshold=True)
        .exclude(person_id__in=exclude)
        .select_related("person")
        .order_by("rank")[: max(limit, 0)]
    )


def _offender_managers(org: Organisation) -> dict[int, list[User]]:
    """The offender managers who can lead in each area, by area id."""
    by_area: dict[int, list[User]] = {}
    for code, area in org.areas.items():
        signing_in = [
            user for key, user in org.staff.items()
            if key in COMMUNITY_LEADS and user.areas.filter(pk=area.pk).exists()
        ]  # fmt: skip
        by_area[area.pk] = [*signing_in, *org.team[code]]
    return by_area


def _adopt(
    coordinator: User,
    run: ScoringRun,
    rng: random.Random,
    leads: dict[int, list[User]],
    *,
    share: float,
    spread_days: int,
    carry_over: bool = False,
) -> int:
    """Fill each area's free places (up to `share` of capacity) from the run's list.

    With `carry_over`, about one in ten comes from the earlier scheme, history kept.
    """
    scheme = Scheme.objects.get(code=PPO_SCHEME_CODE)
    earlier = _earlier_scheme()
    areas = list(Area.objects.order_by("code"))
    capacities = area_capacities(run, areas)
    # Members already leaving (an exit agreed, dated a little later) free their places.
    members = {
        m.person_id: m.area_id
        for m in Membership.objects.filter(scheme=scheme, end_date__isnull=True)
    }
    adopted = 0
    for area in areas:
        held = sum(1 for area_id in members.values() if area_id == area.pk)
        room = int(capacities[area.pk] * share) - held
        for score in _candidates(run, area, set(members), room):
            start = run.as_of + dt.timedelta(days=rng.randint(1, spread_days))
            moved_from = None
            if carry_over and rng.random() < 0.1:
                # Carried over from the earlier scheme, which ran the year before.
                moved_from = Membership.objects.create(
                    person=score.person, area=area, scheme=earlier, strand=_strand(rng),
                    start_date=months_before(start, 12), basis="Selected by the earlier scheme",
                    end_date=start, end_reason=EndReason.SCHEME_CHANGE,
                    end_note="Moved into the PPO scheme with the scheme's launch",
                )  # fmt: skip
            membership_start(
                actor=coordinator,
                person=score.person,
                area=area,
                scheme=scheme,
                strand=_strand(rng),
                start_date=start,
                basis=f"Adopted at the {area.name} forum: rank {score.rank} of the list "
                f"scored as of {run.as_of:%-d %B %Y}",
                moved_from=moved_from,
            )
            lead_allocate(
                actor=coordinator,
                person=score.person,
                worker=rng.choice(leads[area.pk]),
                start_date=start,
                trigger=AllocationTrigger.ADOPTION,
            )
            members[score.person_id] = area.pk
            adopted += 1
    return adopted


def _exits(coordinator: User, run: ScoringRun, rng: random.Random) -> int:
    """Members no longer eligible at all (no recordable offence in the window) leave.

    Members still eligible but below the threshold stay: forums keep people on while their
    work continues, and the list shows who would replace them.
    """
    still = set(Score.objects.filter(run=run).values_list("person_id", flat=True))
    left = 0
    for membership in members_on(run.as_of).order_by("pk"):
        if membership.person_id in still:
            continue
        ended = max(run.as_of + dt.timedelta(days=rng.randint(1, 28)), membership.start_date)
        membership_end(
            actor=coordinator,
            membership=membership,
            end_date=ended,
            end_reason=EndReason.EXIT_CRITERIA_MET,
            note="No recordable offence for a year; the forum agreed exit",
        )
        allocations_end(
            actor=coordinator, person=membership.person, end_date=ended,
            trigger=AllocationTrigger.EXIT,
        )  # fmt: skip
        left += 1
    return left


def cohort_create(org: Organisation, as_of: dt.date, *, seed: int) -> CohortSummary:
    """Play a year of selection forward to `as_of`; return what it left behind."""
    rng = random.Random(seed)
    coordinator = org.staff["coordinator"]
    version = CriteriaSet.objects.get(name=PPO_CRITERIA_NAME).latest()
    assert version is not None, "the PPO criteria ship with Tandem"

    def run_as_of(day: dt.date) -> ScoringRun:
        return scoring_run_create(actor=coordinator, criteria_version=version, as_of=day)[0]

    leads = _offender_managers(org)
    year_ago = run_as_of(months_before(as_of, 12))
    _adopt(coordinator, year_ago, rng, leads, share=FIRST_FILL, spread_days=120, carry_over=True)
    half_year = run_as_of(months_before(as_of, 6))
    left = _exits(coordinator, half_year, rng)
    _adopt(coordinator, half_year, rng, leads, share=SECOND_FILL, spread_days=60)
    run_as_of(as_of - dt.timedelta(days=14))
    now = run_as_of(as_of)

    capacities = area_capacities(now, list(org.areas.values()))
    busiest = max(org.areas.values(), key=lambda a: (capacities[a.pk], a.code))
    capacity_override_set(
        actor=coordinator,
        area=busiest,
        capacity=capacities[busiest.pk] + 5,
        reason="Two extra offender managers funded by the partnership until March (demo)",
    )
    nominations = 0
    members = set(members_on(as_of).values_list("person_id", flat=True))
    for area in sorted(org.areas.values(), key=lambda a: a.code):
        for score in _candidates(now, area, members, NOMINATIONS_PER_AREA):
            nomination_create(
                actor=coordinator, person=score.person, area=area,
                source=NominationSource.LIST, score=score,
                reason="High and rising score; police intelligence agrees (demo)",
            )  # fmt: skip
            nominations += 1
    return CohortSummary(
        members=members_on(as_of).count(), left=left, nominations=nominations, runs=4
    )
