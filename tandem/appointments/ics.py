"""iCalendar (.ics, RFC 5545) for the private feeds, built with the icalendar library.

Each appointment is one VEVENT whose UID never changes and whose SEQUENCE is the
appointment's, so a calendar client replaces the entry when it is moved and shows it
cancelled (STATUS:CANCELLED) rather than silently dropping it. Times are in
Europe/London with its VTIMEZONE, so a phone abroad still shows the right local time.

The person's feed speaks to the person in plain language and carries full detail: it is
theirs, issued with their consent. A worker's feed names the person by Tandem number and
initials only, because a phone calendar is outside Tandem's access controls.
"""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from tandem.core.models import User
from tandem.people.models import Person

from .codes import AppointmentStatus
from .models import Appointment
from .rules import LONDON
from .text import kind_label, plain_kind

PRODID = "-//Tandem//Appointments//EN"
UID_DOMAIN = "appointments.tandem"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    # Ask clients to refresh hourly: a moved appointment should reach the phone that day.
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _event(appointment: Appointment, summary: str, description: str) -> Event:
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event = Event()
    event.add("uid", f"{appointment.uid}@{UID_DOMAIN}")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", appointment.updated_at)
    event.add("last-modified", appointment.updated_at)
    event.add("dtstart", appointment.starts_at.astimezone(LONDON))
    event.add("dtend", appointment.ends_at.astimezone(LONDON))
    event.add("summary", f"Cancelled: {summary}" if cancelled else summary)
    event.add("location", appointment.place)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _person_description(appointment: Appointment) -> str:
    agency = appointment.agency
    worker = appointment.worker
    lines = [
        f"With {worker.display_name} from {agency.name}." if worker else f"With {agency.name}."
    ]
    others = [p.agency.name for p in appointment.participants.all()]
    if others:
        lines.append(f"Also there: {', '.join(others)}.")
    if appointment.enforceable:
        lines.append("This appointment is part of your licence or order: you must go.")
    if appointment.details:
        lines.append(appointment.details)
    phone = (worker.phone if worker else "") or agency.contact
    if appointment.status == AppointmentStatus.CANCELLED:
        lines.append("This appointment is cancelled.")
    elif phone:
        lines.append(f"If you cannot go, call {phone} as soon as you can.")
    return "\n".join(lines)


def person_calendar(person: Person, appointments: Iterable[Appointment]) -> bytes:
    """The person's own calendar, in plain language."""
    calendar = _calendar("My appointments")
    for appointment in appointments:
        calendar.add_component(
            _event(
                appointment,
                f"{plain_kind(appointment.kind)} ({appointment.agency.name})",
                _person_description(appointment),
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def initials(person: Person) -> str:
    return "".join(f"{part[0]}." for part in (person.first_name, person.last_name) if part)


def worker_calendar(worker: User, appointments: Iterable[Appointment]) -> bytes:
    """A worker's calendar of the appointments they hold or join."""
    calendar = _calendar(f"Tandem appointments: {worker.display_name}")
    for appointment in appointments:
        person = appointment.person
        who = f"Tandem number {person.pk} ({initials(person)})"
        joint = [p.agency.name for p in appointment.participants.all()]
        description = [f"Person: {who}.", f"Held by {appointment.agency.name}."]
        if joint:
            description.append(f"Joint with: {', '.join(joint)}.")
        if appointment.enforceable:
            description.append("Enforceable: a licence or order requirement.")
        calendar.add_component(
            _event(
                appointment,
                f"{kind_label(appointment.kind)}: {who}",
                "\n".join(description),
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()
