"""Drug Intervention Programme tests: on arrest for trigger offences, and on licence.

Under the DIP, adults arrested for "trigger" offences (acquisitive crime and class A drug
offences, the crimes most linked to heroin and crack use) are tested for opiates and
cocaine; a positive test requires an assessment by a drug worker. Users test positive most
of the time, non-users rarely; most required assessments are attended. Those on licence who
use drugs are tested as a condition of their licence. The study's month of Birmingham data
(433 tested, 13 of them PPOs, 8 of those positive) is the kind of figure this reproduces.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from tandem.people.models import EpisodeKind

from .careers import DAYS_A_YEAR, People
from .identity import days
from .offencemix import CODE_INDEX, CODES
from .simulate import Careers
from .window import Window

TRIGGER_CODES = (
    "ROBBERY-PERSONAL", "ROBBERY-BUSINESS", "BURGLARY-DWELLING", "BURGLARY-AGG",
    "BURGLARY-OTHER", "THEFT-PERSON", "SHOPLIFTING", "THEFT-CYCLE", "THEFT-OTHER", "HANDLING",
    "THEFT-FROM-VEHICLE", "VEHICLE-INTERFERENCE", "TWOC", "TWOC-AGG", "FRAUD",
    "DRUG-POSS-A", "DRUG-SUPPLY-A",
)  # fmt: skip
TRIGGER = np.isin(np.arange(len(CODES)), [CODE_INDEX[c] for c in TRIGGER_CODES])
TESTED_TRIGGER = 0.6  # share of trigger-offence arrests tested
TESTED_OTHER = 0.05  # tested at an inspector's discretion
# Chance of a positive result for opiates and for cocaine, by drug use at the time.
POSITIVE = {True: (0.7, 0.75), False: (0.01, 0.08)}
ASSESSMENT_FOLLOWED = 0.8
OTHER_SUBSTANCE = "Benzodiazepines"


def _results(rng: np.random.Generator, user: np.ndarray) -> dict[str, np.ndarray]:
    size = user.size
    opiates = rng.random(size) < np.where(user, POSITIVE[True][0], POSITIVE[False][0])
    cocaine = rng.random(size) < np.where(user, POSITIVE[True][1], POSITIVE[False][1])
    other_tested = rng.random(size) < 0.03
    other = other_tested & (rng.random(size) < 0.3)
    positive = opiates | cocaine | other
    followed = rng.random(size) < ASSESSMENT_FOLLOWED
    return {
        "opiates": np.where(opiates, "positive", "negative"),
        "cocaine": np.where(cocaine, "positive", "negative"),
        "other": np.where(other_tested, np.where(other, "positive", "negative"), "not_tested"),
        "other_substance": np.where(other_tested, OTHER_SUBSTANCE, ""),
        "assessment_required": positive,
        "assessment_followed": np.where(positive, followed, False),
        "_followed_known": positive,
    }


def drug_tests_frame(
    rng: np.random.Generator,
    people: People,
    careers: Careers,
    episodes: pl.DataFrame,
    window: Window,
) -> pl.DataFrame:
    """Every drug test, sorted by person and date (`episodes` as custody.episodes_frame)."""
    c = careers
    age = (c.arrest - people.birth[c.person]) / DAYS_A_YEAR
    chance = np.where(TRIGGER[c.type], TESTED_TRIGGER, TESTED_OTHER)
    on_arrest = c.recorded & (age >= 18) & (rng.random(c.person.size) < chance)
    arrest = pl.DataFrame(
        {"person": c.person[on_arrest], "day": c.arrest[on_arrest], "user": c.drugs[on_arrest]}
    ).unique(["person", "day"], keep="first", maintain_order=True)
    licence = _on_licence(rng, people, episodes, window)
    frames = []
    for setting, tests in (("arrest", arrest), ("licence", licence)):
        results = _results(rng, tests["user"].to_numpy())
        known = results.pop("_followed_known")
        frame = tests.with_columns(setting=pl.lit(setting), **results).with_columns(
            assessment_followed=pl.when(pl.Series(known))
            .then(pl.col("assessment_followed"))
            .otherwise(None)
        )
        frames.append(frame)
    found = pl.concat(frames).sort("person", "day", "setting")
    return found.with_columns(test_date=days(found["day"])).drop("user")


def _on_licence(
    rng: np.random.Generator, people: People, episodes: pl.DataFrame, window: Window
) -> pl.DataFrame:
    """A test soon after release for drug users released on licence."""
    licences = episodes.filter(pl.col("kind") == EpisodeKind.LICENCE)
    person = licences["person"].to_numpy()
    start = licences["start"].to_numpy()
    last = licences["end_date"].fill_null(window.end).cast(pl.Int64).to_numpy()
    day = start + rng.integers(7, 61, person.size)
    due = (people.drug_onset[person] <= start) & (day <= last)
    return pl.DataFrame({"person": person[due], "day": day[due], "user": np.ones(due.sum(), bool)})
