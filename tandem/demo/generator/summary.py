"""What a build produced, and the figures that show whether it looks like real offending.

The figures are computed from the generated data, never typed in: the share of true
offences committed by the top tenth of offenders (the Home Office's "10% commit half"),
offending by age (the age-crime curve), and, for a cohort-like group (the ~30 people per
area with the most recorded offences in the last year, a stand-in for the PPO cohort until
selection runs), the shares male, aged 18 to 25 and in custody that the Birmingham study
reported for February 2005 (99%, 56%, 48%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .build import CityData
from .careers import DAYS_A_YEAR
from .detection import IS_SANCTION

COHORT_PER_AREA = 30
RECENT_DAYS = 365


@dataclass(frozen=True)
class CitySummary:
    """Counts and emergent figures of one build, and how long it took."""

    seed: int
    years: int
    as_of: str
    people: int
    areas: int
    agencies: int
    staff: int
    true_offences: int
    recorded_offences: int
    sanctions: int
    top_tenth_share: float  # of true offences, among people with at least one
    male_share: float
    in_custody_share: float
    rate_18_24: float  # true offences a person-year at ages 18 to 24
    rate_40_plus: float  # and at 40 and over
    cohort: int
    cohort_male: float
    cohort_18_25: float
    cohort_in_custody: float
    cohort_drug_users: float
    drug_tests: int
    positive_tests: int
    statuses: dict[str, int]
    aliases: int
    identifiers: int
    addresses: int
    episodes: int
    engagements: int
    open_engagements: int
    consents: int
    seconds: float
    # The PPO cohort played forward a year (demo/generator/cohort.py).
    ppo_members: int = 0
    ppo_left: int = 0
    nominations: int = 0
    scoring_runs: int = 0
    forum_meetings: int = 0

    @property
    def positive_rate(self) -> float:
        return self.positive_tests / self.drug_tests if self.drug_tests else 0.0

    @property
    def offences_per_second(self) -> float:
        return self.recorded_offences / self.seconds if self.seconds else 0.0


def top_tenth_share(counts: np.ndarray) -> float:
    """Share of all offences committed by the tenth of offenders who committed most."""
    offenders = np.sort(counts[counts > 0])[::-1]
    if offenders.size == 0:
        return 0.0
    top = max(1, round(offenders.size / 10))
    return float(offenders[:top].sum() / offenders.sum())


def rate_at_ages(city: CityData, low: float, high: float) -> float:
    """True offences per person-year of age between low and high (exclusive), in the window."""
    w, p, c = city.window, city.population, city.careers
    first = np.clip((w.start - p.birth) / DAYS_A_YEAR, low, high)
    last = np.clip((w.end + 1 - p.birth) / DAYS_A_YEAR, low, high)
    exposure = float((last - first).sum())
    age = (c.day - p.birth[c.person]) / DAYS_A_YEAR
    offences = int(((age >= low) & (age < high)).sum())
    return offences / exposure if exposure else 0.0


def cohort_like(city: CityData, per_area: int = COHORT_PER_AREA) -> np.ndarray:
    """Person numbers of the `per_area` people in each area with most recent recorded offences.

    Ranked by recorded offences in the last year, then by all recorded offences.
    """
    recorded = city.offences
    recent = (
        recorded.filter(pl.col("offence_date").cast(pl.Int64) > city.window.end - RECENT_DAYS)
        .group_by("person")
        .len(name="recent")
    )
    everything = recorded.group_by("person").len(name="all")
    ranked = (
        city.people.select("person", "area")
        .join(recent, on="person", how="left")
        .join(everything, on="person", how="left")
        .fill_null(0)
        .filter(pl.col("area").is_not_null())
        .sort(["area", "recent", "all", "person"], descending=[False, True, True, False])
        .group_by("area", maintain_order=True)
        .head(per_area)
    )
    return ranked["person"].to_numpy()


def _age_on(city: CityData, people: np.ndarray) -> np.ndarray:
    born = city.people["date_of_birth"].to_numpy()[people].astype("datetime64[D]")
    day = np.datetime64(city.window.as_of)
    years = day.astype("datetime64[Y]").astype(int) - born.astype("datetime64[Y]").astype(int)
    birthday_to_come = (day - day.astype("datetime64[Y]")) < (born - born.astype("datetime64[Y]"))
    return years - birthday_to_come


def summarise(
    city: CityData, *, areas: int, agencies: int, staff: int, seconds: float
) -> CitySummary:
    """The summary of a build: counts, concentration, age curve, cohort-like figures."""
    c, p = city.careers, city.population
    true_counts = np.bincount(c.person, minlength=p.count)
    recorded = c.recorded
    cohort = cohort_like(city)
    ages = _age_on(city, cohort)
    tests = city.drug_tests
    positive = (
        (pl.col("opiates") == "positive")
        | (pl.col("cocaine") == "positive")
        | (pl.col("other") == "positive")
    )
    open_episodes = city.episodes.filter(pl.col("end_date").is_null())
    statuses = dict(open_episodes.group_by("kind").len().iter_rows())
    return CitySummary(
        seed=city.seed,
        years=city.window.years,
        as_of=city.window.as_of.isoformat(),
        people=p.count,
        areas=areas,
        agencies=agencies,
        staff=staff,
        true_offences=int(c.person.size),
        recorded_offences=int(recorded.sum()),
        sanctions=int((recorded & IS_SANCTION[np.maximum(c.outcome, 0)]).sum()),
        top_tenth_share=top_tenth_share(true_counts),
        male_share=float(p.male.mean()) if p.count else 0.0,
        in_custody_share=float(city.in_custody.mean()) if p.count else 0.0,
        rate_18_24=rate_at_ages(city, 18, 25),
        rate_40_plus=rate_at_ages(city, 40, 100),
        cohort=int(cohort.size),
        cohort_male=float(p.male[cohort].mean()) if cohort.size else 0.0,
        cohort_18_25=float(((ages >= 18) & (ages <= 25)).mean()) if cohort.size else 0.0,
        cohort_in_custody=float(city.in_custody[cohort].mean()) if cohort.size else 0.0,
        cohort_drug_users=float(p.drug_user[cohort].mean()) if cohort.size else 0.0,
        drug_tests=tests.height,
        positive_tests=int(tests.select(positive.sum()).item()) if tests.height else 0,
        statuses={str(k): int(v) for k, v in statuses.items()},
        aliases=city.aliases.height,
        identifiers=city.identifiers.height,
        addresses=city.addresses.height,
        episodes=city.episodes.height,
        engagements=city.engagements.height,
        open_engagements=city.engagements.filter(pl.col("end_date").is_null()).height,
        consents=city.consents.height,
        seconds=seconds,
    )
