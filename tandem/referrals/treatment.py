"""Drug treatment tracking and equal access, for the cohort and per area.

Does every PPO with a drug treatment need get treatment, and do PPOs without a drug problem
get as much help on the other pathways? A person has a drug treatment need when their
latest assessment records a need on drugs and alcohol, or a drug test was positive within
DRUG_NEED_TEST_MONTHS. Referred, started and completed count referrals on the pathway that
were live during this spell on the scheme: sent since the person joined, or still running
when they joined (someone adopted while already in treatment is not "unreferred").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tandem.casework.models import AssessedNeed, NeedLevel
from tandem.casework.pathways import Pathway
from tandem.cohort.selectors import members_on
from tandem.offending.models import DrugTest, TestResult
from tandem.people.models import Person

from .models import Referral, ReferralState

DRUG_NEED_TEST_MONTHS = 12
STAGES = ("need", "referred", "started", "completed")


@dataclass
class Funnel:
    """How many people at each stage, and who they are (for readers allowed the names)."""

    people: dict[str, set[int]] = field(default_factory=lambda: {s: set() for s in STAGES})

    def count(self, stage: str) -> int:
        return len(self.people[stage])

    def share(self, stage: str) -> str:
        need = self.count("need")
        return f"{100 * self.count(stage) / need:.0f}%" if need else "–"


@dataclass
class PathwaySplit:
    pathway: str
    with_drug_need: Funnel
    without_drug_need: Funnel

    @property
    def label(self) -> str:
        return Pathway(self.pathway).label


@dataclass
class TreatmentPanel:
    on: dt.date
    members: int
    drugs: Funnel
    pathways: list[PathwaySplit]
    names: dict[int, Person]
    drug_need_from_assessment: int = 0
    drug_need_from_tests: int = 0


def _latest_needs(person_ids: list[int], on: dt.date) -> dict[int, dict[str, str]]:
    """Each person's needs by pathway at their latest assessment on or before the day."""
    rows = (
        AssessedNeed.objects.filter(
            assessment__person_id__in=person_ids, assessment__assessed_on__lte=on
        )
        .order_by("assessment__person_id", "-assessment__assessed_on", "-assessment_id")
        .values_list("assessment__person_id", "assessment_id", "pathway", "level")
    )
    latest: dict[int, int] = {}
    needs: dict[int, dict[str, str]] = defaultdict(dict)
    for person_id, assessment_id, pathway, level in rows:
        if latest.setdefault(person_id, assessment_id) == assessment_id:
            needs[person_id][pathway] = level
    return needs


def _recent_positives(person_ids: list[int], on: dt.date) -> set[int]:
    since = on - dt.timedelta(days=DRUG_NEED_TEST_MONTHS * 30)
    positive = (
        Q(opiates=TestResult.POSITIVE)
        | Q(cocaine=TestResult.POSITIVE)
        | Q(other=TestResult.POSITIVE)
    )
    return set(
        DrugTest.objects.filter(
            positive, person_id__in=person_ids, test_date__gte=since, test_date__lte=on
        ).values_list("person_id", flat=True)
    )


def treatment_panel(on: dt.date, area_ids: Iterable[int] | None = None) -> TreatmentPanel:
    """The panel for the cohort on a day (or some areas of it), in five queries."""
    joined = dict(members_on(on, area_ids=area_ids).values_list("person_id", "start_date"))
    ids = list(joined)
    needs = _latest_needs(ids, on)
    tested = _recent_positives(ids, on)
    assessed_drugs = {
        pk for pk in ids if needs.get(pk, {}).get(Pathway.DRUGS_ALCOHOL, NeedLevel.NONE)
        != NeedLevel.NONE
    }  # fmt: skip
    drug_need = assessed_drugs | tested
    referred: dict[str, set[int]] = defaultdict(set)
    started: dict[str, set[int]] = defaultdict(set)
    completed: dict[str, set[int]] = defaultdict(set)
    for person_id, pathway, ended_at, started_at, state in (
        Referral.objects.filter(person_id__in=ids, sent_at__isnull=False)
        .filter(sent_at__date__lte=on)
        .values_list("person_id", "pathway", "ended_at", "started_at", "state")
    ):
        # Work that ended before the person joined belongs to an earlier chapter; work
        # still running when they joined (treatment already under way) counts.
        if ended_at is not None and timezone.localdate(ended_at) < joined[person_id]:
            continue
        referred[pathway].add(person_id)
        if started_at is not None and timezone.localdate(started_at) <= on:
            started[pathway].add(person_id)
        if state == ReferralState.COMPLETED:
            completed[pathway].add(person_id)

    def funnel(needing: set[int], pathway: str) -> Funnel:
        f = Funnel()
        f.people["need"] = needing
        f.people["referred"] = referred[pathway] & needing
        f.people["started"] = started[pathway] & needing
        f.people["completed"] = completed[pathway] & needing
        return f

    splits = []
    for pathway in Pathway.values:
        if pathway == Pathway.DRUGS_ALCOHOL:
            continue
        needing = {
            pk for pk in ids if needs.get(pk, {}).get(pathway, NeedLevel.NONE) != NeedLevel.NONE
        }
        splits.append(
            PathwaySplit(
                pathway, funnel(needing & drug_need, pathway), funnel(needing - drug_need, pathway)
            )
        )
    return TreatmentPanel(
        on=on,
        members=len(ids),
        drugs=funnel(drug_need, Pathway.DRUGS_ALCOHOL),
        pathways=splits,
        names=Person.objects.in_bulk(ids),
        drug_need_from_assessment=len(assessed_drugs),
        drug_need_from_tests=len(tested),
    )
