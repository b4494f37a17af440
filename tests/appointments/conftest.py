"""Appointments fixtures: a frozen clock (Monday 2 March 2026, 08:00 in London), a booking
helper, the person's lead offender manager, and a housing worker engaged with the person.

The clock is autouse so that it starts before the cast is built: everything happens "now".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tandem.appointments.codes import AppointmentKind
from tandem.appointments.models import Appointment
from tandem.appointments.rules import LONDON
from tandem.appointments.services import appointment_book
from tandem.casework.models import AllocationTrigger
from tandem.casework.services import lead_allocate
from tandem.core.models import Agency, AgencyKind, Area, Role, User
from tandem.people import services as people_services
from tandem.people.models import Person

from ..factories import UserFactory

MONDAY = dt.date(2026, 3, 2)
NOW = dt.datetime.combine(MONDAY, dt.time(8, 0), tzinfo=LONDON)


def at(days: int, hhmm: str, on: dt.date = MONDAY) -> dt.datetime:
    """A London time `days` after Monday 2 March 2026, such as at(1, "10:00")."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(on + dt.timedelta(days=days), dt.time(hours, minutes), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book(
    actor: User,
    person: Person,
    *,
    days: int = 1,
    start: str = "10:00",
    end: str = "11:00",
    area: Area | None = None,
    kind: str = AppointmentKind.SUPERVISION,
    confirm: bool = False,
    **extra: Any,
) -> Appointment:
    """Book through the service, in the person's area unless told otherwise."""
    return appointment_book(
        actor=actor,
        person=person,
        kind=kind,
        starts_at=at(days, start),
        ends_at=at(days, end),
        place=extra.pop("place", "Probation office, 1 High Street, Testtown T1 1AA"),
        area=area or person.residence_area,
        confirm_warnings=confirm,
        **extra,
    )


@pytest.fixture
def lead(cast) -> User:
    """The police offender manager leads the person's case."""
    lead_allocate(
        actor=None,
        person=cast.person,
        worker=cast.om,
        start_date=MONDAY - dt.timedelta(days=30),
        trigger=AllocationTrigger.ADOPTION,
    )
    return cast.om


@pytest.fixture
def housing_worker(cast) -> User:
    """A housing worker whose agency works with the person: no substance-misuse access."""
    housing = Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY)
    people_services.engagement_start(
        actor=None, agency=housing, person=cast.person, start_date=MONDAY - dt.timedelta(days=10)
    )
    worker = UserFactory(username="housing_worker", agency=housing, role=Role.PARTNER_WORKER)
    assert isinstance(worker, User)
    return worker
