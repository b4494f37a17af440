"""Names, aliases, reference numbers and addresses for every synthetic person, as frames.

The formats are the ones real systems use (PNC numbers with their check letter, NOMIS
numbers, postcodes), and names carry the variants real records are full of, so search and
validation get exercised the way live data would exercise them.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl

from tandem.people.models import Address, IdentifierKind
from tandem.people.names import name_key

from .careers import AREA_CODES, ETHNICITIES, People
from .identifiers import PNC_CHECK_LETTERS
from .names import NamePools, PoolNames, aliases, person_names
from .organisation import TOWN
from .simulate import Careers
from .window import DAYS_A_YEAR, NEVER, Window

ALIAS_SHARE = 0.30
LOCAL_ID_SHARE = 0.5
LOCAL_ID_ISSUER = "Synthetic City CSP (demo)"
STREET_KINDS = ("Road", "Street", "Close", "Avenue", "Lane", "Grove", "Drive", "Crescent", "Way")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # postcodes' inward letters never use C, I, K, M, O, V
NOMIS_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def days(values: np.ndarray | pl.Series) -> pl.Series:
    """Day numbers as a polars Date series."""
    return pl.Series(values).cast(pl.Int32).cast(pl.Date)


def with_name_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """first_name_key and last_name_key as people.names.name_key makes them."""
    keys = {}
    for column in ("first_name", "last_name"):
        distinct = frame[column].unique().to_list()
        keys[f"{column}_key"] = frame[column].replace_strict(
            {value: name_key(value) for value in distinct}, return_dtype=pl.String
        )
    return frame.with_columns(**keys)


def people_frame(rng: np.random.Generator, people: People, pools: NamePools) -> pl.DataFrame:
    """One row a person: number, reference, names, date of birth, sex and ethnicity."""
    ethnicity = np.asarray(ETHNICITIES, dtype=object)[people.ethnicity]
    first, middle, last = person_names(rng, pools, people.male, ethnicity)
    number = np.arange(people.count)
    return pl.DataFrame(
        {
            "person": number,
            "person_ref": [f"SC{n + 1:07d}" for n in number],
            "first_name": first.astype(str),
            "middle_names": middle.astype(str),
            "last_name": last.astype(str),
            "date_of_birth": days(people.birth),
            "sex": np.where(people.male, "male", "female"),
            "ethnicity": ethnicity.astype(str),
        },
        schema_overrides={"person": pl.Int64},
    )


def aliases_frame(rng: np.random.Generator, people: pl.DataFrame, pools: NamePools) -> pl.DataFrame:
    """Other names about a third of people are known by (nicknames, slips, hyphens...)."""
    chosen = np.flatnonzero(rng.random(people.height) < ALIAS_SHARE)
    counts = rng.choice([1, 1, 2], size=chosen.size)
    stream = random.Random(int(rng.integers(2**62)))
    source = PoolNames(pools, stream)
    firsts, lasts = people["first_name"].to_numpy(), people["last_name"].to_numpy()
    rows: list[tuple[int, str, str]] = []
    for person, count in zip(chosen.tolist(), counts.tolist(), strict=True):
        for first, last in aliases(stream, source, (firsts[person], lasts[person]), count):
            rows.append((person, first, last))
    return pl.DataFrame(
        rows, schema={"person": pl.Int64, "first_name": pl.String, "last_name": pl.String},
        orient="row",
    )  # fmt: skip


def _pnc_numbers(rng: np.random.Generator, years: np.ndarray) -> list[str]:
    """Unique long-form PNC numbers issued in the given years."""
    serials = rng.choice(999_999, size=years.size, replace=False) + 1
    letters = np.asarray(list(PNC_CHECK_LETTERS))[
        ((years % 100) * 10_000_000 + serials) % len(PNC_CHECK_LETTERS)
    ]
    return [
        f"{year:04d}/{serial:07d}{letter}"
        for year, serial, letter in zip(years.tolist(), serials.tolist(), letters, strict=True)
    ]


def _nomis_numbers(rng: np.random.Generator, size: int) -> list[str]:
    """Unique prison numbers such as A1234BC."""
    space = 2 * 10_000 * len(NOMIS_LETTERS) ** 2
    codes = rng.choice(space, size=size, replace=False)
    first, rest = np.divmod(codes, 10_000 * len(NOMIS_LETTERS) ** 2)
    digits, pair = np.divmod(rest, len(NOMIS_LETTERS) ** 2)
    one, two = np.divmod(pair, len(NOMIS_LETTERS))
    return [
        f"{'AG'[a]}{d:04d}{NOMIS_LETTERS[b]}{NOMIS_LETTERS[c]}"
        for a, d, b, c in zip(first.tolist(), digits.tolist(), one.tolist(), two.tolist(),
                              strict=True)
    ]  # fmt: skip


def _identifiers(person: np.ndarray, kind: str, values: list[str], issuer: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"person": person.astype(np.int64), "value": values},
        schema={"person": pl.Int64, "value": pl.String},
    ).with_columns(kind=pl.lit(str(kind)), issued_by=pl.lit(issuer))


def identifiers_frame(
    rng: np.random.Generator, people: People, careers: Careers, window: Window
) -> pl.DataFrame:
    """A PNC number each; a NOMIS number for anyone who has been in custody; local ids."""
    n = people.count
    # The PNC record starts with the first arrest: in the window, or earlier for people
    # with sanctions before it (usually in their mid teens).
    first_arrest = np.full(n, NEVER, dtype=np.int64)
    recorded = careers.recorded
    np.minimum.at(first_arrest, careers.person[recorded], careers.arrest[recorded])
    first_year = 1970 + (first_arrest / DAYS_A_YEAR).astype(np.int64)
    teen_year = 1970 + ((people.birth / DAYS_A_YEAR) + rng.integers(12, 18, n)).astype(np.int64)
    start_year = 1970 + int(window.start / DAYS_A_YEAR)
    earlier = np.minimum(teen_year, start_year)
    pnc_year = np.where((people.prior_sanctions > 0) | (first_arrest == NEVER), earlier, first_year)
    custody = np.unique(careers.spells.person)
    local = np.flatnonzero(rng.random(n) < LOCAL_ID_SHARE)
    frames = [
        _identifiers(np.arange(n), IdentifierKind.PNC, _pnc_numbers(rng, pnc_year),
                     "Police National Computer"),
        _identifiers(custody, IdentifierKind.NOMIS, _nomis_numbers(rng, custody.size),
                     "Prison service (NOMIS)"),
        _identifiers(local, IdentifierKind.LOCAL,
                     [f"SC-{number + 1:06d}" for number in local.tolist()], LOCAL_ID_ISSUER),
    ]  # fmt: skip
    return pl.concat(frames).with_columns(
        value_key=pl.col("value").str.replace_all(r"[^A-Za-z0-9]", "").str.to_uppercase()
    )


def addresses_frame(
    rng: np.random.Generator,
    people: People,
    pools: NamePools,
    window: Window,
    on_licence: np.ndarray,
) -> pl.DataFrame:
    """Each person's addresses in order; the last is current and sets their residence area."""
    n, slots = people.moved.shape
    person = np.repeat(np.arange(n), slots)
    start = people.moved.ravel()
    area = people.home.ravel()
    used = start <= window.end
    person, start, area = person[used], start[used], area[used]
    size = person.size
    following = np.append(start[1:], NEVER)[:size]
    is_last = np.append(person[1:] != person[:-1], True)[:size]
    end = np.where(is_last, NEVER, following - 1)
    roll = rng.random(size)
    kind = np.where(roll < 0.08, Address.Kind.HOSTEL, Address.Kind.HOME)
    kind = np.where((roll >= 0.08) & (roll < 0.2), Address.Kind.TEMPORARY, kind)
    # Many people released on licence live in approved premises at first.
    hostel = is_last & on_licence[person] & (rng.random(size) < 0.45)
    kind = np.where(hostel, Address.Kind.HOSTEL, kind).astype(str)
    number = rng.integers(1, 241, size).astype(str)
    street = np.asarray(pools.last, dtype=object)[rng.choice(len(pools.last), size=size)]
    street_kind = np.asarray(STREET_KINDS, dtype=object)[rng.integers(0, len(STREET_KINDS), size)]
    road = number.astype(object) + " " + street + " " + street_kind
    house = np.asarray(pools.last, dtype=object)[rng.choice(len(pools.last), size=size)]
    flat = "Flat " + rng.integers(1, 41, size).astype(str).astype(object)
    line1 = np.where(
        kind == Address.Kind.HOSTEL,
        house + " House approved premises",
        np.where(kind == Address.Kind.TEMPORARY, flat, road),
    )
    line2 = np.where(kind == Address.Kind.HOME, "", road)
    # "SC" is no real postcode area; each area owns two districts, SC1-SC2 for A and so on.
    district = area * 2 + rng.integers(1, 3, size)
    inward = np.asarray(list(INWARD_LETTERS), dtype=object)
    postcode = (
        "SC" + district.astype(str).astype(object) + " "
        + rng.integers(1, 10, size).astype(str).astype(object)
        + inward[rng.integers(0, len(INWARD_LETTERS), size)]
        + inward[rng.integers(0, len(INWARD_LETTERS), size)]
    )  # fmt: skip
    return pl.DataFrame(
        {
            "person": person.astype(np.int64),
            "kind": kind,
            "line1": line1.astype(str),
            "line2": line2.astype(str),
            "postcode": postcode.astype(str),
            "area": np.asarray(AREA_CODES)[area],
            "start_date": days(start),
            "end_date": days(np.where(end == NEVER, 0, end)),
        }
    ).with_columns(
        town=pl.lit(TOWN),
        end_date=pl.when(pl.Series(end == NEVER)).then(None).otherwise("end_date"),
    )
