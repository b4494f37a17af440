"""The whole synthetic city as frames, drawn from one seed, with no database access.

Building apart from writing lets tests check determinism and proportions without a
database, and lets the same frames go to the database or to import files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from .careers import People
from .custody import episodes_frame, in_custody_on
from .detection import DISPOSALS, OUTCOMES
from .drugtests import drug_tests_frame
from .identity import (
    addresses_frame,
    aliases_frame,
    days,
    identifiers_frame,
    people_frame,
    with_name_keys,
)
from .names import NamePools
from .organisation import COURT_NAME, PRISON_NAME
from .partners import consents_frame, engagements_frame
from .population import draw_population
from .simulate import Careers
from .window import NEVER, Window

_STREAMS = ("careers", "names", "aliases", "identifiers", "addresses", "partners", "tests")


@dataclass
class CityData:
    """Everything generated, as frames keyed by person number (0 to people - 1).

    Offence types are indexes into offencemix.CODES and areas indexes into
    careers.AREA_CODES in `offences` and `truth`; elsewhere areas are codes.
    """

    seed: int
    window: Window
    population: People
    careers: Careers
    people: pl.DataFrame
    aliases: pl.DataFrame
    identifiers: pl.DataFrame
    addresses: pl.DataFrame
    episodes: pl.DataFrame
    engagements: pl.DataFrame
    consents: pl.DataFrame
    offences: pl.DataFrame  # recorded offences (police data)
    truth: pl.DataFrame  # every true offence; `offence` is its row number in `offences`
    drug_tests: pl.DataFrame
    in_custody: np.ndarray  # whether each person is in custody on the as-of day


def _named(column: str, names: list[str]) -> pl.Expr:
    """An integer code column as the names it indexes."""
    return pl.col(column).replace_strict(dict(enumerate(names)), return_dtype=pl.String)


def _offence_frames(careers: Careers) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Recorded offences (sorted by person and date, numbered) and the truth table."""
    c = careers
    truth = (
        pl.DataFrame(
            {
                "person": c.person,
                "day": c.day,
                "type": c.type,
                "area": c.area,
                "outcome": c.outcome,
                "sanction": c.sanction,
                "disposal": c.disposal,
            },
            schema_overrides={
                "type": pl.Int16,
                "area": pl.Int16,
                "outcome": pl.Int8,
                "disposal": pl.Int8,
            },
        )
        .sort("person", "day", "type", maintain_order=True)
        .with_columns(detected=pl.col("outcome") >= 0)
    )
    number = truth["detected"].cast(pl.Int64).cum_sum() - 1
    truth = truth.with_columns(offence=pl.when("detected").then(number).otherwise(None))
    recorded = truth.filter("detected")
    sequence = (pl.col("offence") + 1).cast(pl.String).str.zfill(7)
    offences = recorded.select(
        "offence",
        "person",
        "type",
        "area",
        offence_date=pl.col("day").cast(pl.Int32).cast(pl.Date),
        outcome=_named("outcome", OUTCOMES),
        sanction_date=pl.when(pl.col("sanction") < NEVER)
        .then(pl.col("sanction").cast(pl.Int32).cast(pl.Date))
        .otherwise(None),
        disposal=_named("disposal", DISPOSALS),
        offence_ref=pl.format("SC/{}/{}", pl.col("day").cast(pl.Int32).cast(pl.Date).dt.year(),
                              sequence),
    )  # fmt: skip
    truth = truth.select(
        "person", "type", "area", "detected", "offence",
        offence_date=pl.col("day").cast(pl.Int32).cast(pl.Date),
    )  # fmt: skip
    return offences, truth


def build_city(*, seed: int, people: int, years: int, as_of: dt.date) -> CityData:
    """The synthetic city's people and their careers: the same for the same arguments."""
    window = Window(as_of=as_of, years=years)
    streams = dict(
        zip(_STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)),
            strict=True)
    )  # fmt: skip
    population, careers = draw_population(streams["careers"], people, window)
    pools = NamePools()
    person_frame = people_frame(streams["names"], population, pools)
    episodes = episodes_frame(careers.spells, careers.orders, window, PRISON_NAME, COURT_NAME)
    on_licence = np.zeros(population.count, dtype=bool)
    open_licence = episodes.filter((pl.col("kind") == "licence") & pl.col("end_date").is_null())
    on_licence[open_licence["person"].to_numpy()] = True
    addresses = addresses_frame(streams["addresses"], population, pools, window, on_licence)
    current = addresses.filter(pl.col("end_date").is_null()).select("person", area="area")
    person_frame = with_name_keys(person_frame.join(current, on="person", how="left"))
    offences, truth = _offence_frames(careers)
    recorded = np.bincount(careers.person[careers.recorded], minlength=population.count)
    engagements = engagements_frame(streams["partners"], population, recorded, window)
    tests = drug_tests_frame(streams["tests"], population, careers, episodes, window)
    tests = tests.with_columns(
        test_ref=pl.format(
            "T-{}-{}", pl.col("test_date").dt.year(),
            (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(7),
        )
    )  # fmt: skip
    return CityData(
        seed=seed,
        window=window,
        population=population,
        careers=careers,
        people=person_frame,
        aliases=with_name_keys(aliases_frame(streams["aliases"], person_frame, pools)),
        identifiers=identifiers_frame(streams["identifiers"], population, careers, window),
        addresses=addresses,
        episodes=episodes.with_columns(
            start_date=days(episodes["start"]),
            end_date=pl.col("end_date").cast(pl.Int32).cast(pl.Date),
            expected_end_date=pl.col("expected_end_date").cast(pl.Int32).cast(pl.Date),
        ).drop("start"),
        engagements=engagements.drop("open"),
        consents=consents_frame(streams["partners"], engagements, window),
        offences=offences,
        truth=truth,
        drug_tests=tests,
        in_custody=in_custody_on(careers.spells, population.count, window.end),
    )
