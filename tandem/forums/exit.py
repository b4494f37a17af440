"""Exit readiness: each of the partnership's exit criteria, met or not, from the record.

"A clear exit strategy with clear rehabilitation and resettlement criteria": the panel
shows a forum (and the offender manager) which criteria a member meets, with the evidence,
so exit is decided on the same footing in every area. Where Tandem holds no evidence either
way, the criterion says so rather than guessing. Reads are batched: any number of members
in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Q

from tandem.casework.pathways import Pathway
from tandem.cohort.models import Membership
from tandem.core.categories import Category
from tandem.core.models import AgencyKind
from tandem.offending.models import SANCTION_OUTCOMES, DrugTest, Offence, TestResult
from tandem.people.models import Address, Engagement, EpisodeKind, OrderOutcome, StatusEpisode
from tandem.referrals.models import Referral, ReferralState
from tandem.selection.scoring import months_before

from .models import AgendaItem, ExitCriteria, Outcome

# A positive test this recent means a drug treatment need, unless an assessment says more.
DRUG_NEED_MONTHS = 12
SETTLED_KINDS = {Address.Kind.HOME}


@dataclass(frozen=True)
class Criterion:
    label: str
    met: bool | None  # None: the record holds no evidence either way
    evidence: str
    category: str = Category.OFFENDING  # the data category the evidence comes from


@dataclass
class Readiness:
    membership: Membership
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def ready(self) -> bool:
        return all(c.met for c in self.criteria)


def exit_criteria() -> ExitCriteria:
    """The partnership's criteria; the shipped defaults until a coordinator saves some."""
    return ExitCriteria.objects.order_by("pk").first() or ExitCriteria()


def _months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def readiness_for(
    memberships: Iterable[Membership], on: dt.date, readable: Collection[str]
) -> dict[int, Readiness]:
    """Each member's readiness on a date, by person id, keeping only the criteria whose
    evidence comes from a category in `readable` (the reader's grants): the panel must not
    show drug tests or addresses to someone the protocol keeps them from."""
    spells = {m.person_id: m for m in memberships}
    ids = list(spells)
    rules = exit_criteria()
    extended = dict(
        AgendaItem.objects.filter(person_id__in=ids, decision__outcome=Outcome.EXTEND)
        .values("person_id")
        .annotate(until=Max("decision__review_by"))
        .values_list("person_id", "until")
    )
    offending_since = months_before(on, rules.no_proven_offending_months)
    last_proven = dict(
        Offence.objects.filter(
            person_id__in=ids,
            outcome__in=list(SANCTION_OUTCOMES),
            offence_date__gt=offending_since,
            offence_date__lte=on,
        )
        .values("person_id")
        .annotate(last=Max("offence_date"))
        .values_list("person_id", "last")
    )
    homes = {
        a.person_id: a
        for a in Address.objects.filter(person_id__in=ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .exclude(kind__in=[Address.Kind.PRISON, Address.Kind.INTENDED_RELEASE])
        .order_by("start_date", "id")
    }
    engagements: dict[int, list[Engagement]] = {}
    for e in Engagement.objects.filter(
        person_id__in=ids,
        agency__kind__in=[AgencyKind.ETE, AgencyKind.DRUG_TREATMENT],
        start_date__lte=on,
    ).select_related("agency"):
        engagements.setdefault(e.person_id, []).append(e)
    drug_referrals: dict[int, list[Referral]] = {}
    for r in Referral.objects.filter(
        person_id__in=ids, pathway=Pathway.DRUGS_ALCOHOL, sent_at__date__lte=on
    ).select_related("service"):
        drug_referrals.setdefault(r.person_id, []).append(r)
    positive = TestResult.POSITIVE.value
    last_positive = dict(
        DrugTest.objects.filter(
            Q(opiates=positive) | Q(cocaine=positive) | Q(other=positive),
            person_id__in=ids,
            test_date__gt=months_before(on, DRUG_NEED_MONTHS),
            test_date__lte=on,
        )
        .values("person_id")
        .annotate(last=Max("test_date"))
        .values_list("person_id", "last")
    )
    breached = dict(
        StatusEpisode.objects.filter(
            person_id__in=ids,
            kind=EpisodeKind.COMMUNITY_ORDER,
            outcome=OrderOutcome.BREACHED,
            end_date__gt=offending_since,
            end_date__lte=on,
        )
        .values("person_id")
        .annotate(last=Max("end_date"))
        .values_list("person_id", "last")
    )
    result = {}
    for person_id, spell in spells.items():
        mine = engagements.get(person_id, [])
        criteria = [
            _time_on(spell, on, rules),
            _time_limit(spell, on, rules, extended.get(person_id)),
            _offending(last_proven.get(person_id), rules),
        ]
        if rules.settled_accommodation:
            criteria.append(_accommodation(spell, homes.get(person_id)))
        if rules.engaged_in_ete:
            criteria.append(_ete(mine, on))
        if rules.drug_treatment_done_or_not_needed:
            criteria.append(
                _drugs(mine, drug_referrals.get(person_id, []), last_positive.get(person_id))
            )
        if rules.no_outstanding_breach:
            criteria.append(_breach(breached.get(person_id), rules))
        result[person_id] = Readiness(spell, [c for c in criteria if c.category in readable])
    return result


def _time_on(spell: Membership, on: dt.date, rules: ExitCriteria) -> Criterion:
    months = _months(spell.start_date, on)
    return Criterion(
        f"At least {rules.min_months_on_scheme} months on the scheme",
        months >= rules.min_months_on_scheme,
        f"On the scheme since {spell.start_date:%-d %B %Y} ({months} months)",
    )


def _time_limit(
    spell: Membership, on: dt.date, rules: ExitCriteria, extended_to: dt.date | None
) -> Criterion:
    limit = months_before(spell.start_date, -rules.time_limit_months)
    if extended_to is not None and extended_to > limit:
        return Criterion(
            "Time limit reached",
            on >= extended_to,
            f"Extended by a forum to {extended_to:%-d %B %Y}",
        )
    return Criterion(
        "Time limit reached",
        on >= limit,
        f"{rules.time_limit_months} months from joining: {limit:%-d %B %Y}",
    )


def _offending(last: dt.date | None, rules: ExitCriteria) -> Criterion:
    label = f"No proven offending in the last {rules.no_proven_offending_months} months"
    if last is None:
        return Criterion(label, True, "No sanctioned offence in that time")
    return Criterion(label, False, f"Sanctioned offence committed on {last:%-d %B %Y}")


def _accommodation(spell: Membership, home: Address | None) -> Criterion:
    label = "Settled accommodation"
    category = Category.ACCOMMODATION
    if spell.person.no_fixed_abode:
        return Criterion(label, False, "No fixed abode", category)
    if home is None:
        return Criterion(label, None, "No current address recorded", category)
    settled = home.kind in SETTLED_KINDS
    since = f"{home.get_kind_display()} since {home.start_date:%-d %B %Y}"
    return Criterion(label, settled, since, category)


def _ete(engagements: list[Engagement], on: dt.date) -> Criterion:
    label, category = "Engaged in education, training or employment", Category.ETE
    current = [e for e in engagements if e.agency.kind == AgencyKind.ETE and e.end_date is None]
    if current:
        return Criterion(
            label,
            True,
            f"With {current[0].agency.name} since {current[0].start_date:%-d %B %Y}",
            category,
        )
    return Criterion(
        label, False, "No current work with an employment or training provider", category
    )


def _drugs(
    engagements: list[Engagement], referrals: list[Referral], last_positive: dt.date | None
) -> Criterion:
    """Met with no recent positive test, or a drug treatment referral completed since the
    last one; the referral's state says where the person is otherwise."""
    label, category = "Drug treatment completed or not needed", Category.SUBSTANCE_MISUSE
    if last_positive is None:
        return Criterion(
            label, True, f"No positive drug test in {DRUG_NEED_MONTHS} months", category
        )
    since = sorted(
        (r for r in referrals if r.ended_at is None or r.ended_at.date() >= last_positive),
        key=lambda r: r.sent_at or r.created_at,
        reverse=True,
    )
    for r in since:
        if r.state == ReferralState.COMPLETED and r.ended_at is not None:
            return Criterion(
                label, True, f"Completed {r.service.name} on {r.ended_at:%-d %B %Y}", category
            )
    for r in since:
        if r.state == ReferralState.STARTED and r.started_at is not None:
            return Criterion(
                label, False, f"In treatment with {r.service.name} since "
                f"{r.started_at:%-d %B %Y}", category,
            )  # fmt: skip
        if r.is_open:
            return Criterion(
                label, False, f"Referred to {r.service.name}: {r.get_state_display().lower()}, "
                "not started yet", category,
            )  # fmt: skip
    if since:
        r = since[0]
        return Criterion(
            label, False, f"{r.service.name} {r.get_state_display().lower()}"
            f"{f' on {r.ended_at:%-d %B %Y}' if r.ended_at else ''}; no treatment completed",
            category,
        )  # fmt: skip
    # Work recorded before referrals existed: an engagement says when, not how, it ended.
    treatment = [e for e in engagements if e.agency.kind == AgencyKind.DRUG_TREATMENT]
    if any(e.end_date is None for e in treatment):
        return Criterion(label, False, "In drug treatment now", category)
    ended = [e for e in treatment if e.end_date and e.end_date >= last_positive]
    if ended:
        return Criterion(
            label,
            None,
            f"Treatment ended {ended[0].end_date:%-d %B %Y}; completion not recorded",
            category,
        )
    return Criterion(
        label,
        False,
        f"Positive test on {last_positive:%-d %B %Y}; no treatment recorded since",
        category,
    )


def _breach(last: dt.date | None, rules: ExitCriteria) -> Criterion:
    # Enforcement decisions (warning, breach, discretion) arrive with appointments; until
    # then an order ended as breached within the offending window counts as outstanding.
    label = "No outstanding breach"
    if last is None:
        return Criterion(
            label, True, f"No order breached in {rules.no_proven_offending_months} months"
        )
    return Criterion(label, False, f"Community order breached, ended {last:%-d %B %Y}")
