"""The demo's diary history: twelve weeks of appointments with outcomes and four booked ahead.

For cohort members at liberty (on licence, on a community order, or neither) from their
release or adoption: supervision with the lead offender manager (weekly on licence or an
order, where it is a requirement; fortnightly and voluntary otherwise), a drug test before
it for people with a drug need, drug treatment at the drug service in the city centre for
people it works with, and housing and ETE appointments with the agencies engaged. Some
supervisions are joint with the drug service or housing. Past appointments have outcomes:
most attended, some acceptable absences, some missed, from each person's own propensity (a
few people miss often); every miss has the offender manager's re-engagement task; missed
licence or order appointments raise enforcement flags by the National Standards rules, and
those raised more than a few days ago carry the offender manager's decision (warning
letters, discretion to keep the person on the scheme, now and then breach or recall). Good
progress is recorded for some steady attenders, and contact details with consent for some
people. A few appointments were moved or cancelled. Every diary passes the booking rules as
the booking form checks them, with the configured policy (no overlaps, travel time between
areas, the weekly limit): nothing was booked anyway. Written in bulk (no field history:
nobody edited these); calendar UIDs come from the seed, so the same seed gives the same city.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tandem.appointments.codes import (
    ATTENDED_OUTCOMES,
    MISSED_OUTCOMES,
    AbsenceReason,
    AppointmentKind,
    AppointmentStatus,
    EnforcementAction,
    EnforcementLevel,
    FlagStatus,
    Outcome,
)
from tandem.appointments.enforcement import REENGAGEMENT_TASK_KIND, WARNING_ACTIONS, flag_level
from tandem.appointments.models import (
    Appointment,
    Attendance,
    ContactConsent,
    EnforcementDecision,
    EnforcementFlag,
    GoodProgress,
    Participant,
)
from tandem.appointments.rules import (
    LONDON,
    BookingPolicy,
    EnforcementPolicy,
    Slot,
    clashes,
)
from tandem.appointments.text import day_label
from tandem.casework.models import AssessedNeed, Task, TaskStatus
from tandem.casework.selectors import current_leads
from tandem.cohort.selectors import members_on
from tandem.core.models import Agency, Area, Partnership, User
from tandem.offending.models import DrugTest, TestResult
from tandem.people.models import CUSTODY_KINDS, Engagement, EpisodeKind, Person, StatusEpisode
from tandem.referrals.working_days import is_working_day

from .organisation import AGENCIES, EMAIL_DOMAIN, PARTNERSHIP_NAME, STAFF, Organisation

HISTORY_WEEKS = 12
AHEAD_WEEKS = 4
# Flags raised more than this many days before the build day carry a decision already.
DECIDED_AFTER_DAYS = 4
# Past appointments of the last few days whose outcome nobody has recorded yet.
UNRECORDED_DAYS = 3
UNRECORDED_SHARE = 0.12
# The demo offender managers each have a second unacceptable absence to decide on.
DEMO_LEADS = ("om.police", "om.probation")
JOINT_SHARE = 0.12
CONTACT_SHARE = 0.45
GOOD_PROGRESS_SHARE = 0.35
MOVED_SHARE = 0.03
CANCELLED_SHARE = 0.02
# Attendance propensity: most people keep nearly every appointment, some miss now and
# then, a few miss often (each person's chance of missing one).
MISS_PROFILES = ((0.65, 0.02), (0.25, 0.07), (0.1, 0.2))
ACCEPTABLE_ABSENCE = 0.06
ABSENCE_REASONS = (
    (AbsenceReason.MEDICAL, 35), (AbsenceReason.EMPLOYMENT, 15),
    (AbsenceReason.FAMILY_CHILDCARE, 15), (AbsenceReason.COURT_LEGAL, 15),
    (AbsenceReason.PROFESSIONAL_JUDGEMENT, 15), (AbsenceReason.HOLIDAY, 3),
    (AbsenceReason.RELIGIOUS, 2),
)  # fmt: skip
ATTENDED = (
    (Outcome.ATTENDED_COMPLIED, 93), (Outcome.ATTENDED_FAILED_TO_COMPLY, 4),
    (Outcome.SENT_HOME_BEHAVIOUR, 2), (Outcome.SENT_HOME_SERVICE, 1),
)  # fmt: skip
# The agencies' offices: (name, street) with the area's name after; None is the person's
# own area, a code is a fixed one (the drug service and housing options are in the centre).
OFFICES: dict[str, tuple[str, str, str | None]] = {
    "police": ("Police station, offender management unit", "Station Road", None),
    "probation": ("Probation office", "Court Street", None),
    "prison": ("Probation office (prison offender supervisor)", "Court Street", None),
    "drugs": ("Clearwater Drug and Alcohol Service", "12 Market Street", "I"),
    "housing": ("Housing Options, Civic Centre", "1 Civic Square", "I"),
    "landlord": ("Brightdoor Homes tenancy office", "Park Row", None),
    "ete": ("Next Step Skills Centre", "Mill Lane", None),
}
DETAILS: dict[str, str] = {
    AppointmentKind.SUPERVISION: "Bring your licence or order papers if you have them.",
    AppointmentKind.DRUG_TEST: "A saliva test before your supervision; it takes ten minutes.",
    AppointmentKind.DRUG_TREATMENT: "Key-work session. Ask for your key worker at reception.",
    AppointmentKind.HOUSING: "Bring proof of income and any letters about your tenancy.",
    AppointmentKind.ETE: "Bring your CV if you have one.",
}
GOOD_PROGRESS = (
    "Attended every appointment this month and engaged well in supervision.",
    "Negative drug tests for six weeks; kept every treatment session.",
    "Started a construction skills course and is attending.",
    "Kept to the tenancy agreement; rent paid on time for two months.",
    "Came early to appointments and talked openly about the plan.",
)
DECISION_REASONS: dict[str, str] = {
    EnforcementAction.FIRST_WARNING_LETTER: "First missed requirement: warning letter sent, "
    "consequences explained at the next supervision.",
    EnforcementAction.SECOND_WARNING_LETTER: "Second miss: a final warning, as the person has "
    "otherwise engaged with treatment.",
    EnforcementAction.DISCRETION: "Engaging with treatment and housing; the absences followed a "
    "family crisis. Discretion exercised to keep the person on the scheme; reviewed weekly.",
    EnforcementAction.BREACH_REQUESTED: "Repeated unexplained absences and no contact: breach "
    "requested from the court.",
    EnforcementAction.RECALL_REQUESTED: "No contact since the second miss and the address "
    "abandoned: recall requested.",
    EnforcementAction.BREACH_LETTER: "Breach letter sent.",
}


@dataclass
class AppointmentsSummary:
    people: int = 0
    appointments: int = 0
    outcomes: int = 0
    missed: int = 0
    joint: int = 0
    flags: int = 0
    open_flags: int = 0
    decisions: int = 0
    discretion: int = 0
    good_progress: int = 0
    consents: int = 0


@dataclass
class _Person:
    person: Person
    area: Area
    status: str  # "licence", "order" or "liberty"
    since: dt.date
    lead: User
    drug_need: bool
    drug_requirement: bool
    engaged: set[str]
    miss_chance: float


@dataclass
class _Diary:
    """What is already booked, so that new appointments neither clash nor double-book.

    Each person's appointments pass the booking rules as the booking form checks them
    (tandem.appointments.rules, with the configured policy): no overlap, the travel time
    between areas on one day, no more than the weekly limit in an ISO week. Careful workers
    also spread a person's week: one visit a day (a drug test and the supervision after it
    are one visit). Named workers' half-hours are kept too.
    """

    policy: BookingPolicy
    person_days: set[tuple[int, dt.date]] = field(default_factory=set)
    worker_slots: set[tuple[int, dt.date, int]] = field(default_factory=set)
    # The person's appointments by ISO week: all the rules look at, as overlaps and travel
    # are within one day and the limit within one week.
    person_weeks: dict[tuple[int, tuple[int, int]], list[Slot]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def free(self, person: int, worker: User | None, day: dt.date, slots: range) -> bool:
        if (person, day) in self.person_days:
            return False
        return worker is None or self.worker_free(worker, day, slots)

    def worker_free(self, worker: User, day: dt.date, slots: range) -> bool:
        return not any((worker.pk, day, s) in self.worker_slots for s in slots)

    def take(self, person: int, worker: User | None, day: dt.date, slots: range) -> None:
        self.person_days.add((person, day))
        if worker is not None:
            self.worker_take(worker, day, slots)

    def worker_take(self, worker: User, day: dt.date, slots: range) -> None:
        self.worker_slots.update((worker.pk, day, s) for s in slots)

    def allowed(self, person: int, planned: Sequence[Slot]) -> bool:
        """Whether booking `planned` one after another (all on one day) raises no warning."""
        booked = list(self.person_weeks.get((person, planned[0].iso_week(self.policy.tz)), ()))
        for slot in planned:
            if clashes(slot, booked, self.policy):
                return False
            booked.append(slot)
        return True

    def book(self, person: int, slot: Slot) -> None:
        self.person_weeks[(person, slot.iso_week(self.policy.tz))].append(slot)


def demo_organisation() -> Organisation:
    """The saved demo partnership, for running a step on a city already built."""
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    areas = {a.code: a for a in Area.objects.filter(partnership=partnership)}
    by_name = {a.name: a for a in Agency.objects.filter(partnership=partnership)}
    staff = {u.username: u for u in User.objects.filter(username__in=[s.username for s in STAFF])}
    team: dict[str, list[User]] = defaultdict(list)
    for user in User.objects.filter(username__startswith="team.").order_by("username"):
        team[user.username.rsplit(".", 1)[1].upper()].append(user)
    return Organisation(
        partnership=partnership,
        areas=areas,
        agencies={spec.key: by_name[spec.name] for spec in AGENCIES},
        staff=staff,
        team=dict(team),
    )


def _at(day: dt.date, slot: int) -> dt.datetime:
    """Half-hour slot `slot` from 09:00 on the day, in London."""
    return dt.datetime.combine(day, dt.time(9), tzinfo=LONDON) + dt.timedelta(minutes=30 * slot)


def _times(day: dt.date, slot: int, after: int, length: int) -> tuple[dt.datetime, dt.datetime]:
    """From `after` quarter-hours into half-hour `slot` on the day, `length` quarter-hours."""
    starts_at = _at(day, slot) + dt.timedelta(minutes=15 * after)
    return starts_at, starts_at + dt.timedelta(minutes=15 * length)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _people(org: Organisation, as_of: dt.date, rng: random.Random) -> list[_Person]:
    """Cohort members at liberty today, with what their diary needs."""
    members = list(members_on(as_of).select_related("person__residence_area", "area"))
    ids = [m.person_id for m in members]
    leads = current_leads(ids)
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for episode in StatusEpisode.objects.filter(person_id__in=ids, start_date__lte=as_of):
        episodes[episode.person_id].append(episode)
    drug_need = set(
        DrugTest.objects.filter(person_id__in=ids)
        .exclude(opiates=TestResult.NEGATIVE, cocaine=TestResult.NEGATIVE)
        .values_list("person_id", flat=True)
    ) | set(
        AssessedNeed.objects.filter(assessment__person_id__in=ids, pathway="drugs_alcohol")
        .exclude(level="none")
        .values_list("assessment__person_id", flat=True)
    )
    key_of = {agency.pk: key for key, agency in org.agencies.items()}
    engaged: dict[int, set[str]] = defaultdict(set)
    for person_id, agency_id in Engagement.objects.filter(
        person_id__in=ids, end_date__isnull=True, start_date__lte=as_of
    ).values_list("person_id", "agency_id"):
        engaged[person_id].add(key_of.get(agency_id, ""))
    found = []
    for m in sorted(members, key=lambda m: m.person_id):
        person = m.person
        area = person.residence_area or m.area
        open_now = [e for e in episodes[person.pk] if e.end_date is None or e.end_date >= as_of]
        if any(e.kind in CUSTODY_KINDS for e in open_now):
            continue
        kinds = {e.kind for e in open_now}
        released = [e.end_date for e in episodes[person.pk]
                    if e.kind in CUSTODY_KINDS and e.end_date is not None]  # fmt: skip
        since = max([as_of - dt.timedelta(weeks=HISTORY_WEEKS), m.start_date, *released])
        lead = leads.get(person.pk)
        team = org.team.get(area.code, [])
        worker = lead.worker if lead else team[0] if team else None
        if worker is None:
            continue
        order = next((e for e in open_now if e.kind == EpisodeKind.COMMUNITY_ORDER), None)
        roll = rng.random()
        profile = 0.0
        for share, chance in MISS_PROFILES:
            profile = chance
            if roll < share:
                break
            roll -= share
        found.append(_Person(
            person=person, area=area,
            status="licence" if EpisodeKind.LICENCE in kinds
            else "order" if order is not None else "liberty",
            since=since, lead=worker, drug_need=person.pk in drug_need,
            drug_requirement=order is not None and "drug_rehabilitation" in order.requirements,
            engaged=engaged[person.pk], miss_chance=profile,
        ))  # fmt: skip
    return found


def _place(org: Organisation, key: str, area: Area) -> tuple[str, Area]:
    name, street, fixed = OFFICES[key]
    where = org.areas.get(fixed, area) if fixed else area
    number = 2 + 7 * (ord(where.code[0]) - ord("A"))
    address = street if street[0].isdigit() else f"{number} {street}"
    return f"{name}, {address}, {where.name}, Synthetic City", where


def appointments_create(org: Organisation, as_of: dt.date, *, seed: int) -> AppointmentsSummary:
    """Write the diary history of the cohort at liberty; returns what was made."""
    rng = random.Random(f"tandem-demo:{seed}:appointments")
    people = _people(org, as_of, rng)
    diary = _Diary(BookingPolicy.from_settings())
    partner_worker = {
        key: org.agencies[key].staff.filter(is_active=True, role="partner_worker")
        .order_by("pk").first()
        for key in ("drugs", "housing", "landlord", "ete")
    }  # fmt: skip
    demo_areas = {"A", "B"}  # the demo partner workers' own people; others are unnamed
    first_monday = as_of - dt.timedelta(days=as_of.weekday(), weeks=HISTORY_WEEKS)
    last_day = as_of + dt.timedelta(weeks=AHEAD_WEEKS)

    appointments: list[Appointment] = []
    participants: list[Participant] = []
    owner: dict[int, _Person] = {}  # id(appointment) -> person

    def add(p: _Person, kind: str, key: str, worker: User | None, day: dt.date, slot: int,
            length: int, enforceable: bool, agency: Agency,
            after: int = 0) -> Appointment | None:  # fmt: skip
        """Book `length` quarter-hours from `after` quarter-hours into half-hour `slot`."""
        if not (p.since <= day <= last_day) or not is_working_day(day):
            return None  # offices are shut at weekends and on bank holidays
        place, where = _place(org, key, p.area)
        starts_at, ends_at = _times(day, slot, after, length)
        appointment = Appointment(
            person=p.person, agency=agency, worker=worker, kind=kind, place=place, area=where,
            starts_at=starts_at, ends_at=ends_at, enforceable=enforceable,
            details=DETAILS.get(kind, ""), created_by=worker or p.lead,
            uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        )  # fmt: skip
        appointments.append(appointment)
        owner[id(appointment)] = p
        diary.book(p.person.pk, Slot(starts_at, ends_at, where.pk))
        return appointment

    def slot_for(
        p: _Person, worker: User | None, week: dt.date, length: int, key: str,
        parts: tuple[int, ...],
    ) -> tuple[dt.date, int] | None:  # fmt: skip
        """A weekday and half-hour in the week free for the person and for `length`
        quarter-hours of the worker, where the person's appointments at the agency `key`,
        back to back and `parts` quarter-hours long, pass the booking rules."""
        where = _place(org, key, p.area)[1]
        days = [d for d in range(5) if is_working_day(week + dt.timedelta(days=d))]
        choices = [(d, s) for d in days for s in range(14)]
        rng.shuffle(choices)
        for d, s in choices:
            day = week + dt.timedelta(days=d)
            span = range(s, s + (length + 1) // 2)
            if not diary.free(p.person.pk, worker, day, span):
                continue
            planned = [
                Slot(*_times(day, s, sum(parts[:n]), part), where.pk)
                for n, part in enumerate(parts)
            ]
            if diary.allowed(p.person.pk, planned):
                diary.take(p.person.pk, worker, day, span)
                return day, s
        return None

    weeks = [first_monday + dt.timedelta(weeks=n) for n in range(HISTORY_WEEKS + AHEAD_WEEKS + 1)]
    for p in people:
        lead_key = next((k for k, a in org.agencies.items() if a.pk == p.lead.agency_id), "police")
        lead_agency = org.agencies[lead_key]
        required = p.status in ("licence", "order")
        for n, week in enumerate(weeks):
            if required or n % 2 == 0:
                # Supervision, with a drug test just before it for people with a drug need.
                length = 4 if rng.random() < 0.7 else 3  # an hour, or 45 minutes
                test = 1 if p.drug_need else 0  # quarter-hours
                found = slot_for(p, p.lead, week, length + 1, lead_key,
                                 (test, length) if test else (length,))  # fmt: skip
                if found is not None:
                    day, slot = found
                    if test:
                        add(p, AppointmentKind.DRUG_TEST, lead_key, p.lead, day, slot, test,
                            required, lead_agency)  # fmt: skip
                    meeting = add(p, AppointmentKind.SUPERVISION, lead_key, p.lead,
                                  day, slot, length, required, lead_agency, after=test)  # fmt: skip
                    partners = sorted(p.engaged & {"drugs", "housing"})
                    if meeting is not None and partners and rng.random() < JOINT_SHARE:
                        key = rng.choice(partners)
                        named = partner_worker[key] if p.area.code in demo_areas else None
                        span = range(slot, slot + 3)
                        if named is not None and not diary.worker_free(named, day, span):
                            named = None  # busy then: the agency comes, not that worker
                        elif named is not None:
                            diary.worker_take(named, day, span)
                        participants.append(Participant(
                            appointment=meeting, agency=org.agencies[key], worker=named,
                            added_by=p.lead,
                        ))  # fmt: skip
            if "drugs" in p.engaged and p.drug_need:
                named = partner_worker["drugs"] if p.area.code in demo_areas else None
                found = slot_for(p, named, week, 4, "drugs", (4,))
                if found is not None:
                    add(p, AppointmentKind.DRUG_TREATMENT, "drugs", named, *found, 4,
                        p.drug_requirement, org.agencies["drugs"])  # fmt: skip
            for key, kind in (("housing", AppointmentKind.HOUSING),
                              ("landlord", AppointmentKind.HOUSING),
                              ("ete", AppointmentKind.ETE)):  # fmt: skip
                if key in p.engaged and n % 2 == (1 if key == "ete" else 0):
                    named = partner_worker[key] if p.area.code in demo_areas else None
                    found = slot_for(p, named, week, 3, key, (3,))
                    if found is not None:
                        add(p, kind, key, named, *found, 3, False, org.agencies[key])

    _moved_and_cancelled(appointments, as_of, rng)
    Appointment.objects.bulk_create(appointments)
    for participant in participants:
        participant.appointment_id = participant.appointment.pk
    Participant.objects.bulk_create(participants)
    summary = AppointmentsSummary(
        people=len(people), appointments=len(appointments), joint=len(participants)
    )
    attendances = _outcomes(appointments, owner, as_of, rng)
    keep_open = _second_absences(org, attendances, owner, as_of, rng)
    _tasks(attendances, owner, as_of, rng)
    Attendance.objects.bulk_create(attendances)
    _enforcement(attendances, owner, as_of, rng, summary, keep_open)
    summary.outcomes, summary.missed = (
        len(attendances),
        sum(1 for a in attendances if a.outcome in MISSED_OUTCOMES),
    )
    summary.good_progress = _good_progress(attendances, owner, as_of, rng)
    summary.consents = _consents(people, as_of, rng)
    return summary


def _moved_and_cancelled(appointments: list[Appointment], as_of: dt.date,
                         rng: random.Random) -> None:  # fmt: skip
    """A few appointments were moved or cancelled. A moved one keeps its time, which is the
    time it was moved to (bulk rows have no history of the old one), so nothing new clashes."""
    for a in appointments:
        roll = rng.random()
        if roll < CANCELLED_SHARE:
            a.status = AppointmentStatus.CANCELLED
            a.cancel_reason = rng.choice((
                "The worker is off sick; rebooked for next week.",
                "The person is in hospital.", "Office closed for training.",
            ))  # fmt: skip
            a.sequence = 1
        elif roll < CANCELLED_SHARE + MOVED_SHARE and a.kind != AppointmentKind.DRUG_TEST:
            a.reschedule_reason = rng.choice((
                "The person has a job interview that morning.",
                "Moved to fit the bus times from the hostel.",
                "The worker is in court that morning.",
            ))  # fmt: skip
            a.sequence = 1


def _outcomes(appointments: list[Appointment], owner: dict[int, _Person], as_of: dt.date,
              rng: random.Random) -> list[Attendance]:  # fmt: skip
    """What happened at each past appointment, recorded by its agency that afternoon (a few
    of the last days' are still to record)."""
    attendances = []
    for a in appointments:
        day = a.starts_at.astimezone(LONDON).date()
        if a.status == AppointmentStatus.CANCELLED or day >= as_of:
            continue
        if (as_of - day).days <= UNRECORDED_DAYS and rng.random() < UNRECORDED_SHARE:
            continue
        p = owner[id(a)]
        roll = rng.random()
        reason = ""
        outcome: str
        if roll < p.miss_chance:
            outcome = rng.choice((Outcome.UNACCEPTABLE_ABSENCE, Outcome.FAILED_TO_ATTEND))
        elif roll < p.miss_chance + ACCEPTABLE_ABSENCE:
            outcome, reason = Outcome.ACCEPTABLE_ABSENCE, _weighted(rng, ABSENCE_REASONS)
        else:
            outcome = _weighted(rng, ATTENDED)
        recorder = a.worker or p.lead
        attendances.append(Attendance(
            appointment=a, outcome=outcome, absence_reason=reason,
            note="Phoned beforehand with a sick note to follow." if reason == "medical" else "",
            recorded_by=recorder, recorded_agency=a.agency,
            recorded_at=a.ends_at + dt.timedelta(hours=rng.randint(1, 5)),
        ))  # fmt: skip
    return attendances


def _second_absences(org: Organisation, attendances: list[Attendance],
                     owner: dict[int, _Person], as_of: dt.date,
                     rng: random.Random) -> set[int]:  # fmt: skip
    """For each demo offender manager, one person on licence or an order whose latest
    supervision was a second unacceptable absence within weeks of the first: the warning
    on the first is decided, the breach flag on the second waits for their decision.
    Returns the appointments whose flags stay open."""
    keep_open: set[int] = set()
    for username in DEMO_LEADS:
        lead = org.staff.get(username)
        # People the lead can open: living in their areas (some leads' people have moved).
        areas = set(lead.areas.values_list("pk", flat=True)) if lead is not None else set()
        theirs: dict[int, list[Attendance]] = defaultdict(list)
        for a in attendances:
            p = owner[id(a.appointment)]
            if (lead is not None and p.lead.pk == lead.pk and a.appointment.enforceable
                    and p.person.residence_area_id in areas
                    and a.appointment.kind == AppointmentKind.SUPERVISION):  # fmt: skip
                theirs[p.person.pk].append(a)
        candidates = sorted(pk for pk, rows in theirs.items() if len(rows) >= 4)
        if not candidates:
            continue
        rows = sorted(theirs[rng.choice(candidates)], key=lambda a: a.appointment.starts_at)
        for a, note in ((rows[-4], "No contact on the day; said later he had overslept."),
                        (rows[-1], "Did not attend and did not phone.")):  # fmt: skip
            a.outcome, a.absence_reason, a.note = Outcome.UNACCEPTABLE_ABSENCE, "", note
        keep_open.add(id(rows[-1].appointment))
    return keep_open


def _tasks(attendances: list[Attendance], owner: dict[int, _Person], as_of: dt.date,
           rng: random.Random) -> None:  # fmt: skip
    """The re-engagement task each miss gave the offender manager; older ones are done."""
    tasks = []
    missed = [a for a in attendances if a.outcome in MISSED_OUTCOMES]
    for a in missed:
        p = owner[id(a.appointment)]
        day = a.appointment.starts_at.astimezone(LONDON).date()
        due = day + dt.timedelta(days=2)
        done = due < as_of - dt.timedelta(days=2) or (due < as_of and rng.random() < 0.5)
        tasks.append(Task(
            person=p.person, kind=REENGAGEMENT_TASK_KIND,
            title=f"Re-engage after the missed appointment on {day_label(day)}", due_on=due,
            owner=p.lead, owner_agency_id=p.lead.agency_id,
            status=TaskStatus.DONE if done else TaskStatus.OPEN,
            done_at=dt.datetime.combine(due, dt.time(15), tzinfo=LONDON) if done else None,
            closed_by=p.lead if done else None,
        ))  # fmt: skip
    Task.objects.bulk_create(tasks)
    for attendance, task in zip(missed, tasks, strict=True):
        attendance.reengagement_task = task


def _decision(level: str, status: str, rng: random.Random) -> str:
    if level == EnforcementLevel.WARNING:
        return _weighted(rng, ((EnforcementAction.FIRST_WARNING_LETTER, 7),
                               (EnforcementAction.DISCRETION, 3)))  # fmt: skip
    return _weighted(rng, (
        (EnforcementAction.DISCRETION, 55), (EnforcementAction.SECOND_WARNING_LETTER, 25),
        (EnforcementAction.RECALL_REQUESTED if status == "licence"
         else EnforcementAction.BREACH_REQUESTED, 20),
    ))  # fmt: skip


def _enforcement(attendances: list[Attendance], owner: dict[int, _Person], as_of: dt.date,
                 rng: random.Random, summary: AppointmentsSummary,
                 keep_open: set[int]) -> None:  # fmt: skip
    """Flags as the services raise them (tandem.appointments.enforcement, decision record
    10), miss by miss: a miss while the person's flag is still undecided joins it; breach
    is called for only after a formal warning within the window. Flags raised more than a
    few days ago carry the offender manager's decision; the one on each demo lead's chosen
    second absence stays open, after a warning letter on the first."""
    policy = EnforcementPolicy.from_settings()
    by_person: dict[int, list[Attendance]] = defaultdict(list)
    for a in attendances:
        if a.appointment.enforceable and a.outcome in MISSED_OUTCOMES:
            by_person[a.appointment.person_id].append(a)
    flags: list[EnforcementFlag] = []
    covers: list[tuple[EnforcementFlag, Appointment]] = []
    decisions: list[EnforcementDecision] = []
    for misses in by_person.values():
        misses.sort(key=lambda a: a.appointment.starts_at)
        # The person's chosen second absence waits for a decision, after a warning letter.
        warn_first = any(id(m.appointment) in keep_open for m in misses)
        warned_at: list[dt.datetime] = []  # when each formal warning was decided
        flag: EnforcementFlag | None = None
        decide_at: dt.datetime | None = None  # when the open flag gets its decision
        for n, a in enumerate(misses):
            appointment, p = a.appointment, owner[id(a.appointment)]
            earlier = [m.appointment.starts_at for m in misses[:n]]
            known = [w for w in warned_at if w < a.recorded_at]
            level, count = flag_level(earlier, appointment.starts_at, known, policy)
            if level is None:
                continue
            if flag is not None and (decide_at is None or a.recorded_at < decide_at):
                # Still undecided when this miss was recorded: it joins the open flag.
                flag.appointment, flag.level, flag.missed_count = appointment, level, count
                covers.append((flag, appointment))
                continue
            flag = EnforcementFlag(
                person=p.person, appointment=appointment, level=level, missed_count=count,
                owner=p.lead, status=FlagStatus.OPEN, raised_at=a.recorded_at,
            )  # fmt: skip
            flags.append(flag)
            covers.append((flag, appointment))
            decide_at = a.recorded_at + dt.timedelta(days=rng.randint(1, DECIDED_AFTER_DAYS))
            if id(appointment) in keep_open or decide_at.astimezone(LONDON).date() >= as_of:
                decide_at = None  # not decided yet: later misses join it
                continue
            action = (
                EnforcementAction.FIRST_WARNING_LETTER
                if warn_first and level == EnforcementLevel.WARNING
                else _decision(level, p.status, rng)
            )
            flag.status = FlagStatus.DECIDED
            decisions.append(EnforcementDecision(
                flag=flag, action=action, reason=DECISION_REASONS[action],
                decided_by=p.lead, decided_agency_id=p.lead.agency_id or 0, decided_at=decide_at,
            ))  # fmt: skip
            if action in WARNING_ACTIONS:
                warned_at.append(decide_at)
    EnforcementFlag.objects.bulk_create(flags)
    EnforcementFlag.covers.through.objects.bulk_create(
        EnforcementFlag.covers.through(enforcementflag_id=f.pk, appointment_id=a.pk)
        for f, a in covers
    )
    for decision in decisions:
        decision.flag_id = decision.flag.pk
    EnforcementDecision.objects.bulk_create(decisions)
    summary.flags, summary.decisions = len(flags), len(decisions)
    summary.open_flags = len(flags) - len(decisions)
    summary.discretion = sum(1 for d in decisions if d.action == EnforcementAction.DISCRETION)


def _good_progress(attendances: list[Attendance], owner: dict[int, _Person], as_of: dt.date,
                   rng: random.Random) -> int:  # fmt: skip
    """A commendation for some people who kept every appointment (six or more)."""
    kept: dict[int, int] = defaultdict(int)
    missed: set[int] = set()
    for a in attendances:
        if a.outcome in ATTENDED_OUTCOMES:
            kept[a.appointment.person_id] += 1
        elif a.outcome in MISSED_OUTCOMES:
            missed.add(a.appointment.person_id)
    people = {p.person.pk: p for p in owner.values()}
    notes = []
    for person_id in sorted(kept):
        if kept[person_id] >= 6 and person_id not in missed and rng.random() < GOOD_PROGRESS_SHARE:
            p = people[person_id]
            when = as_of - dt.timedelta(days=rng.randint(3, 40))
            notes.append(GoodProgress(
                person=p.person, note=rng.choice(GOOD_PROGRESS), recorded_by=p.lead,
                recorded_agency_id=p.lead.agency_id or 0,
                recorded_at=dt.datetime.combine(when, dt.time(16), tzinfo=LONDON),
            ))  # fmt: skip
    GoodProgress.objects.bulk_create(notes)
    return len(notes)


def _consents(people: list[_Person], as_of: dt.date, rng: random.Random) -> int:
    """Phone and email for some people, with what they agreed to and since when."""
    rows = []
    for p in people:
        if rng.random() >= CONTACT_SHARE:
            continue
        since = max(p.since, as_of - dt.timedelta(days=rng.randint(5, 80)))
        # Ofcom keeps 07700 900000-900999 for drama: numbers that can never ring anyone.
        phone = f"07700 900{rng.randint(0, 999):03d}"
        email = (
            f"{p.person.first_name}.{p.person.last_name}".lower().replace(" ", "").replace("'", "")
            + f"@{EMAIL_DOMAIN}"
            if rng.random() < 0.4
            else ""
        )
        rows.append(ContactConsent(
            person=p.person, phone=phone, email=email,
            text_reminders_since=since if rng.random() < 0.8 else None,
            email_reminders_since=since if email and rng.random() < 0.6 else None,
            calendar_feed_since=since if rng.random() < 0.25 else None, updated_by=p.lead,
        ))  # fmt: skip
    ContactConsent.objects.bulk_create(rows)
    return len(rows)
