"""Build the whole synthetic city in one transaction and say what was built."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

from django.db import transaction

from tandem.cohort.selectors import members_on
from tandem.core.access import today
from tandem.core.models import Partnership

from .appointments import appointments_create
from .build import build_city
from .casework import casework_create
from .cohort import cohort_create
from .files import files_write
from .forums import forums_create
from .instructions import custody_instructions_create
from .organisation import AGENCIES, AREAS, PARTNERSHIP_NAME, STAFF, organisation_create
from .referrals import referrals_create
from .summary import CitySummary, summarise
from .transfers import transfers_create
from .writer import city_write

DEFAULT_SEED = 2005  # the year of the study's February snapshot
# 10,000 known offenders over ten years: the ~30 per area a cohort holds are then the top
# 2-3% of them, and the cohort-like figures come out near the study's (almost all male,
# half aged 18-25, half in custody); it builds on SQLite in about ten seconds.
DEFAULT_PEOPLE = 10_000
DEFAULT_YEARS = 10


class CityExistsError(Exception):
    """The demo partnership is already in the database."""


def generate_city(
    *,
    seed: int = DEFAULT_SEED,
    people: int = DEFAULT_PEOPLE,
    years: int = DEFAULT_YEARS,
    as_of: dt.date | None = None,
    write_files: Path | None = None,
) -> CitySummary:
    """Save the partnership, areas, agencies, demo staff and `people` synthetic offenders.

    The same seed, size and as-of day (today unless given) always give the same city.
    """
    started = time.perf_counter()
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        raise CityExistsError(f"{PARTNERSHIP_NAME} already exists")
    city = build_city(seed=seed, people=people, years=years, as_of=as_of or today())
    with transaction.atomic():
        org = organisation_create(seed=seed)
        city_write(city, org)
        cohort = cohort_create(org, city.window.as_of, seed=seed)
        meetings = forums_create(org, city.window.as_of, seed=seed)
        transfers_create(org, city.window.as_of, seed=seed)
        casework_create(org, city.window.as_of, seed=seed)
        referrals_create(org, city.window.as_of, seed=seed)
        # After referrals: the diary reads the engagements they open.
        appointments_create(org, city.window.as_of, seed=seed)
        custody_instructions_create(org)
    if write_files is not None:
        files_write(city, write_files)
    summary = summarise(
        city,
        areas=len(AREAS),
        agencies=len(AGENCIES),
        staff=len(STAFF),
        seconds=time.perf_counter() - started,
    )
    return dataclasses.replace(
        summary,
        # Counted after the forums, whose decisions move people in and out.
        ppo_members=members_on(city.window.as_of).count(),
        ppo_left=cohort.left,
        nominations=cohort.nominations,
        scoring_runs=cohort.runs,
        forum_meetings=meetings,
    )
