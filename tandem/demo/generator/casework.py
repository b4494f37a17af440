"""The demo's casework: assessments, care plans, reviews and prison work for the cohort.

About half of the current cohort has been assessed (some twice, so the history shows a
change), most with drug and accommodation needs as PPOs have; each assessed person has a
care plan of three to six objectives with actions across the agencies, some reviewed; and
members in custody have the courses, treatment, education and work done there. Written in
bulk (no field history: nobody edited these), with OGRS3 read from each record as the
assessment service reads it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from tandem.casework.dates import add_months
from tandem.casework.models import (
    Allocation,
    AllocationRole,
    AllocationTrigger,
    AssessedNeed,
    Assessment,
    CarePlan,
    CaseManagement,
    ContactNote,
    ContactType,
    ItemStatus,
    ManagementModel,
    MentoringMeeting,
    MentoringPairing,
    MentorKind,
    Objective,
    PlanAction,
    PlanReview,
    PrisonWork,
    PrisonWorkKind,
    Task,
    TaskStatus,
)
from tandem.casework.ogrs3 import ogrs3_from_record
from tandem.casework.pathways import Pathway
from tandem.casework.selectors import current_leads
from tandem.casework.services import pre_release_tasks_run
from tandem.cohort.selectors import members_on
from tandem.core.models import Agency, User
from tandem.offending.models import DrugTest, TestResult
from tandem.people.models import Engagement, EpisodeKind, StatusEpisode

from .organisation import PRISON_NAME, Organisation

ASSESSED_SHARE = 0.8
# The share of assessed people whose reassessments and plan reviews are all up to date.
KEPT_UP_SHARE = 0.8
REVIEW_SUMMARIES = (
    "Progress reviewed with the agencies; actions updated.",
    "Housing still the priority; the drug service reports steady attendance.",
    "Good progress: ETE placement started. Next steps agreed with the person.",
    "Missed two appointments since the last review; re-engagement plan agreed.",
)

# Chance of (standard, severe) need per pathway; drug users' drugs need is set apart.
NEED_ODDS: dict[str, tuple[float, float]] = {
    Pathway.ACCOMMODATION: (0.45, 0.3),
    Pathway.ETE: (0.5, 0.2),
    Pathway.HEALTH: (0.25, 0.05),
    Pathway.DRUGS_ALCOHOL: (0.3, 0.15),
    Pathway.FINANCE: (0.45, 0.1),
    Pathway.FAMILY: (0.25, 0.05),
    Pathway.ATTITUDES: (0.5, 0.2),
}
DRUG_USER_ODDS = (0.3, 0.6)
ROSH = [("low", 25), ("medium", 55), ("high", 18), ("very_high", 2)]

# Per pathway: the objective, and actions as (agency key or "lead", description).
PLANS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    Pathway.ACCOMMODATION: ("A settled tenancy", [
        ("housing", "Housing options assessment and priority banding"),
        ("landlord", "Tenancy offer and tenancy support"),
    ]),
    Pathway.ETE: ("Into training or work", [
        ("ete", "Skills check and a training place"),
        ("ete", "Help with CV and job search"),
    ]),
    Pathway.HEALTH: ("Registered with a GP and seen", [
        ("lead", "Register with a GP and book a health check"),
    ]),
    Pathway.DRUGS_ALCOHOL: ("Stable in drug treatment", [
        ("dip", "Required assessment after a positive test"),
        ("drugs", "Structured treatment and a prescribing review"),
    ]),
    Pathway.FINANCE: ("Benefits in place and debts managed", [
        ("lead", "Benefit claim and ID documents"),
    ]),
    Pathway.FAMILY: ("Contact with family rebuilt", [
        ("mentoring2", "Family support sessions"),
    ]),
    Pathway.ATTITUDES: ("Thinking before acting", [
        ("mentoring1", "Weekly mentoring"),
        ("lead", "Thinking skills programme"),
    ]),
}  # fmt: skip

PRISON_WORK: list[tuple[str, str, str]] = [
    (PrisonWorkKind.COURSE, "Thinking Skills Programme", "Prison psychology team"),
    (PrisonWorkKind.TREATMENT, "Detoxification and stabilisation", "Prison healthcare team"),
    (PrisonWorkKind.TREATMENT, "Drug treatment and throughcare", "Prison drug team"),
    (PrisonWorkKind.EDUCATION, "Level 1 literacy and numeracy", "Prison education provider"),
    (PrisonWorkKind.EDUCATION, "Construction skills certificate", "Prison education provider"),
    (PrisonWorkKind.WORK, "Kitchen orderly", "Prison industries"),
    (PrisonWorkKind.WORK, "Laundry", "Prison industries"),
]


def _needs(rng: random.Random, drug_user: bool) -> dict[str, str]:
    levels = {}
    for pathway, (standard, severe) in NEED_ODDS.items():
        if pathway == Pathway.DRUGS_ALCOHOL and drug_user:
            standard, severe = DRUG_USER_ODDS
        roll = rng.random()
        levels[pathway] = (
            "severe" if roll < severe else "standard" if roll < severe + standard else "none"
        )
    return levels


def _assessment(person, day: dt.date, assessor: User, levels: dict[str, str],
                rng: random.Random) -> tuple[Assessment, list[AssessedNeed]]:  # fmt: skip
    ogrs3 = ogrs3_from_record(person, day)
    mappa = rng.random() < 0.05
    assessment = Assessment(
        person=person, assessed_on=day, assessor=assessor, assessor_agency=assessor.agency,
        rosh=rng.choices([r for r, _ in ROSH], weights=[w for _, w in ROSH])[0],
        mappa=mappa, mappa_level=1 if mappa else None,
        ogrs3_one_year=ogrs3.one_year, ogrs3_two_year=ogrs3.two_year, ogrs3_sex=ogrs3.sex,
        ogrs3_age_at_start=ogrs3.age_at_start, ogrs3_age_at_conviction=ogrs3.age_at_conviction,
        ogrs3_age_at_first_sanction=ogrs3.age_at_first_sanction, ogrs3_sanctions=ogrs3.sanctions,
        ogrs3_offence_group=ogrs3.offence_group, ogrs3_note=ogrs3.note,
        reassess_by=add_months(day, settings.CASEWORK_REASSESSMENT_MONTHS),
        summary="Needs and risks discussed with the person and the agencies working with them.",
    )  # fmt: skip
    linked = (Pathway.DRUGS_ALCOHOL, Pathway.ACCOMMODATION, Pathway.ATTITUDES, Pathway.ETE)
    needs = [
        AssessedNeed(
            assessment=assessment,
            pathway=pathway,
            level=level,
            linked_to_reoffending=level != "none" and pathway in linked,
            linked_to_harm=level == "severe" and pathway == Pathway.ATTITUDES,
        )
        for pathway, level in levels.items()
    ]
    return assessment, needs


def _status(target: dt.date, as_of: dt.date, rng: random.Random) -> str:
    if target < as_of:
        return ItemStatus.DONE if rng.random() < 0.7 else ItemStatus.IN_PROGRESS
    return ItemStatus.IN_PROGRESS if rng.random() < 0.5 else ItemStatus.NOT_STARTED


def casework_create(org: Organisation, as_of: dt.date, *, seed: int) -> int:
    """Assess about half of the current cohort and give them plans; returns how many."""
    rng = random.Random(f"tandem-demo:{seed}:casework")
    members = list(members_on(as_of).select_related("person", "area").order_by("person_id"))
    ids = [m.person_id for m in members]
    leads = current_leads(ids)
    drug_users = set(
        DrugTest.objects.filter(person_id__in=ids)
        .exclude(opiates=TestResult.NEGATIVE, cocaine=TestResult.NEGATIVE)
        .values_list("person_id", flat=True)
    )
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for episode in StatusEpisode.objects.filter(person_id__in=ids):
        episodes[episode.person_id].append(episode)
    staff = {key: agency.staff.filter(is_active=True).order_by("pk").first()
             for key, agency in org.agencies.items()}  # fmt: skip
    review_gap = dt.timedelta(weeks=settings.CASEWORK_REVIEW_WEEKS)

    assessments: list[tuple[Assessment, list[AssessedNeed]]] = []
    plans: list[tuple[CarePlan, list[tuple[Objective, list[PlanAction]]], list[PlanReview]]] = []
    work: list[PrisonWork] = []
    for membership in members:
        person = membership.person
        lead = leads.get(person.pk)
        assessor = lead.worker if lead else org.team[membership.area.code][0]
        custody = next((e for e in episodes[person.pk]
                        if e.kind in (EpisodeKind.REMAND, EpisodeKind.SENTENCED)
                        and e.is_open_on(as_of)), None)  # fmt: skip
        if custody is not None:
            for kind, title, provider in rng.sample(PRISON_WORK, rng.randint(1, 3)):
                start = min(as_of, custody.start_date + dt.timedelta(days=rng.randint(7, 60)))
                end = start + dt.timedelta(days=rng.randint(30, 120))
                work.append(PrisonWork(
                    person=person, kind=kind, title=title, provider=provider,
                    establishment=custody.establishment or PRISON_NAME, start_date=start,
                    end_date=end if end < as_of else None,
                    outcome="Completed; carry on in the community." if end < as_of else "",
                ))  # fmt: skip
        if rng.random() >= ASSESSED_SHARE:
            continue
        levels = _needs(rng, person.pk in drug_users)
        first_day = min(as_of, membership.start_date + dt.timedelta(days=rng.randint(3, 35)))
        # Reassessed every few months, and reviewed every few weeks: most cases are kept up
        # to date; the rest fell behind at some point and show as due on the caseload.
        kept_up = rng.random() < KEPT_UP_SHARE
        days = [first_day]
        while add_months(days[-1], settings.CASEWORK_REASSESSMENT_MONTHS) <= as_of and (
            kept_up or rng.random() < 0.5
        ):
            days.append(add_months(days[-1], settings.CASEWORK_REASSESSMENT_MONTHS))
        for day in days:
            if day != first_day:  # needs move between assessments, mostly down
                levels = {p: ("standard" if lv == "severe" and rng.random() < 0.5 else lv)
                          for p, lv in levels.items()}  # fmt: skip
            assessments.append(_assessment(person, day, assessor, levels, rng))

        # The plan: objectives on the pathways of greatest need, actions across agencies.
        ranked = sorted(levels, key=lambda p: ({"severe": 0, "standard": 1, "none": 2}[levels[p]],
                                               rng.random()))  # fmt: skip
        chosen = ranked[: rng.randint(3, 6)]
        version = 0
        objectives = []
        for pathway in chosen:
            description, steps = PLANS[pathway]
            version += 1
            objective = Objective(pathway=pathway, description=description, plan_version=version)
            actions = []
            for key, text in steps[: rng.randint(1, len(steps))]:
                agency: Agency = assessor.agency if key == "lead" else org.agencies[key]  # type: ignore[assignment]
                officer = assessor if key == "lead" else staff.get(key)
                target = first_day + dt.timedelta(weeks=rng.randint(2, 16))
                version += 1
                actions.append(PlanAction(
                    description=text, agency=agency, lead_officer=officer, target_date=target,
                    status=_status(target, as_of, rng), plan_version=version,
                ))  # fmt: skip
            statuses = {a.status for a in actions}
            objective.status = (
                ItemStatus.DONE if statuses == {ItemStatus.DONE}
                else ItemStatus.NOT_STARTED if statuses == {ItemStatus.NOT_STARTED}
                else ItemStatus.IN_PROGRESS
            )  # fmt: skip
            objectives.append((objective, actions))
        reviews: list[PlanReview] = []
        next_review = first_day + review_gap
        while next_review <= as_of and (kept_up or rng.random() < 0.5):
            version += 1
            review = PlanReview(
                reviewed_on=next_review, attendees="The person, lead offender manager, partners",
                summary=rng.choice(REVIEW_SUMMARIES),
                next_review_on=next_review + review_gap, recorded_by=assessor,
                plan_version=version,
            )  # fmt: skip
            reviews.append(review)
            next_review = review.next_review_on
        plan = CarePlan(
            person=person, version=version, review_every_weeks=settings.CASEWORK_REVIEW_WEEKS,
            next_review_on=next_review, created_by=assessor,
        )  # fmt: skip
        plans.append((plan, objectives, reviews))

    Assessment.objects.bulk_create([a for a, _ in assessments])
    # The needs were built with their unsaved assessment; saving it gave them its key.
    AssessedNeed.objects.bulk_create([need for _, needs in assessments for need in needs])
    CarePlan.objects.bulk_create([plan for plan, _, _ in plans])
    for plan, objectives, reviews in plans:
        for objective, _ in objectives:
            objective.plan = plan
        for review in reviews:
            review.plan = plan
    Objective.objects.bulk_create([o for _, objectives, _ in plans for o, _ in objectives])
    for _, objectives, _ in plans:
        for objective, actions in objectives:
            for action in actions:
                action.objective = objective
    PlanAction.objects.bulk_create(
        [a for _, objectives, _ in plans for _, actions in objectives for a in actions]
    )
    PlanReview.objects.bulk_create([review for _, _, reviews in plans for review in reviews])
    PrisonWork.objects.bulk_create(work)
    _management_create(org, members, leads, as_of, rng)
    # Their own random stream, so adding them leaves the rest of the city as it was.
    _notes_and_mentoring_create(
        org, [plan for plan, _, _ in plans], as_of, random.Random(f"tandem-demo:{seed}:notes")
    )
    return len(plans)


NOTES = (
    (ContactType.HOME_VISIT, "Home visit. Seen at the address; the tenancy is holding up."),
    (ContactType.OFFICE, "Reported as required. Talked through the plan and the next steps."),
    (ContactType.PHONE, "Phoned to remind them of tomorrow's appointment; they will attend."),
    (ContactType.TEXT, "Texted the appointment time; reply received."),
    (ContactType.OTHER, "Met at the treatment provider after the key-work session."),
)
SENSITIVE_NOTE = "Disclosed a family matter in confidence; see the lead officer before acting."
MENTORED_SHARE = 0.25


def _notes_and_mentoring_create(
    org: Organisation, plans: list[CarePlan], as_of: dt.date, rng: random.Random
) -> None:
    """A few contact notes for each member with a plan; mentors for some, with meetings."""
    notes: list[ContactNote] = []
    pairings: list[MentoringPairing] = []
    mentors = [org.staff[key] for key in ("partner.mentoring1", "partner.mentoring2")
               if key in org.staff]  # fmt: skip
    for plan in plans:
        author = plan.created_by
        assert author is not None and author.agency_id is not None
        agency_id: int = author.agency_id
        for _ in range(rng.randint(2, 4)):
            day = as_of - dt.timedelta(days=rng.randint(0, 120))
            kind, text = rng.choice(NOTES)
            sensitive = rng.random() < 0.08
            notes.append(ContactNote(
                person_id=plan.person_id, contact_type=kind, contact_date=day, author=author,
                author_agency_id=agency_id, text=SENSITIVE_NOTE if sensitive else text,
                sensitive=sensitive,
                recorded_at=dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC),
            ))  # fmt: skip
        if mentors and rng.random() < MENTORED_SHARE:
            mentor = rng.choice(mentors)
            assert mentor.agency is not None
            pairings.append(MentoringPairing(
                person_id=plan.person_id, mentor=mentor, mentor_agency=mentor.agency,
                kind=MentorKind.VOLUNTEER, specialism=mentor.agency.contact or mentor.agency.name,
                start_date=as_of - dt.timedelta(days=rng.randint(20, 150)), started_by=author,
            ))  # fmt: skip
    ContactNote.objects.bulk_create(notes)
    MentoringPairing.objects.bulk_create(pairings)
    engaged = set(
        Engagement.objects.filter(
            person_id__in=[p.person_id for p in pairings], end_date__isnull=True
        ).values_list("person_id", "agency_id")
    )
    Engagement.objects.bulk_create(
        [Engagement(person_id=p.person_id, agency=p.mentor_agency, start_date=p.start_date,
                    purpose="Mentoring")
         for p in pairings if (p.person_id, p.mentor_agency.pk) not in engaged]
    )  # fmt: skip
    MentoringMeeting.objects.bulk_create(
        [MentoringMeeting(pairing=p, date=p.start_date + dt.timedelta(weeks=week),
                          place=rng.choice(("Library", "Cafe", "Project office")),
                          attended=rng.random() < 0.8,
                          summary="Talked about the week and the plan.", recorded_by=p.mentor)
         for p in pairings for week in range(0, (as_of - p.start_date).days // 7, 2)][:2000]
    )  # fmt: skip


# Partner agencies whose staff co-work a case their agency is engaged in.
CO_WORKER_AGENCIES = ("drugs", "housing", "mentoring1", "mentoring2")
CO_WORKER_SHARE = 0.6
TASK_DONE_SHARE = 0.6


def _management_create(org: Organisation, members: list, leads: dict, as_of: dt.date,
                       rng: random.Random) -> None:  # fmt: skip
    """Management models for the cohort, partner co-workers where their agency is engaged,
    and pre-release tasks (from the service, as the daily job makes them), some done."""
    ids = [m.person_id for m in members]
    set_at = timezone.make_aware(dt.datetime.combine(as_of, dt.time(9)))
    by_kind = {"police": ManagementModel.POLICE_LED, "probation": ManagementModel.PROBATION_LED}
    CaseManagement.objects.bulk_create(
        CaseManagement(
            person_id=pk,
            model=ManagementModel.JOINT if rng.random() < 0.3 or pk not in leads
            else by_kind.get(leads[pk].agency.kind, ManagementModel.JOINT),
            set_by=leads[pk].worker if pk in leads else None, set_at=set_at,
        )
        for pk in ids
    )  # fmt: skip
    agency_key = {org.agencies[key].pk: key for key in CO_WORKER_AGENCIES}
    workers = {key: list(org.agencies[key].staff.filter(is_active=True).order_by("pk"))
               for key in CO_WORKER_AGENCIES}  # fmt: skip
    engaged: dict[int, set[str]] = defaultdict(set)
    for person_id, agency_id in Engagement.objects.filter(
        person_id__in=ids, agency_id__in=list(agency_key), end_date__isnull=True
    ).values_list("person_id", "agency_id"):
        engaged[person_id].add(agency_key[agency_id])
    co_workers = []
    for pk in ids:
        for key in sorted(engaged[pk]):
            if workers[key] and rng.random() < CO_WORKER_SHARE:
                start = max(leads[pk].start_date, as_of - dt.timedelta(days=rng.randint(7, 120))) \
                    if pk in leads else as_of  # fmt: skip
                co_workers.append(Allocation(
                    person_id=pk, worker=workers[key][0], agency=org.agencies[key],
                    role=AllocationRole.CO_WORKER, start_date=start,
                    start_trigger=AllocationTrigger.USER,
                ))  # fmt: skip
    Allocation.objects.bulk_create(co_workers)
    pre_release_tasks_run(as_of)
    done = [t for t in Task.objects.filter(due_on__lt=as_of, status=TaskStatus.OPEN)
            if rng.random() < TASK_DONE_SHARE]  # fmt: skip
    for task in done:
        task.status = TaskStatus.DONE
        task.done_at = timezone.make_aware(dt.datetime.combine(task.due_on, dt.time(12)))
        task.closed_by = task.owner
    Task.objects.bulk_update(done, ["status", "done_at", "closed_by"])
