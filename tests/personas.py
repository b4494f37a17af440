"""Persona fixtures: the same cast for every access test.

Two areas (A and B); a person living in A, engaged with the drug treatment provider.
- om: police offender manager in area A (same agency as viewer)
- other_om: probation offender manager in area B (other agency, other area)
- viewer: police read-only viewer in area A
- coordinator: partnership coordinator for both areas
- partner: drug treatment worker (their agency is engaged with the person)
- other_partner: housing worker (their agency is not engaged)
- custody, analyst, auditor, admin
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import AgencyKind, Area, Role, User
from tandem.core.reference_data import reference_data_install
from tandem.people import services
from tandem.people.models import Person

from .factories import AgencyFactory, AreaFactory, UserFactory, make_person


@dataclass
class Cast:
    area_a: Area
    area_b: Area
    person: Person  # lives in A; drug treatment provider engaged
    person_b: Person  # lives in B; nobody engaged
    om: User
    other_om: User
    viewer: User
    coordinator: User
    partner: User
    other_partner: User
    custody: User
    analyst: User
    auditor: User
    admin: User

    def personas(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "om",
                "other_om",
                "viewer",
                "coordinator",
                "partner",
                "other_partner",
                "custody",
                "analyst",
                "auditor",
                "admin",
            )
        }


def signed_in_client(user: User) -> Client:
    """A test client signed in with a password and a verified TOTP device."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def cast(db) -> Cast:
    # Transactional tests (the browser ones) truncate tables, the rows data migrations
    # shipped included; put them back so every test starts from the shipped defaults.
    reference_data_install()
    area_a = AreaFactory(code="A", name="Area A")
    area_b = AreaFactory(code="B", name="Area B")
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    probation = AgencyFactory(name="Test Probation", kind=AgencyKind.PROBATION)
    team = AgencyFactory(name="Test Partnership Team", kind=AgencyKind.PARTNERSHIP)
    drugs = AgencyFactory(name="Test Drug Service", kind=AgencyKind.DRUG_TREATMENT, statutory=False)
    housing = AgencyFactory(name="Test Housing", kind=AgencyKind.HOUSING_AUTHORITY)
    person = make_person(area=area_a, first_name="Jordan", last_name="O'Neil-Smith")
    person_b = make_person(area=area_b)
    services.engagement_start(
        actor=None, agency=drugs, person=person, start_date=dt.date(2024, 1, 1)
    )
    return Cast(
        area_a=area_a,
        area_b=area_b,
        person=person,
        person_b=person_b,
        # Names with apostrophes on purpose: every page test that looks for a
        # worker's name must allow for HTML escaping, every run, not by chance.
        om=UserFactory(
            username="om",
            first_name="Sam",
            last_name="O'Connor",
            agency=police,
            role=Role.OFFENDER_MANAGER,
            areas=[area_a],
        ),
        other_om=UserFactory(
            username="other_om",
            first_name="Alex",
            last_name="D'Arcy",
            agency=probation,
            role=Role.OFFENDER_MANAGER,
            areas=[area_b],
        ),
        viewer=UserFactory(username="viewer", agency=police, role=Role.VIEWER, areas=[area_a]),
        coordinator=UserFactory(
            username="coordinator", agency=team, role=Role.COORDINATOR, areas=[area_a, area_b]
        ),
        partner=UserFactory(
            username="partner",
            first_name="Kim",
            last_name="N'Dour",
            agency=drugs,
            role=Role.PARTNER_WORKER,
        ),
        other_partner=UserFactory(
            username="other_partner",
            first_name="Lee",
            last_name="O'Brien",
            agency=housing,
            role=Role.PARTNER_WORKER,
        ),
        custody=UserFactory(username="custody", agency=police, role=Role.CUSTODY_OFFICER),
        analyst=UserFactory(username="analyst", agency=team, role=Role.ANALYST),
        auditor=UserFactory(username="auditor", agency=team, role=Role.AUDITOR),
        admin=UserFactory(
            username="admin",
            agency=team,
            role=Role.ADMINISTRATOR,
            is_staff=True,
            is_superuser=True,
        ),
    )
