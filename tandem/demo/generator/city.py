"""Build the whole synthetic city in one transaction and say what was built."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.test.utils import override_settings

from tandem.core.access import today
from tandem.core.models import Partnership

from .organisation import (
    AGENCIES,
    AREAS,
    PARTNERSHIP_NAME,
    STAFF,
    Organisation,
    organisation_create,
)
from .population import PersonPlan, plan_population
from .writer import person_save

DEFAULT_SEED = 2005  # the year of the study's February snapshot
DEFAULT_PEOPLE = 300
HISTORY_REASON = "Synthetic demo data"


class CityExistsError(Exception):
    """The demo partnership is already in the database."""


@dataclass(frozen=True)
class CitySummary:
    """Counts of what one run generated, and how long it took."""

    seed: int
    people: int
    areas: int
    agencies: int
    staff: int
    statuses: dict[str, int]
    aliases: int
    identifiers: int
    addresses: int
    episodes: int
    engagements: int
    open_engagements: int
    consents: int
    seconds: float

    @property
    def people_per_second(self) -> float:
        return self.people / self.seconds if self.seconds else 0.0


def _people_save(plans: list[PersonPlan], org: Organisation) -> None:
    """Save every planned person through the services, then their creation history in bulk."""
    created: dict[type[Model], list[Model]] = defaultdict(list)
    # simple_history writes a history row after every save, which doubles the time the
    # people take to build; their creation history is written in bulk afterwards instead.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        for plan in plans:
            for obj in person_save(plan, org):
                created[type(obj)].append(obj)
    for model, objects in created.items():
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            objects, batch_size=500, default_change_reason=HISTORY_REASON
        )


def generate_city(*, seed: int = DEFAULT_SEED, people: int = DEFAULT_PEOPLE) -> CitySummary:
    """Save the partnership, areas, agencies, demo staff and `people` synthetic people."""
    started = time.perf_counter()
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        raise CityExistsError(f"{PARTNERSHIP_NAME} already exists")
    plans = plan_population(seed=seed, count=people, on=today())
    with transaction.atomic():
        org = organisation_create(seed=seed)
        _people_save(plans, org)
    engagements = [e for plan in plans for e in plan.engagements]
    return CitySummary(
        seed=seed,
        people=len(plans),
        areas=len(AREAS),
        agencies=len(AGENCIES),
        staff=len(STAFF),
        statuses=dict(Counter(str(plan.status) for plan in plans)),
        aliases=sum(len(plan.aliases) for plan in plans),
        identifiers=sum(len(plan.identifiers) for plan in plans),
        addresses=sum(len(plan.addresses) for plan in plans),
        episodes=sum(len(plan.episodes) for plan in plans),
        engagements=len(engagements),
        open_engagements=sum(1 for e in engagements if e.end_date is None),
        consents=sum(len(plan.consents) for plan in plans),
        seconds=time.perf_counter() - started,
    )
