"""Who the synthetic people are and how fast each would offend: drawn for everyone at once.

The modelling follows what criminal-career research has found again and again (all the
numbers here are synthetic; only the shapes are borrowed):

- Individual offending rates are heavily skewed: "10% of offenders in England and Wales
  commit half of all serious crime" (Home Office 2001, as the study quotes it; Blumstein,
  Cohen, Roth & Visher 1986). A lognormal rate with a wide spread reproduces that; the
  generator reports the share it actually produced.
- The age-crime curve: offending rises through the early teens, peaks in the late teens and
  falls away after the early twenties (Farrington 1986; Blumstein et al. 1986). Most
  people's offending is confined to youth; a persistent minority, who are also the
  high-rate offenders, carry on into their thirties (Moffitt 1993), so the decline is slower
  the higher a person's rate.
- High-rate offenders are more often male and more often dependent on heroin or crack, and
  that dependency raises acquisitive offending (the premise of the Drug Intervention
  Programme; Bennett & Holloway's NEW-ADAM arrestee surveys).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.people.models import Ethnicity

from .organisation import AREAS
from .window import DAYS_A_YEAR, NEVER, Window

# True offences a year at peak age, at liberty: lognormal. The spread (sigma) sets how
# concentrated offending is. On its own a sigma of 2.2 would give the top tenth about 70% of
# offences; custody takes the most prolific off the streets for much of the time (they are
# caught and sentenced most often), which brings the share the generator reports down to
# about half, as the Home Office figure has it. The median is calibrated so that the people
# the police know average about ten recorded offences over ten years.
RATE_MEDIAN = 1.0
RATE_SIGMA = 2.2
RATE_CAP = 400.0  # a ceiling for the far tail: nobody steals more than most days
PEAK_AGE = 19.0
RISE_WIDTH = 2.5  # years: how steeply offending rises to the peak
ONSET_AGE = 10  # the age of criminal responsibility in England and Wales
DRUG_RATE_FACTOR = 1.6  # heroin or crack dependency raises the rate of offending
AGE_MIN, AGE_SPAN = 15, 45  # ages on the as-of day run from 15 to 60
ETHNICITY_WEIGHTS = {
    Ethnicity.WHITE: 0.70,
    Ethnicity.BLACK: 0.11,
    Ethnicity.ASIAN: 0.10,
    Ethnicity.MIXED: 0.06,
    Ethnicity.OTHER: 0.01,
    Ethnicity.NOT_STATED: 0.02,
}
ETHNICITIES = [str(e) for e in ETHNICITY_WEIGHTS]
AREA_CODES = [a.code for a in AREAS]
AREA_WEIGHTS = np.array([a.weight for a in AREAS]) / sum(a.weight for a in AREAS)
MAX_HOMES = 3  # a current address and up to two moves within the window


@dataclass
class People:
    """Per-person attributes, each an array indexed by person number (0 to count - 1)."""

    count: int
    rate: np.ndarray  # true offences a year at peak age while at liberty
    rank: np.ndarray  # rate percentile, 0 (lowest) to 1 (highest)
    birth: np.ndarray  # day number of birth
    male: np.ndarray
    ethnicity: np.ndarray  # index into ETHNICITIES
    drug_onset: np.ndarray  # day heroin or crack use begins; NEVER for non-users
    decline: np.ndarray  # years for offending to fall by e (about 63%) after the peak age
    catch: np.ndarray  # how easily this person is caught, around 1
    prior_sanctions: np.ndarray  # sanctions before the window opened
    home: np.ndarray  # (count, MAX_HOMES) area index of each address, in order
    moved: np.ndarray  # (count, MAX_HOMES) day each address began; NEVER if unused

    @property
    def drug_user(self) -> np.ndarray:
        return self.drug_onset < NEVER


def age_curve(age: np.ndarray, decline: np.ndarray) -> np.ndarray:
    """Relative offending at an age: a rise to the late-teens peak, then a decay."""
    rise = np.exp(-0.5 * ((age - PEAK_AGE) / RISE_WIDTH) ** 2)
    fall = np.exp(-(age - PEAK_AGE) / decline)
    return np.where(age < ONSET_AGE, 0.0, np.where(age < PEAK_AGE, rise, fall))


def _homes(rng: np.random.Generator, n: int, birth: np.ndarray, window: Window):
    """Up to two moves inside the window; some cross into another area."""
    home = np.empty((n, MAX_HOMES), dtype=np.int64)
    home[:, 0] = rng.choice(len(AREA_CODES), size=n, p=AREA_WEIGHTS)
    moved = np.full((n, MAX_HOMES), NEVER, dtype=np.int64)
    # The first address: taken up some years before the window, never before the age of ten.
    moved[:, 0] = np.maximum(birth + int(10 * DAYS_A_YEAR), window.start - rng.integers(0, 1500, n))
    moves = rng.choice(3, size=n, p=[0.55, 0.30, 0.15])
    adult = np.maximum(birth + int(16 * DAYS_A_YEAR), moved[:, 0] + 30)
    span = np.maximum(window.end - adult, 0)
    days = np.sort(adult[:, None] + (rng.random((n, 2)) * span[:, None]).astype(np.int64), axis=1)
    for k in (1, 2):
        moving = (moves >= k) & (span > 60)
        moved[moving, k] = days[moving, k - 1] + (k - 1)  # two moves never share a day
        # Most moves stay in the same area; some cross into another (the responsibility
        # problem the study describes).
        other = rng.choice(len(AREA_CODES), size=n, p=AREA_WEIGHTS)
        stays = rng.random(n) < 0.55
        home[:, k] = np.where(moving, np.where(stays, home[:, k - 1], other), home[:, k - 1])
    return home, moved


def draw_people(rng: np.random.Generator, count: int, window: Window) -> People:
    """`count` people with offending rates, ages, sex, ethnicity, drug use and homes."""
    n = count
    rate = np.minimum(RATE_MEDIAN * np.exp(RATE_SIGMA * rng.standard_normal(n)), RATE_CAP)
    rank = np.empty(n)
    rank[np.argsort(rate, kind="stable")] = (np.arange(n) + 0.5) / max(n, 1)
    # Ages on the as-of day: 15 to 60, most in their twenties and thirties (a beta shape),
    # so over a ten-year window the population spans ages 5 to 60.
    age_now = AGE_MIN + AGE_SPAN * rng.beta(1.8, 3.6, n)
    birth = window.end - (age_now * DAYS_A_YEAR).astype(np.int64)
    # About 85-90% male overall, nearly all male among the highest-rate offenders.
    male = rng.random(n) < 0.83 + 0.165 * rank**3
    ethnicity = rng.choice(len(ETHNICITIES), size=n, p=list(ETHNICITY_WEIGHTS.values()))
    # Heroin or crack use: rare among occasional offenders, common among the most prolific.
    user = rng.random(n) < 0.04 + 0.60 * rank**3
    onset_age = 16 + rng.gamma(2.0, 2.5, n)
    drug_onset = np.where(user, birth + (onset_age * DAYS_A_YEAR).astype(np.int64), NEVER)
    # Adolescence-limited offenders stop fast; persistent, high-rate and drug-using ones slowly.
    decline = 3.0 + 8.0 * rank**2 + 3.0 * user
    # Practised high-rate offenders are caught for a smaller share of what they do.
    catch = np.exp(0.25 * rng.standard_normal(n)) * (1 - 0.5 * rank**4)
    age_at_start = (window.start - birth) / DAYS_A_YEAR
    prior_sanctions = rng.poisson(0.03 * rate * np.clip(age_at_start - 12, 0, 20))
    home, moved = _homes(rng, n, birth, window)
    return People(
        count=n,
        rate=rate,
        rank=rank,
        birth=birth,
        male=male,
        ethnicity=ethnicity,
        drug_onset=drug_onset,
        decline=decline,
        catch=catch,
        prior_sanctions=prior_sanctions,
        home=home,
        moved=moved,
    )


def home_area(people: People, who: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The area index each person lived in on the day."""
    moved = people.moved[who]
    slot = (day[:, None] >= moved).sum(axis=1) - 1
    return people.home[who, np.maximum(slot, 0)]


def year_edges(window: Window) -> np.ndarray:
    """Day numbers dividing the window into years (the last edge is the day after it)."""
    edges = window.start + np.round(np.arange(window.years + 1) * DAYS_A_YEAR).astype(np.int64)
    edges[-1] = window.end + 1
    return edges


def rate_bounds(people: People, edges: np.ndarray) -> np.ndarray:
    """Each person's highest offending rate a day within each year: (count, years)."""
    first = (edges[:-1][None, :] - people.birth[:, None]) / DAYS_A_YEAR
    last = (edges[1:][None, :] - people.birth[:, None]) / DAYS_A_YEAR
    # The curve rises to the peak and falls after, so its top in a span is at the peak age
    # clipped into the span.
    top = age_curve(np.clip(PEAK_AGE, first, last), people.decline[:, None])
    drugs = np.where(people.drug_onset[:, None] < edges[1:][None, :], DRUG_RATE_FACTOR, 1.0)
    return people.rate[:, None] / DAYS_A_YEAR * top * drugs


def rate_on(people: People, who: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Offending rate a day of these people on these days (while at liberty)."""
    age = (day - people.birth[who]) / DAYS_A_YEAR
    drug = np.where(day >= people.drug_onset[who], DRUG_RATE_FACTOR, 1.0)
    return people.rate[who] / DAYS_A_YEAR * age_curve(age, people.decline[who]) * drug
