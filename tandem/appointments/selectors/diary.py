"""The one diary across agencies, as each reader may see it, and the person's printable
diary for the next four weeks.

A fixed number of queries however many appointments: the scope check, the protocol and
consent reads behind the grants, the appointments with their joins, and their participants.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from tandem.core.access import PersonGrants, grants_for, people_for, today
from tandem.core.models import User
from tandem.people.models import Person

from ..access import shows_detail
from ..codes import AppointmentStatus
from ..models import Appointment, Participant
from ..rules import LONDON
from ..text import day_label, kind_label, local, masked_title, plain_kind, time_label

# The printable diary covers this many days from today.
PRINTABLE_DAYS = 28


def _with_joins(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related("agency", "worker", "area", "attendance").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("agency", "worker"))
    )


def person_appointments(
    person: Person, start: dt.datetime, end: dt.datetime
) -> QuerySet[Appointment]:
    """The person's appointments touching [start, end), cancelled ones included, with joins."""
    return _with_joins(
        Appointment.objects.filter(person=person, starts_at__lt=end, ends_at__gt=start)
    ).order_by("starts_at", "id")


def _check_scope(user: User, person: Person) -> None:
    if not people_for(user).filter(pk=person.pk).exists():
        raise Http404


@dataclass(frozen=True)
class DiaryRow:
    """One appointment as one reader may see it.

    Without the category the kind reveals, only the time, the holding agency and the area
    show: title "Appointment — <agency>", and everything else None.
    """

    appointment_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    agency_id: int
    agency_name: str
    area_name: str
    cancelled: bool
    detailed: bool
    title: str
    kind: str | None = None
    place: str | None = None
    worker_name: str | None = None
    enforceable: bool | None = None
    details: str | None = None
    participants: tuple[str, ...] = ()
    outcome: str | None = None
    sequence: int = 0

    @property
    def joint(self) -> bool:
        return bool(self.participants)


def _participant_label(participant: Participant) -> str:
    if participant.worker is not None:
        return f"{participant.worker.display_name} ({participant.agency.name})"
    return participant.agency.name


def diary_row(appointment: Appointment, *, reader: User, grants: PersonGrants) -> DiaryRow:
    """The appointment as this reader, with these grants on the person, may see it."""
    masked = DiaryRow(
        appointment_id=appointment.pk,
        starts_at=local(appointment.starts_at),
        ends_at=local(appointment.ends_at),
        agency_id=appointment.agency_id,
        agency_name=appointment.agency.name,
        area_name=appointment.area.name,
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
        sequence=appointment.sequence,
        detailed=False,
        title=masked_title(appointment.agency.name),
    )
    if not shows_detail(appointment, reader=reader, grants=grants):
        return masked
    attendance = getattr(appointment, "attendance", None)
    return replace(
        masked,
        detailed=True,
        title=kind_label(appointment.kind),
        kind=appointment.kind,
        place=appointment.place,
        worker_name=appointment.worker.display_name if appointment.worker else None,
        enforceable=appointment.enforceable,
        details=appointment.details,
        participants=tuple(_participant_label(p) for p in appointment.participants.all()),
        outcome=attendance.get_outcome_display() if attendance is not None else None,
    )


def diary_for(user: User, person: Person, start: dt.datetime, end: dt.datetime) -> list[DiaryRow]:
    """Every agency's appointments with the person in [start, end), as the user may see
    them; Http404 if the user may not open the person.

    The caller (a view) writes the access event for the view of the record.
    """
    _check_scope(user, person)
    grants = grants_for(user, person)
    return [
        diary_row(a, reader=user, grants=grants) for a in person_appointments(person, start, end)
    ]


def appointment_for(user: User, appointment_id: object) -> Appointment:
    """The appointment, with its joins, if the user may open its person; Http404 otherwise."""
    try:
        pk = int(str(appointment_id))
    except (TypeError, ValueError):
        raise Http404 from None
    appointment = (
        _with_joins(Appointment.objects.filter(pk=pk, person__in=people_for(user)))
        .select_related("person")
        .first()
    )
    if appointment is None:
        raise Http404
    return appointment


def appointment_row_for(user: User, appointment_id: object) -> DiaryRow:
    """One appointment as the user may see it (for its page)."""
    appointment = appointment_for(user, appointment_id)
    grants = grants_for(user, appointment.person)
    return diary_row(appointment, reader=user, grants=grants)


def worker_appointments(
    worker: User, start: dt.datetime, end: dt.datetime
) -> QuerySet[Appointment]:
    """The appointments a worker holds or joins in [start, end), cancelled included."""
    return (
        _with_joins(
            Appointment.objects.filter(starts_at__lt=end, ends_at__gt=start).filter(
                Q(worker=worker) | Q(participants__worker=worker)
            )
        )
        .select_related("person")
        .distinct()
        .order_by("starts_at", "id")
    )


# The printable diary -------------------------------------------------------------------


@dataclass(frozen=True)
class PrintableEntry:
    """One appointment in the person's own words."""

    time: str
    what: str
    where: str
    with_whom: str
    call: str
    also_there: tuple[str, ...] = ()
    must_attend: bool = False


@dataclass(frozen=True)
class PrintableDay:
    day: dt.date
    label: str
    entries: list[PrintableEntry]


@dataclass(frozen=True)
class Contact:
    agency: str
    worker: str
    phone: str


@dataclass
class PrintableDiary:
    person_name: str
    first_day: dt.date
    last_day: dt.date
    days: list[PrintableDay] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{day_label(self.first_day)} to {day_label(self.last_day)}"


def _printable_entry(appointment: Appointment, detailed: bool) -> PrintableEntry:
    agency = appointment.agency
    worker = appointment.worker
    time = f"{time_label(appointment.starts_at)} to {time_label(appointment.ends_at)}"
    if not detailed:
        # Printed by someone who may not know what it is: the agency can tell the person.
        return PrintableEntry(
            time=time,
            what=f"Appointment with {agency.name}",
            where=f"{appointment.area.name}: {agency.name} will tell you where",
            with_whom=agency.name,
            call=agency.contact,
        )
    phone = (worker.phone if worker else "") or agency.contact
    return PrintableEntry(
        time=time,
        what=plain_kind(appointment.kind),
        where=appointment.place,
        with_whom=f"{worker.display_name}, {agency.name}" if worker else agency.name,
        call=phone,
        also_there=tuple(_participant_label(p) for p in appointment.participants.all()),
        must_attend=appointment.enforceable,
    )


def printable_diary(user: User, person: Person, on: dt.date | None = None) -> PrintableDiary:
    """The person's next four weeks in plain language, with addresses and who to call.

    Cancelled appointments are left out. An appointment the printing user may not see
    prints as "Appointment with <agency>", with the agency's number to call.
    """
    _check_scope(user, person)
    first = on or today()
    last = first + dt.timedelta(days=PRINTABLE_DAYS - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=LONDON)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    grants = grants_for(user, person)
    by_day: dict[dt.date, list[PrintableEntry]] = defaultdict(list)
    contacts: dict[tuple[str, str], Contact] = {}
    for appointment in person_appointments(person, start, end).filter(
        status=AppointmentStatus.BOOKED
    ):
        detailed = shows_detail(appointment, reader=user, grants=grants)
        entry = _printable_entry(appointment, detailed)
        by_day[local(appointment.starts_at).date()].append(entry)
        worker = appointment.worker.display_name if detailed and appointment.worker else ""
        contacts.setdefault(
            (appointment.agency.name, worker),
            Contact(agency=appointment.agency.name, worker=worker, phone=entry.call),
        )
    return PrintableDiary(
        person_name=person.full_name,
        first_day=first,
        last_day=last,
        days=[PrintableDay(day, day_label(day), by_day[day]) for day in sorted(by_day)],
        contacts=sorted(contacts.values(), key=lambda c: (c.agency, c.worker)),
    )
