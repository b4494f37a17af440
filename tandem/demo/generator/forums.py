"""The demo forums: two months of fortnightly meetings in every area, and the next six.

Past meetings are run as a coordinator would run them: the agenda is built from the area's
data as it stood on the day, attendance is recorded (statutory partners nearly always
come, others often), the housing and mentoring agencies add views on some items, each
item gets a decision with its rationale, and a few actions are set, some still open.
The next meeting in each area has its agenda built, ready to open.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tandem.cohort.models import EndReason, Strand
from tandem.core.access import today
from tandem.core.models import Agency, User
from tandem.forums import services
from tandem.forums.models import AgendaItem, ItemKind, Meeting, MeetingStatus, Outcome
from tandem.referrals.working_days import add_working_days, is_bank_holiday

from .organisation import Organisation

PAST_MEETINGS = 4
FUTURE_MEETINGS = 6

RATIONALES: dict[str, str] = {
    Outcome.ADOPT: "Offending frequent and rising; agencies agree intensive joint work is needed.",
    Outcome.NOT_ADOPT: "Offending is already falling with current support; keep under review.",
    Outcome.DEFER: "Police to bring fuller intelligence to the next forum.",
    Outcome.CONTINUE: "Still offending or at high risk of it; the plan continues.",
    Outcome.EXIT: "No offending for a year and stable housing and work; exit agreed.",
    Outcome.NOTED: "Noted; the lead offender manager will plan for it.",
    Outcome.TRANSFER: "Now settled in another area; that area's forum takes over.",
}
VIEWS = {
    "housing": "Housing options can offer a hostel place now and priority banding on release.",
    "mentoring1": "A mentor has met them twice; they are keen to keep going.",
    "mentoring2": "Family support worker involved; engagement is patchy but improving.",
    "drugs": "In treatment; attending most appointments; tests mostly negative.",
}
# Most exits agree light-touch contact for a while (issue 6's post-exit contact plan).
POST_EXIT_SHARE = 0.7
POST_EXIT_CONTACTS = (
    "A monthly phone call from the offender manager",
    "A check-in with the mentor every fortnight",
    "Contact through the drug service's aftercare group",
)


def _outcome(item: AgendaItem, rng: random.Random) -> str:
    allowed = services.OUTCOMES_FOR[item.kind]
    if item.kind == ItemKind.NOMINATION:
        return rng.choices(allowed, weights=[6, 2, 1])[0]
    if item.kind == ItemKind.EXIT_CANDIDATE:
        return Outcome.EXIT if rng.random() < 0.15 else Outcome.CONTINUE
    if item.kind == ItemKind.TRANSFER_OUT:
        return Outcome.TRANSFER if rng.random() < 0.5 else Outcome.CONTINUE
    return allowed[0]


def _run_meeting(meeting: Meeting, coordinator: User, agencies: dict[str, Agency],
                 leads: list[User], rng: random.Random,
                 exit_rng: random.Random) -> None:  # fmt: skip
    services.agenda_build(actor=coordinator, meeting=meeting)
    rows = {}
    for attendance in meeting.attendance.select_related("agency"):
        came = rng.random() < (0.95 if attendance.agency.statutory else 0.7)
        who = attendance.agency.name.split(" (")[0] + " representative" if came else ""
        rows[attendance.agency_id] = (came, who)
    services.attendance_record(actor=coordinator, meeting=meeting, rows=rows)
    for item in meeting.items.select_related("person", "meeting__area").order_by("position"):
        for key, text in VIEWS.items():
            agency = agencies[key]
            if rows.get(agency.pk, (False, ""))[0] and rng.random() < 0.25:
                author = agency.staff.first()
                if author is not None:
                    services.view_save(actor=author, item=item, text=text)
        outcome = _outcome(item, rng)
        contact, until = "", None
        if outcome == Outcome.EXIT and exit_rng.random() < POST_EXIT_SHARE:
            contact = exit_rng.choice(POST_EXIT_CONTACTS)
            until = meeting.day + dt.timedelta(days=exit_rng.choice((90, 120, 180)))
        services.decision_record(
            actor=coordinator, item=item, outcome=outcome, rationale=RATIONALES[outcome],
            strand=Strand.REHABILITATE_RESETTLE if outcome == Outcome.ADOPT else "",
            end_reason=EndReason.EXIT_CRITERIA_MET if outcome == Outcome.EXIT else "",
            lead=rng.choice(leads) if outcome == Outcome.ADOPT and leads else None,
            post_exit_contact=contact, post_exit_until=until,
        )  # fmt: skip
        if item.kind == ItemKind.RELEASE and agencies["housing"].pk in rows:
            services.action_add(
                actor=coordinator, meeting=meeting, item=item, owner_agency=agencies["housing"],
                description="Housing referral before release",
                due_on=meeting.day + dt.timedelta(days=14),
            )  # fmt: skip


def forums_create(org: Organisation, as_of: dt.date, *, seed: int) -> int:
    """Past and future forums in every area; returns how many meetings there are."""
    rng = random.Random(f"tandem-demo:{seed}:forums")
    # Its own stream, so the contact plans leave the rest of the forums as they were.
    exit_rng = random.Random(f"tandem-demo:{seed}:post-exit")
    coordinator = org.staff["coordinator"]
    meetings = 0
    for index, (code, area) in enumerate(sorted(org.areas.items())):
        weekday = index % 5  # spread the areas' forums across the working week
        services.schedule_set(
            actor=coordinator, area=area, weekday=weekday, time=dt.time(10, 0),
            place=f"{area.name} police station, conference room (demo)",
        )  # fmt: skip
        first = as_of - dt.timedelta(days=14 * PAST_MEETINGS)
        first += dt.timedelta(days=(weekday - first.weekday()) % 7)
        leads = org.team[code]
        for n in range(PAST_MEETINGS):
            day = first + dt.timedelta(days=14 * n)
            if is_bank_holiday(day):  # as meetings_generate does: the next working day
                day = add_working_days(day, 1)
            if day >= as_of:
                break
            meeting = Meeting.objects.create(
                area=area, place=f"{area.name} police station, conference room (demo)",
                starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))),
            )  # fmt: skip
            services.invite_agencies(meeting)
            _run_meeting(meeting, coordinator, org.agencies, leads, rng, exit_rng)
            if not meeting.items.exists():  # nothing came up: the forum still met
                Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, held_on=day)
            meetings += 1
        upcoming = services.meetings_generate(
            actor=coordinator, area=area, from_date=max(as_of, today()), count=FUTURE_MEETINGS
        )
        services.agenda_build(actor=coordinator, meeting=upcoming[0])
        meetings += len(upcoming)
    return meetings
