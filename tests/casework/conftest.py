"""Casework fixtures: a care plan with objectives on two pathways, and a housing worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast as as_user_cast

import pytest

from tandem.casework import services
from tandem.casework.models import Objective
from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import Agency, AgencyKind, Role, User
from tandem.people import services as people_services

from ..factories import UserFactory


@dataclass
class Plan:
    housing: Objective
    drugs: Objective


@pytest.fixture
def plan(cast) -> Plan:
    """The person's plan at version 2: an accommodation and a drugs objective."""
    housing = services.objective_add(
        actor=cast.om, person=cast.person, seen_version=0,
        pathway=Pathway.ACCOMMODATION, description="A settled tenancy",
    )  # fmt: skip
    drugs = services.objective_add(
        actor=cast.om, person=cast.person, seen_version=1,
        pathway=Pathway.DRUGS_ALCOHOL, description="Stable on a script",
    )  # fmt: skip
    return Plan(housing=housing, drugs=drugs)


@pytest.fixture
def housing_worker(cast) -> User:
    """A housing options worker whose agency works with the person (area A)."""
    housing = Agency.objects.get(kind=AgencyKind.HOUSING_AUTHORITY)
    people_services.engagement_start(
        actor=cast.om, agency=housing, person=cast.person,
        start_date=today() - dt.timedelta(days=10),
    )  # fmt: skip
    return as_user_cast(
        User, UserFactory(username="housing_worker", agency=housing, role=Role.PARTNER_WORKER)
    )
