"""The demo's service directory and referrals, with the engagements they open.

Every partner agency's work with a person comes from a referral (or, for mentors, a
mentoring pairing): the engagements drawn for the whole population (partners.py) each get
the referral that opened them, accepted on the engagement's first day and ended on its last.
Most of those for cohort members are dated after adoption, as the scheme made them. Then the
cohort's own needs are referred: most people with a drug need to the drug services (some
left unreferred, so the treatment panel shows a gap), and their other needs more often than
those of people without a drug problem, as the study found. Delays are realistic:
acknowledgement in one to ten working days, a start within weeks; referrals made in custody
start after release. Each referral gets its steps with their actors, progress notes while
the work goes on and an outcome at the end; the daily timer run has told both sides of those
overdue. Written in bulk (no field history: nobody edited these).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Q

from tandem.casework.models import Allocation, AllocationRole, AssessedNeed, MentoringPairing
from tandem.casework.models import PlanAction as Action
from tandem.casework.pathways import PATHWAY_CATEGORY, Pathway
from tandem.casework.selectors import current_leads
from tandem.cohort.selectors import members_on
from tandem.core.categories import Category
from tandem.core.models import Agency, Role, User
from tandem.offending.models import DrugTest, TestResult
from tandem.people.models import CUSTODY_KINDS, Engagement, Person, StatusEpisode
from tandem.referrals import sharing
from tandem.referrals.models import PartnerService, ProgressNote, Referral, ReferralEvent
from tandem.referrals.models import ReferralState as S
from tandem.referrals.timers import timers_tell
from tandem.referrals.working_days import add_working_days

from . import referral_texts as texts
from .organisation import STAFF, Organisation
from .referral_lives import (
    ACK_DAYS,
    Life,
    forced,
    from_engagement,
    simulated,
    weighted,
    when,
    working_day_from,
)
from .referral_rows import first_free_id, insert_many, insert_models, update_many

# Chance a cohort member's need is referred: drug need to the drug services; other needs,
# for people with and without a drug need (the study: those without got less help).
DRUG_REFERRAL_ODDS = 0.7
OTHER_ODDS_WITH_DRUG_NEED = 0.6
OTHER_ODDS_WITHOUT = 0.3
UNASSESSED_ODDS: dict[str, float] = {Pathway.ACCOMMODATION: 0.25, Pathway.ETE: 0.15}
# Cohort members' existing work referred after adoption: the drug services (the DIP above
# all) bring people with a drug need into the scheme's work more often.
REDATED_SHARE = 0.8
REDATED_SHARE_NO_DRUG_NEED = 0.45
CURRENT_USE_DAYS = 90
DECLINED_FIRST_SHARE = 0.08
MIN_WAITING_PER_AGENCY = 2  # sent or acknowledged referrals in each partner's inbox
MIN_OVERDUE = 3  # not acknowledged in time: the study's referrals went unanswered


@dataclass
class Plan:
    """One referral to write: who, to what, by whom, and its life."""

    person: Person
    service: PartnerService
    pathway: str
    referrer: User
    life: Life
    urgent: bool = False
    engagement: Engagement | None = None  # an existing engagement the referral opened
    consent: tuple[list[str], dt.date | None] = field(default_factory=lambda: ([], None))
    plan_action_id: int | None = None
    full_snapshot: bool = False


class _City:
    """What the referrals are drawn from, read once."""

    def __init__(self, org: Organisation, as_of: dt.date, services: dict[str, PartnerService]):
        self.org, self.as_of, self.services = org, as_of, services
        self.members = dict(members_on(as_of).values_list("person_id", "start_date"))
        self.leads = {pk: a.worker for pk, a in current_leads(self.members).items()}
        pairings = set(MentoringPairing.objects.values_list("person_id", "mentor_agency_id",
                                                            "start_date"))  # fmt: skip
        self.engagements = [
            e
            for e in Engagement.objects.order_by("person_id", "start_date", "pk")
            if (e.person_id, e.agency_id, e.start_date) not in pairings
        ]
        self.agency_key = {agency.pk: key for key, agency in org.agencies.items()}
        ids = set(self.members) | {e.person_id for e in self.engagements}
        self.people = Person.objects.select_related("residence_area").in_bulk(ids)
        self.custody: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for pk, start, end in StatusEpisode.objects.filter(kind__in=CUSTODY_KINDS).values_list(
            "person_id", "start_date", "end_date"
        ):
            self.custody[pk].append((start, end))
        self.needs: dict[int, dict[str, str]] = defaultdict(dict)
        self.assessed_on: dict[int, dt.date] = {}
        for pk, day, pathway, level in (
            AssessedNeed.objects.filter(assessment__person_id__in=list(self.members))
            .order_by("assessment__person_id", "assessment__assessed_on", "assessment_id")
            .values_list("assessment__person_id", "assessment__assessed_on", "pathway", "level")
        ):  # the latest assessment's levels win
            self.needs[pk][pathway] = level
            self.assessed_on[pk] = day
        self.positive: dict[int, dt.date] = {}
        for pk, day in (
            DrugTest.objects.filter(person_id__in=list(self.members), test_date__lte=as_of)
            .filter(
                Q(opiates=TestResult.POSITIVE)
                | Q(cocaine=TestResult.POSITIVE)
                | Q(other=TestResult.POSITIVE)
            )
            .order_by("test_date")
            .values_list("person_id", "test_date")
        ):
            self.positive[pk] = day
        self.actions = {
            (pk, agency_id, pathway): action_id
            for action_id, pk, agency_id, pathway in Action.objects.filter(
                objective__plan__person_id__in=list(self.members)
            ).values_list("pk", "objective__plan__person_id", "agency_id", "objective__pathway")
        }
        by_username = {spec.username: spec for spec in STAFF}
        self.workers = {
            by_username[name].agency_key: user
            for name, user in org.staff.items()
            if user.role == Role.PARTNER_WORKER
        }
        self.entitled = {a.pk: set(sharing.entitled_categories(a)) for a in org.agencies.values()}
        self.taken: Counter[str] = Counter()  # places in use, per service key

    def custody_on(self, pk: int, day: dt.date) -> tuple[dt.date, dt.date | None] | None:
        for start, end in self.custody.get(pk, ()):
            if start <= day and (end is None or end > day):
                return start, end
        return None

    def drug_need(self, pk: int) -> bool:
        assessed = self.needs.get(pk, {}).get(Pathway.DRUGS_ALCOHOL, "none") != "none"
        tested = pk in self.positive and (self.as_of - self.positive[pk]).days <= 365
        return assessed or tested

    def using_now(self, pk: int) -> bool:
        return pk in self.positive and (self.as_of - self.positive[pk]).days <= CURRENT_USE_DAYS

    def referrer(self, rng: random.Random, person: Person, in_custody: bool) -> User:
        staff, team = self.org.staff, self.org.team
        if in_custody and rng.random() < 0.6:
            return staff["om.prison"]
        if person.pk in self.leads and rng.random() < 0.85:
            return self.leads[person.pk]
        code = person.residence_area.code if person.residence_area else "A"
        if code in ("A", "B") and rng.random() < 0.5:
            return staff[rng.choice(("om.police", "om.probation"))]
        return rng.choice(team.get(code) or team["A"])

    def fits(self, key: str) -> bool:
        """Whether the service has a place free (or no limit)."""
        capacity = self.services[key].capacity
        return capacity is None or self.taken[key] < capacity

    def service_for(self, key: str, person: Person) -> PartnerService | None:
        service = self.services[key]
        area_id = person.residence_area_id
        covers = area_id is None or any(a.pk == area_id for a in service.areas.all())
        return service if covers else None


def _directory_create(org: Organisation) -> dict[str, PartnerService]:
    services = {}
    for spec in texts.SERVICES:
        service = PartnerService.objects.create(
            agency=org.agencies[spec.agency_key], name=spec.name, pathways=list(spec.pathways),
            offer=spec.offer, eligibility=spec.eligibility,
            accepts_current_drug_use=spec.accepts_current_drug_use, capacity=spec.capacity,
            contact=f"{org.agencies[spec.agency_key].contact}",
            how_referred=spec.how_referred, referral_notes=spec.referral_notes,
        )  # fmt: skip
        codes = spec.area_codes or tuple(org.areas)
        service.areas.set([org.areas[code] for code in codes])
        services[spec.key] = service
    return {
        key: PartnerService.objects.prefetch_related("areas").get(pk=s.pk)
        for key, s in services.items()
    }


def _backed(city: _City, rng: random.Random) -> tuple[list[Plan], list[Engagement]]:
    """The referral behind each engagement; cohort members' mostly after adoption."""
    plans, redated = [], []
    dip_since: dict[int, dt.date] = {}
    for e in city.engagements:
        if city.agency_key.get(e.agency_id) == "dip":
            dip_since.setdefault(e.person_id, e.start_date)
    for e in city.engagements:
        key = city.agency_key.get(e.agency_id)
        person = city.people[e.person_id]
        if key not in texts.AGENCY_WORK:
            continue
        joined = city.members.get(e.person_id)
        last = min(e.end_date or city.as_of, city.as_of)
        if joined and e.start_date < joined and (last - joined).days > 30:
            share = REDATED_SHARE if city.drug_need(e.person_id) else REDATED_SHARE_NO_DRUG_NEED
            if rng.random() < share:
                e.start_date = joined + dt.timedelta(
                    days=rng.randint(3, min(60, (last - joined).days - 10))
                )
                redated.append(e)
        # Referrals are accepted and closed on working days.
        e.start_date = working_day_from(e.start_date, city.as_of)
        if e.end_date is not None:
            e.end_date = max(e.start_date, working_day_from(e.end_date, city.as_of))
        spell = city.custody_on(person.pk, e.start_date)
        released = spell[1] if spell and spell[1] and spell[1] <= city.as_of else None
        life = from_engagement(rng, e.start_date, e.end_date, city.as_of, released)
        taking = life.state in (S.ACCEPTED, S.STARTED)
        work = texts.AGENCY_WORK[key]
        choices = [(s, p, w) for s, p, w in work
                   if city.service_for(s, person) and (city.fits(s) or not taking)]  # fmt: skip
        service_key, pathway, _ = rng.choices(choices, weights=[w for *_, w in choices])[0]
        if taking:
            city.taken[service_key] += 1
        held = city.custody_on(person.pk, life.sent) is not None  # type: ignore[arg-type]
        referrer = city.referrer(rng, person, held)
        # The DIP refers on into treatment the people it assessed.
        if key == "drugs" and dip_since.get(person.pk, e.start_date) < e.start_date \
                and rng.random() < 0.7:  # fmt: skip
            referrer = city.workers["dip"]
        service = city.services[service_key]
        plans.append(Plan(person, service, pathway, referrer, life, urgent=rng.random() < 0.1,
                          engagement=e))  # fmt: skip
        if rng.random() < DECLINED_FIRST_SHARE and life.sent is not None:
            # Declined the first time (full, or missing information), taken on later.
            sent = life.sent - dt.timedelta(days=rng.randint(20, 120))
            ack = add_working_days(sent, weighted(rng, ACK_DAYS))
            if ack < life.sent:
                first = Life(S.DECLINED, sent, ack, ended=ack,
                             end_reason=rng.choice(texts.DECLINE_REASONS))  # fmt: skip
                plans.append(Plan(person, service, pathway, referrer, first))
    return plans, redated


def _consent(city: _City, rng: random.Random, agency: Agency, pathway: str,
             sent: dt.date | None) -> tuple[list[str], dt.date | None]:  # fmt: skip
    if (sent is None and rng.random() < 0.5) or rng.random() < 0.15:
        return [], None
    wanted = {PATHWAY_CATEGORY[pathway], Category.ACCOMMODATION, Category.RISK}
    if pathway == Pathway.DRUGS_ALCOHOL:
        wanted.add(Category.SUBSTANCE_MISUSE)
    chosen = [c for c in sharing.Category.values if c in wanted & city.entitled[agency.pk]]
    day = (sent or city.as_of) - dt.timedelta(days=rng.randint(0, 10))
    return chosen, day


def _needed(city: _City, rng: random.Random, backed: list[Plan]) -> tuple[list[Plan], int | None]:
    """The cohort's needs referred, more often for people with a drug need; returns them
    and the one person with a drug need deliberately left unreferred."""
    covered: set[tuple[int, str]] = set()
    engaged: dict[int, set[int]] = defaultdict(set)
    for plan in backed:
        pk, joined, life = plan.person.pk, city.members.get(plan.person.pk), plan.life
        is_open = life.state in (S.ACCEPTED, S.STARTED)
        if joined and (is_open or (life.sent is not None and life.sent >= joined)):
            covered.add((pk, plan.pathway))
        if is_open:
            engaged[pk].add(plan.service.agency_id)
    # Whatever the draw, someone with a drug need goes unreferred, so even a small city's
    # panel shows the gap the study found.
    uncovered = [pk for pk in sorted(city.members)
                 if city.drug_need(pk) and (pk, Pathway.DRUGS_ALCOHOL) not in covered]  # fmt: skip
    reserved = uncovered[-1] if uncovered else None
    plans = []
    for pk in sorted(city.members):
        person, joined = city.people[pk], city.members[pk]
        needs, drug_need = city.needs.get(pk), city.drug_need(pk)
        inside = city.custody_on(pk, city.as_of)
        for pathway in Pathway.values:
            if (pk, pathway) in covered or (pathway == Pathway.DRUGS_ALCOHOL and pk == reserved):
                continue
            if pathway == Pathway.DRUGS_ALCOHOL:
                odds = DRUG_REFERRAL_ODDS if drug_need else 0.0
            elif needs is None:
                odds = UNASSESSED_ODDS.get(pathway, 0.0)
            elif needs.get(pathway, "none") == "none":
                odds = 0.0
            else:
                odds = OTHER_ODDS_WITH_DRUG_NEED if drug_need else OTHER_ODDS_WITHOUT
            if rng.random() >= odds:
                continue
            options = [
                (key, w) for key, w in texts.PATHWAY_SERVICES[pathway]
                if city.service_for(key, person) and city.fits(key)
                and city.services[key].agency_id not in engaged[pk]
            ]  # fmt: skip
            if not options:
                continue
            key = rng.choices([k for k, _ in options], weights=[w for _, w in options])[0]
            service = city.services[key]
            ineligible = not service.accepts_current_drug_use and city.using_now(pk)
            if ineligible and rng.random() < 0.8:
                continue  # the referrer read the eligibility and chose another route
            base = max(joined, city.assessed_on.get(pk, joined))
            sent = base + dt.timedelta(days=rng.randint(0, 45))
            if inside is not None:
                sent = max(joined, city.as_of - dt.timedelta(days=rng.randint(2, 40)))
            sent = min(sent, city.as_of - dt.timedelta(days=rng.randint(0, 3)))
            if rng.random() < 0.04 and (city.as_of - sent).days < 20:
                life = Life(S.DRAFT, None)
            else:
                spell = city.custody_on(pk, sent)
                release = spell[1] if spell else None
                life = simulated(rng, sent, city.as_of, pathway, release=release,
                                  held=spell is not None and release is None,
                                  ineligible=ineligible)  # fmt: skip
            held = city.custody_on(pk, sent) is not None
            urgent = rng.random() < (0.35 if pathway == Pathway.DRUGS_ALCOHOL
                                     and city.using_now(pk) else 0.1)  # fmt: skip
            plans.append(Plan(
                person, service, pathway, city.referrer(rng, person, held), life, urgent,
                consent=_consent(city, rng, service.agency, pathway, life.sent),
                plan_action_id=city.actions.get((pk, service.agency_id, pathway)),
                full_snapshot=True,
            ))  # fmt: skip
            if life.state in (S.ACCEPTED, S.STARTED):
                engaged[pk].add(service.agency_id)
                city.taken[key] += 1
    return plans, reserved


def _treatment_completed(city: _City, rng: random.Random, plans: list[Plan],
                         reserved: int | None) -> list[Plan]:  # fmt: skip
    """Someone with a drug need completed treatment since joining, in any size of city."""
    needing = [pk for pk in sorted(city.members, key=lambda pk: (city.members[pk], pk))
               if city.drug_need(pk) and pk != reserved]  # fmt: skip
    if any(p.pathway == Pathway.DRUGS_ALCOHOL and p.life.state == S.COMPLETED
           and p.person.pk in needing and p.life.sent is not None
           and p.life.sent >= city.members[p.person.pk] for p in plans):  # fmt: skip
        return []
    for pk in needing:
        sent = add_working_days(city.members[pk], 2)
        ack = add_working_days(sent, 2)
        accepted = add_working_days(ack, 2)
        started = add_working_days(accepted, 3)
        ended = min(started + dt.timedelta(days=56), city.as_of - dt.timedelta(days=2))
        if ended <= started + dt.timedelta(days=7):
            continue
        person, service = city.people[pk], city.services["treatment"]
        life = Life(S.COMPLETED, sent, ack, accepted, started, ended)
        held = city.custody_on(pk, sent) is not None
        consent = _consent(city, rng, service.agency, Pathway.DRUGS_ALCOHOL, sent)
        referrer = city.referrer(rng, person, held)
        return [Plan(person, service, Pathway.DRUGS_ALCOHOL, referrer, life, consent=consent)]
    return []


def _topped_up(city: _City, rng: random.Random, plans: list[Plan]) -> list[Plan]:
    """Referrals in every state, a few overdue, and some waiting in every partner's inbox."""
    members = [pk for pk in sorted(city.members) if city.custody_on(pk, city.as_of) is None]
    if not members:
        return []
    extra: list[Plan] = []

    def add(state: str, service_key: str, overdue: bool = False) -> None:
        service = city.services[service_key]
        open_to = {
            (p.person.pk, p.service.agency_id)
            for p in plans + extra
            if p.life.state not in (S.DECLINED, S.COMPLETED, S.DISENGAGED, S.WITHDRAWN)
        }
        candidates = [pk for pk in members if (pk, service.agency_id) not in open_to
                      and city.service_for(service_key, city.people[pk])] or members  # fmt: skip
        person = city.people[rng.choice(candidates)]
        life = forced(rng, state, city.as_of, overdue=overdue)
        extra.append(Plan(
            person, service, service.pathways[0], city.referrer(rng, person, False), life,
            consent=_consent(city, rng, service.agency, service.pathways[0], life.sent),
            full_snapshot=True,
        ))  # fmt: skip

    states = Counter(p.life.state for p in plans)
    for state in S.values:
        if not states[state]:
            add(state, rng.choice(["options", "skills", "treatment"]))
    late = sum(1 for p in plans if p.life.state == S.SENT and p.life.sent is not None
               and add_working_days(p.life.sent, 5) < city.as_of)  # fmt: skip
    for service_key in ("skills", "options", "family")[: max(0, MIN_OVERDUE - late)]:
        add(S.SENT, service_key, overdue=True)
    for key, service_key in (("dip", "dip"), ("drugs", "treatment"), ("housing", "options"),
                             ("landlord", "sustain"), ("ete", "skills"),
                             ("mentoring1", "mentoring"), ("mentoring2", "family")):  # fmt: skip
        agency_id = city.org.agencies[key].pk
        waiting = sum(1 for p in plans + extra if p.service.agency_id == agency_id
                      and p.life.state in (S.SENT, S.ACKNOWLEDGED))  # fmt: skip
        for n in range(MIN_WAITING_PER_AGENCY - waiting):
            add(S.SENT if n % 2 == 0 else S.ACKNOWLEDGED, service_key)
    return extra


def _identity(person: Person, day: dt.date) -> dict[str, Any]:
    # What sharing.snapshot would freeze for identity alone, without a query per person.
    area = person.residence_area.name if person.residence_area else "not recorded"
    return {"on": day.isoformat(), "sections": [{
        "category": Category.IDENTITY.value, "label": Category.IDENTITY.label, "lines": [
            f"Name: {person.first_name} {person.last_name}",
            f"Date of birth: {person.date_of_birth:%-d %B %Y}" if person.date_of_birth
            else "Date of birth: not known",
            f"Tandem number: {person.pk}", f"Area: {area}",
        ]}]}  # fmt: skip


def _in_order(times: dict[str, dt.datetime | None]) -> None:
    """Steps on the same day follow one another (accepting straight away is one moment)."""
    last = None
    for step in ("sent", "acknowledged", "accepted", "started", "ended"):
        at = times[step]
        if at is None:
            continue
        if last is not None and (at < last or (at == last and step != "accepted")):
            times[step] = at = last + dt.timedelta(minutes=20)
        last = at


def _write(city: _City, rng: random.Random, plans: list[Plan]) -> list[Referral]:
    """The referrals, and the engagements accepted ones opened, with ids given here so each
    engagement can name its referral as referral_step does."""
    as_of = city.as_of
    referrals, engagements, backed = [], [], []
    next_referral, next_engagement = first_free_id(Referral), first_free_id(Engagement)
    for plan in plans:
        life, agency = plan.life, plan.service.agency
        worker = city.workers[city.agency_key[agency.pk]]
        times = {step: when(day, rng) if day else None
                for step, day in (("sent", life.sent), ("acknowledged", life.acknowledged),
                                  ("accepted", life.accepted), ("started", life.started),
                                  ("ended", life.ended))}  # fmt: skip
        if life.acknowledged and life.acknowledged == life.accepted:
            times["acknowledged"] = times["accepted"]  # accepted straight away
        _in_order(times)
        consent, consent_on = plan.consent
        # The receiving agency reads the frozen details until it accepts, so those still
        # waiting get the full snapshot; building it takes a few queries, so the rest
        # shared identity only, as many real referrals do.
        if life.sent is None:
            shared: dict[str, Any] = {}
        elif plan.full_snapshot and life.state in (S.SENT, S.ACKNOWLEDGED):
            shared = sharing.snapshot(
                plan.person, sharing.categories_to_share(agency, consent), life.sent
            )
        else:
            consent, consent_on = [], None
            shared = _identity(plan.person, life.sent)
        outcome = ""
        if life.state == S.COMPLETED:
            outcome = texts.OUTCOMES[plan.pathway]
        elif life.state in (S.DISENGAGED, S.WITHDRAWN) and life.accepted:
            outcome = texts.ENDED_OUTCOME if rng.random() < 0.5 else ""
        first = times["sent"] or when(as_of - dt.timedelta(days=rng.randint(0, 3)), rng)
        from_agency_id = plan.referrer.agency_id
        assert from_agency_id is not None  # every demo member of staff has an agency
        referral = Referral(
            id=next_referral, person_id=plan.person.pk, service_id=plan.service.pk,
            to_agency_id=agency.pk, from_agency_id=from_agency_id,
            referrer_id=plan.referrer.pk,
            pathway=plan.pathway, reason=rng.choice(texts.REASONS[plan.pathway]),
            urgency="urgent" if plan.urgent else "routine", plan_action_id=plan.plan_action_id,
            consent_given_on=consent_on if consent else None, consent_categories=consent,
            shared=shared, state=life.state, sent_at=times["sent"],
            acknowledged_at=times["acknowledged"], accepted_at=times["accepted"],
            started_at=times["started"], ended_at=times["ended"], end_reason=life.end_reason,
            outcome_summary=outcome,
            made_in_custody=bool(life.sent and city.custody_on(plan.person.pk, life.sent)),
            worker_id=worker.pk if life.accepted else None,
            version=1 + sum(1 for t in times.values() if t),
            created_at=first - dt.timedelta(minutes=rng.randint(10, 120)),
        )  # fmt: skip
        next_referral += 1
        purpose = f"Referral {referral.pk}: {plan.service.name}"
        if plan.engagement is not None:
            plan.engagement.purpose = purpose
            referral.engagement_id = plan.engagement.pk
            backed.append(plan.engagement)
        elif life.accepted is not None:
            referral.engagement = Engagement(
                id=next_engagement, person_id=plan.person.pk, agency_id=agency.pk,
                start_date=life.accepted, end_date=life.ended, purpose=purpose,
            )  # fmt: skip
            next_engagement += 1
            engagements.append(referral.engagement)
        referrals.append(referral)
    insert_models(Engagement, engagements)
    insert_models(Referral, referrals)
    adapt = connection.ops.adapt_datefield_value
    update_many(Engagement, ["purpose", "start_date", "end_date"],
                 [(e.purpose, adapt(e.start_date), adapt(e.end_date), e.pk)
                  for e in backed])  # fmt: skip
    if connection.vendor == "postgresql":  # move the id sequences past the ids given here
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Referral, Engagement]):
                cursor.execute(sql)
    return referrals


def _steps(city: _City, rng: random.Random, referrals: list[Referral]) -> None:
    """Each referral's steps with their actors, and progress notes while work went on."""
    stamp, day_value = (
        connection.ops.adapt_datetimefield_value,
        connection.ops.adapt_datefield_value,
    )
    events: list[tuple[Any, ...]] = []
    notes: list[tuple[Any, ...]] = []
    for r in referrals:
        worker = city.workers[city.agency_key[r.to_agency_id]].pk
        steps: list[tuple[str, dt.datetime | None, int, str]] = [
            (S.DRAFT, r.created_at, r.referrer_id, ""),
            (S.SENT, r.sent_at, r.referrer_id, ""),
        ]
        if r.acknowledged_at != r.accepted_at:
            steps.append((S.ACKNOWLEDGED, r.acknowledged_at, worker, ""))
        steps += [(S.ACCEPTED, r.accepted_at, worker, ""), (S.STARTED, r.started_at, worker, "")]
        if r.ended_at:
            actor = r.referrer_id if r.state == S.WITHDRAWN else worker
            steps.append((r.state, r.ended_at, actor, r.end_reason or r.outcome_summary))
        events += [(r.pk, state, stamp(at), actor, note) for state, at, actor, note in steps if at]
        if r.started_at:
            start = r.started_at.date()
            last = r.ended_at.date() if r.ended_at else city.as_of
            count = max(1, min(4, (last - start).days // 21))
            lines = texts.PROGRESS[r.pathway]
            for n in range(count):
                day = start + dt.timedelta(days=(last - start).days * (n + 1) // (count + 1))
                note = lines[n % len(lines)]
                notes.append((r.pk, day_value(day), note, PATHWAY_CATEGORY[r.pathway], worker,
                              stamp(when(day, rng))))  # fmt: skip
    insert_many(ReferralEvent, ["referral_id", "state", "at", "actor_id", "note"], events)
    insert_many(ProgressNote, ["referral_id", "written_on", "note", "category", "author_id",
                                "created_at"], notes)  # fmt: skip


def _co_workers_follow(redated: list[Engagement]) -> None:
    """Partner co-workers start no earlier than the engagement they work under."""
    starts = {(e.person_id, e.agency_id): e.start_date for e in redated if e.end_date is None}
    moved = []
    for allocation in Allocation.objects.filter(
        role=AllocationRole.CO_WORKER, person_id__in=[p for p, _ in starts]
    ):
        start = starts.get((allocation.person_id, allocation.agency_id))
        if start and allocation.start_date < start:
            allocation.start_date = start
            moved.append(allocation)
    adapt = connection.ops.adapt_datefield_value
    update_many(Allocation, ["start_date"], [(adapt(a.start_date), a.pk) for a in moved])


def referrals_create(org: Organisation, as_of: dt.date, *, seed: int) -> int:
    """The service directory and every referral; returns how many referrals."""
    rng = random.Random(f"tandem-demo:{seed}:referrals")
    city = _City(org, as_of, _directory_create(org))
    backed, redated = _backed(city, rng)
    needed, reserved = _needed(city, rng, backed)
    plans = backed + needed
    plans += _treatment_completed(city, rng, plans, reserved)
    plans += _topped_up(city, rng, plans)
    referrals = _write(city, rng, plans)
    _steps(city, rng, referrals)
    _co_workers_follow(redated)
    timers_tell(as_of)
    return len(referrals)
