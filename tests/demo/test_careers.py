"""The synthetic city's criminal careers, checked on the frames alone (no database).

The city is a pure function of seed, size, years and as-of day, so these tests build it in
memory: determinism, concentration, the age-crime curve, custody, detection and the rest.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tandem.demo.generator import CityData, build_city
from tandem.demo.generator.careers import AREA_CODES
from tandem.demo.generator.custody import in_custody_on
from tandem.demo.generator.detection import IS_SANCTION
from tandem.demo.generator.identifiers import NOMIS_PATTERN, pnc_format, pnc_is_valid
from tandem.demo.generator.offencemix import CODES
from tandem.demo.generator.summary import cohort_like, rate_at_ages, summarise, top_tenth_share
from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES
from tandem.offending.models import Outcome
from tandem.people.models import EpisodeKind, IdentifierKind

DAY = dt.date(2026, 3, 1)
FRAMES = (
    "people", "aliases", "identifiers", "addresses", "episodes", "engagements", "consents",
    "offences", "truth", "drug_tests",
)  # fmt: skip


@pytest.fixture(scope="module")
def city() -> CityData:
    # A few thousand people: a second to build, enough for stable proportions.
    return build_city(seed=11, people=4000, years=10, as_of=DAY)


def _mean(series: pl.Series) -> float:
    return float(series.cast(pl.Float64).mean())


def _small(seed: int) -> CityData:
    return build_city(seed=seed, people=200, years=5, as_of=DAY)


def test_same_seed_gives_the_same_city() -> None:
    first, again = _small(3), _small(3)
    for name in FRAMES:
        assert_frame_equal(getattr(first, name), getattr(again, name))


def test_another_seed_or_day_gives_another_city() -> None:
    first = _small(3)
    other_seed = _small(4)
    other_day = build_city(seed=3, people=200, years=5, as_of=DAY + dt.timedelta(days=1))
    for other in (other_seed, other_day):
        assert not first.people.equals(other.people) or not first.truth.equals(other.truth)
    assert first.people["last_name"].to_list() != other_seed.people["last_name"].to_list()


def test_a_tenth_of_offenders_commit_about_half_of_true_offences(city: CityData) -> None:
    counts = np.bincount(city.careers.person, minlength=city.population.count)
    share = top_tenth_share(counts)
    assert 0.4 <= share <= 0.6
    assert top_tenth_share(np.array([9, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1])) == pytest.approx(0.5)


def test_offending_peaks_young_and_falls_with_age(city: CityData) -> None:
    assert rate_at_ages(city, 18, 25) > 1.3 * rate_at_ages(city, 40, 100)
    assert rate_at_ages(city, 0, 10) == 0


def test_nobody_offends_in_the_community_while_in_custody(city: CityData) -> None:
    s = city.careers.spells
    spells = pl.DataFrame({"person": s.person, "start": s.start, "release": s.release}).sort(
        "start"
    )
    offences = pl.DataFrame({"person": city.careers.person, "day": city.careers.day}).sort("day")
    latest_spell = offences.join_asof(
        spells, left_on="day", right_on="start", by="person", check_sortedness=False
    )
    # Custody starts on the day of arrest, which also holds the offence(s) that led to it.
    inside = latest_spell.filter(
        (pl.col("day") > pl.col("start")) & (pl.col("day") < pl.col("release"))
    )
    assert inside.height == 0
    assert s.person.size > 100  # custody is common enough for the check to mean something


def test_spells_do_not_overlap(city: CityData) -> None:
    s = city.careers.spells
    order = np.lexsort((s.start, s.person))
    person, start, release = s.person[order], s.start[order], s.release[order]
    same = person[1:] == person[:-1]
    assert (start[1:][same] >= release[:-1][same]).all()


def test_police_see_only_what_was_detected(city: CityData) -> None:
    truth, offences = city.truth, city.offences
    assert offences.height == truth["detected"].sum() < truth.height
    assert truth.filter(pl.col("detected"))["offence"].to_list() == list(range(offences.height))
    assert (
        truth.filter(~pl.col("detected"))["offence"].null_count() == truth.height - offences.height
    )
    linked = truth.filter("detected").select("person", "offence_date", "type", "area")
    assert_frame_equal(linked, offences.select("person", "offence_date", "type", "area"))
    assert offences["offence_ref"].n_unique() == offences.height


def test_outcomes_are_realistic(city: CityData) -> None:
    o = city.offences
    outcomes = dict(o.group_by("outcome").len().iter_rows())
    assert set(outcomes) <= set(Outcome.values)
    sanctions = o.filter(pl.col("outcome").is_in(["convicted", "cautioned", "reprimand",
                                                  "final_warning"]))  # fmt: skip
    assert 0 < sanctions.height < o.height
    assert outcomes["nfa"] > 0.15 * o.height
    # Sanctions have dates, on or after the offence; nothing else does.
    assert sanctions["sanction_date"].null_count() == 0
    assert (sanctions["sanction_date"] >= sanctions["offence_date"]).all()
    assert (sanctions["sanction_date"] <= DAY).all()
    others = o.filter(~pl.col("outcome").is_in(sanctions["outcome"].unique().to_list()))
    assert others["sanction_date"].null_count() == others.height
    # Disposals only where the outcome has one.
    assert set(o.filter(pl.col("outcome") == "cautioned")["disposal"]) == {"caution"}
    assert "custody" in set(o.filter(pl.col("outcome") == "convicted")["disposal"])
    assert IS_SANCTION.sum() == 4


def test_every_offence_code_is_in_the_catalogue(city: CityData) -> None:
    catalogue = {row[0] for row in DEFAULT_OFFENCE_TYPES}
    assert set(CODES) == catalogue
    used = {CODES[i] for i in city.truth["type"].unique().to_list()}
    assert used <= catalogue
    assert len(used) > 25


def test_offence_mix_shifts_with_age_and_drug_use(city: CityData) -> None:
    c, p = city.careers, city.population
    age = (c.day - p.birth[c.person]) / 365.25
    codes = np.asarray(CODES)[c.type]

    def share(mask: np.ndarray, wanted: set[str]) -> float:
        return float(np.isin(codes[mask], list(wanted)).mean())

    vehicle = {"TWOC", "TWOC-AGG", "VEHICLE-INTERFERENCE"}
    assert share(age < 21, vehicle) > 2 * share(age >= 36, vehicle)
    assert share(age >= 36, {"FRAUD", "DRINK-DRIVING"}) > 2 * share(
        age < 21, {"FRAUD", "DRINK-DRIVING"}
    )
    assert share(c.drugs, {"SHOPLIFTING"}) > 1.5 * share(~c.drugs, {"SHOPLIFTING"})


def test_offences_are_mostly_in_the_home_area(city: CityData) -> None:
    truth = city.truth
    assert set(truth["area"].unique().to_list()) == set(range(len(AREA_CODES)))
    first_homes = city.addresses.group_by("person", maintain_order=True).agg(pl.col("area"))
    movers = first_homes.filter(pl.col("area").list.n_unique() > 1).height
    assert movers > 0.1 * city.population.count  # some people move between areas
    home = city.people.select("person", "area").with_columns(
        home=pl.col("area").replace_strict({c: i for i, c in enumerate(AREA_CODES)})
    )
    recent = truth.filter(pl.col("offence_date") > DAY - dt.timedelta(days=365)).join(
        home.select("person", "home"), on="person"
    )
    assert 0.55 < _mean(recent["area"] == recent["home"]) < 0.95


def test_people_look_like_known_offenders(city: CityData) -> None:
    p = city.people
    ages = (DAY - p["date_of_birth"]).dt.total_days() / 365.25
    assert float(ages.min()) >= 14.9 and float(ages.max()) < 61
    assert 0.84 <= _mean(p["sex"] == "male") <= 0.93
    assert p["ethnicity"].n_unique() >= 5
    recorded = city.offences.group_by("person").len()
    assert recorded.height == p.height  # everyone has a police record


def test_the_cohort_like_group_resembles_the_study(city: CityData) -> None:
    summary = summarise(city, areas=9, agencies=11, staff=17, seconds=1.0)
    assert summary.cohort == 270
    assert summary.cohort_male >= 0.9
    assert 0.35 <= summary.cohort_18_25 <= 0.75
    assert 0.3 <= summary.cohort_in_custody <= 0.7
    # Heroin and crack use goes with high-rate offending.
    assert summary.cohort_drug_users > 1.5 * city.population.drug_user.mean()
    cohort = cohort_like(city)
    recorded = city.offences.group_by("person").len()
    typical = recorded.filter(pl.col("person").is_in(cohort.tolist()))["len"].median()
    assert float(typical) >= 20  # tens of offences on their pages


def test_custody_today_matches_the_open_episodes(city: CityData) -> None:
    open_now = city.episodes.filter(pl.col("end_date").is_null())
    custody = open_now.filter(pl.col("kind").is_in([EpisodeKind.REMAND, EpisodeKind.SENTENCED]))
    assert custody["person"].n_unique() == custody.height  # one custody episode at a time
    assert set(custody["person"].to_list()) == set(np.flatnonzero(city.in_custody).tolist())
    inside = in_custody_on(city.careers.spells, city.population.count, city.window.end)
    assert (inside == city.in_custody).all()
    assert open_now["expected_end_date"].null_count() == 0
    closed = city.episodes.filter(pl.col("end_date").is_not_null())
    assert (closed["end_date"] >= closed["start_date"]).all()
    assert (city.episodes["start_date"] <= DAY).all()


def test_drug_tests_are_mostly_on_arrest_and_positive_for_users(city: CityData) -> None:
    tests = city.drug_tests
    assert _mean(tests["setting"] == "arrest") > 0.8
    positive = (tests["opiates"] == "positive") | (tests["cocaine"] == "positive")
    users = city.population.drug_user[tests["person"].to_numpy()]
    assert positive.to_numpy()[users].mean() > 0.8
    assert positive.to_numpy()[~users].mean() < 0.2
    required = tests.filter(pl.col("assessment_required"))
    assert 0.7 < _mean(required["assessment_followed"]) < 0.9
    assert tests.filter(~pl.col("assessment_required"))["assessment_followed"].null_count() > 0
    assert tests["test_ref"].n_unique() == tests.height


def test_identifiers_are_unique_and_well_formed(city: CityData) -> None:
    ids = city.identifiers
    pncs = ids.filter(pl.col("kind") == IdentifierKind.PNC)
    assert pncs["person"].to_list() == list(range(city.population.count))  # exactly one each
    assert pncs["value"].n_unique() == pncs.height
    assert all(pnc_is_valid(value) for value in pncs["value"])
    assert ids.select("kind", "value_key").n_unique() == ids.height
    nomis = ids.filter(pl.col("kind") == IdentifierKind.NOMIS)
    assert nomis["value"].str.contains(NOMIS_PATTERN.pattern).all()
    assert set(nomis["person"].to_list()) == set(np.unique(city.careers.spells.person).tolist())


def test_pnc_check_letter_catches_a_wrong_letter() -> None:
    value = pnc_format(2004, 123456)
    assert pnc_is_valid(value)
    wrong = value[:-1] + ("A" if value[-1] != "A" else "B")
    assert not pnc_is_valid(wrong)
    assert not pnc_is_valid("04/123456A")  # short form is not what the generator writes


def test_names_have_the_variants_search_must_handle(city: CityData) -> None:
    people, aliases = city.people, city.aliases
    assert 0.2 <= aliases["person"].n_unique() / people.height <= 0.4
    assert aliases["last_name"].str.contains("-").any()
    assert aliases["last_name"].str.contains("'").any()
    assert people["last_name"].str.contains("'").any()
    assert (people["last_name_key"] == people["last_name"].str.to_lowercase()
            .str.replace_all(r"[^a-z0-9]", "")).all()  # fmt: skip


def test_every_person_has_one_current_address_in_their_area(city: CityData) -> None:
    current = city.addresses.filter(pl.col("end_date").is_null())
    assert current["person"].to_list() == list(range(city.population.count))
    assert city.people["area"].null_count() == 0
    joined = city.people.join(current, on="person")
    assert (joined["area"] == joined["area_right"]).all()
    per_person = city.addresses.group_by("person").len()["len"]
    assert int(per_person.max()) <= 3
    ordered = city.addresses.with_columns(
        next_start=pl.col("start_date").shift(-1).over("person")
    ).filter(pl.col("next_start").is_not_null())
    assert (ordered["end_date"] < ordered["next_start"]).all()
