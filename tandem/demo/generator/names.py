"""Synthetic names: British names from Faker, plus the variants real records are full of
(nicknames, misspellings, hyphens and apostrophes) so that forgiving search has work to do."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
from faker import Faker

from tandem.people.models import Ethnicity

# Faker's en_GB names are almost all of English origin; a city's records are not.
SOUTH_ASIAN_MALE = (
    "Mohammed", "Imran", "Adil", "Zain", "Amir", "Bilal", "Hamza", "Usman",
    "Kamran", "Rizwan", "Sunil", "Ravinder", "Jaspal", "Arjun", "Faisal", "Tariq",
)  # fmt: skip
SOUTH_ASIAN_FEMALE = ("Aisha", "Samina", "Nadia", "Shazia", "Priya", "Harpreet")
SOUTH_ASIAN_SURNAMES = (
    "Khan", "Hussain", "Ahmed", "Ali", "Iqbal", "Akhtar", "Mahmood", "Rashid",
    "Patel", "Singh", "Sandhu", "Chaudhry",
)  # fmt: skip
WEST_AFRICAN_MALE = ("Kwame", "Tunde", "Emeka", "Kofi", "Chidi", "Femi", "Kwabena", "Segun")
WEST_AFRICAN_SURNAMES = ("Okafor", "Mensah", "Adeyemi", "Boateng", "Osei", "Owusu", "Okoro")
APOSTROPHE_SURNAMES = (
    "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "O'Reilly", "O'Donnell", "O'Hara", "D'Arcy",
)  # fmt: skip
# Short forms people give in custody, and spellings that differ between systems.
FIRST_NAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "Anthony": ("Tony", "Ant"),
    "Andrew": ("Andy",),
    "Benjamin": ("Ben",),
    "Christopher": ("Chris",),
    "Daniel": ("Danny", "Dan"),
    "James": ("Jim", "Jimmy"),
    "Jonathan": ("Jon", "Johnny"),
    "Joseph": ("Joe",),
    "Matthew": ("Matt",),
    "Michael": ("Mick", "Mikey"),
    "Mohammed": ("Muhammad", "Mohammad", "Mohamed", "Mo"),
    "Nicholas": ("Nick",),
    "Richard": ("Rick", "Richie"),
    "Robert": ("Rob", "Bobby"),
    "Samuel": ("Sam",),
    "Stephen": ("Steven", "Steve"),
    "Steven": ("Stephen", "Steve"),
    "Thomas": ("Tom", "Tommy"),
    "William": ("Billy", "Will"),
}

Name = tuple[str, str]  # (first name, last name)


class NameSource(Protocol):
    """Where made-up names come from: Faker, or the faster pools below."""

    def first_name_male(self) -> str: ...
    def first_name_female(self) -> str: ...
    def last_name(self) -> str: ...


class NamePools:
    """Faker's en_GB name lists, drawn from directly: one Faker call costs tens of
    microseconds, far too slow for a hundred thousand people."""

    def __init__(self) -> None:
        provider: Any = Faker("en_GB").provider("faker.providers.person")
        self.male: list[str] = list(provider.first_names_male)
        self.female: list[str] = list(provider.first_names_female)
        weighted: dict[str, float] = provider.last_names  # Faker weights its surnames
        self.last: list[str] = list(weighted)
        weights = np.array(list(weighted.values()), dtype=float)
        self.last_p = weights / weights.sum()
        self.last_cumulative = list(itertools.accumulate(self.last_p))


class PoolNames:
    """A NameSource drawing from NamePools with one random.Random: quick and reproducible."""

    def __init__(self, pools: NamePools, rng: random.Random) -> None:
        self.pools = pools
        self.rng = rng

    def first_name_male(self) -> str:
        return self.rng.choice(self.pools.male)

    def first_name_female(self) -> str:
        return self.rng.choice(self.pools.female)

    def last_name(self) -> str:
        return self.rng.choices(self.pools.last, cum_weights=self.pools.last_cumulative)[0]


def _pick(
    rng: np.random.Generator, options: Sequence[str], size: int, p: np.ndarray | None = None
) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=p)]


def _first_names(
    rng: np.random.Generator, pools: NamePools, male: np.ndarray, ethnicity: np.ndarray
) -> np.ndarray:
    n = male.size
    roll = rng.random(n)
    english = np.where(male, _pick(rng, pools.male, n), _pick(rng, pools.female, n))
    asian = np.where(male, _pick(rng, SOUTH_ASIAN_MALE, n), _pick(rng, SOUTH_ASIAN_FEMALE, n))
    west_african = _pick(rng, WEST_AFRICAN_MALE, n)
    return np.where(
        (ethnicity == Ethnicity.ASIAN) & (roll < 0.85),
        asian,
        np.where((ethnicity == Ethnicity.BLACK) & male & (roll < 0.3), west_african, english),
    )


def person_names(
    rng: np.random.Generator, pools: NamePools, male: np.ndarray, ethnicity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First names, middle names (often none) and last names fitting sex and ethnicity.

    `ethnicity` holds Ethnicity values. Arrays of str, one entry a person.
    """
    n = male.size
    first = _first_names(rng, pools, male, ethnicity)
    middle = _first_names(rng, pools, male, ethnicity)
    middle = np.where((rng.random(n) < 0.35) & (middle != first), middle, "")
    roll = rng.random(n)
    english = _pick(rng, pools.last, n, pools.last_p)
    double = _pick(rng, pools.last, n, pools.last_p)
    english = np.where(
        roll < 0.06,
        _pick(rng, APOSTROPHE_SURNAMES, n),
        np.where(roll < 0.11, english + "-" + double, english),
    )
    ethnic_roll = rng.random(n)
    last = np.where(
        (ethnicity == Ethnicity.ASIAN) & (ethnic_roll < 0.85),
        _pick(rng, SOUTH_ASIAN_SURNAMES, n),
        np.where(
            (ethnicity == Ethnicity.BLACK) & (ethnic_roll < 0.3),
            _pick(rng, WEST_AFRICAN_SURNAMES, n),
            english,
        ),
    )
    return first, middle, last


def _nickname(rng: random.Random, fake: NameSource, name: Name) -> Name:
    first, last = name
    variants = FIRST_NAME_VARIANTS.get(first)
    if not variants:
        return _misspelt(rng, fake, name)
    return (rng.choice(variants), last)


def _misspelt(rng: random.Random, fake: NameSource, name: Name) -> Name:
    # A typing slip: two neighbouring letters swapped, as in "Smtih".
    first, last = name
    # Swap letters only (never across a hyphen or apostrophe), leaving the initial alone.
    spots = [
        i
        for i in range(1, len(last) - 1)
        if last[i].isalpha() and last[i + 1].isalpha() and last[i] != last[i + 1]
    ]
    if not spots:
        return (first, last + last[-1])
    i = rng.choice(spots)
    return (first, last[:i] + last[i + 1] + last[i] + last[i + 2 :])


def _hyphen_variant(rng: random.Random, fake: NameSource, name: Name) -> Name:
    first, last = name
    if "-" in last:
        return (first, rng.choice(last.split("-")))
    return (first, f"{last}-{fake.last_name()}")


def _apostrophe_variant(rng: random.Random, fake: NameSource, name: Name) -> Name:
    first, last = name
    if "'" in last:
        return (first, last.replace("'", rng.choice(["", " "])))
    return (first, rng.choice(APOSTROPHE_SURNAMES))


def _other_name(rng: random.Random, fake: NameSource, name: Name) -> Name:
    return (fake.first_name_male(), fake.last_name())


_VARIANTS: list[tuple[Callable[[random.Random, NameSource, Name], Name], float]] = [
    (_nickname, 0.3),
    (_misspelt, 0.2),
    (_hyphen_variant, 0.15),
    (_apostrophe_variant, 0.15),
    (_other_name, 0.2),
]


def aliases(rng: random.Random, fake: NameSource, name: Name, count: int) -> list[Name]:
    """Up to `count` other names, each different from the name and from one another."""
    makers = [maker for maker, _ in _VARIANTS]
    weights = [weight for _, weight in _VARIANTS]
    found: list[Name] = []
    for _ in range(count * 4):
        if len(found) == count:
            break
        (maker,) = rng.choices(makers, weights)
        alias = maker(rng, fake, name)
        if alias != name and alias not in found and alias[1].strip():
            found.append(alias)
    return found
