"""Synthetic names: British names from Faker, plus the variants real records are full of
(nicknames, misspellings, hyphens and apostrophes) so that forgiving search has work to do."""

from __future__ import annotations

import random
from collections.abc import Callable

from faker import Faker

from tandem.people.models import Ethnicity, Sex

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


def _first_name(rng: random.Random, fake: Faker, *, male: bool, ethnicity: str) -> str:
    if ethnicity == Ethnicity.ASIAN and rng.random() < 0.85:
        return rng.choice(SOUTH_ASIAN_MALE if male else SOUTH_ASIAN_FEMALE)
    if ethnicity == Ethnicity.BLACK and male and rng.random() < 0.3:
        return rng.choice(WEST_AFRICAN_MALE)
    return fake.first_name_male() if male else fake.first_name_female()


def _last_name(rng: random.Random, fake: Faker, *, ethnicity: str) -> str:
    if ethnicity == Ethnicity.ASIAN and rng.random() < 0.85:
        return rng.choice(SOUTH_ASIAN_SURNAMES)
    if ethnicity == Ethnicity.BLACK and rng.random() < 0.3:
        return rng.choice(WEST_AFRICAN_SURNAMES)
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(APOSTROPHE_SURNAMES)
    if roll < 0.11:
        return f"{fake.last_name()}-{fake.last_name()}"
    return fake.last_name()


def person_name(
    rng: random.Random, fake: Faker, *, sex: str, ethnicity: str
) -> tuple[str, str, str]:
    """A first name, middle names (often none) and last name fitting sex and ethnicity."""
    male = sex == Sex.MALE
    first = _first_name(rng, fake, male=male, ethnicity=ethnicity)
    middle = _first_name(rng, fake, male=male, ethnicity=ethnicity) if rng.random() < 0.35 else ""
    if middle == first:
        middle = ""
    return first, middle, _last_name(rng, fake, ethnicity=ethnicity)


def _nickname(rng: random.Random, fake: Faker, name: Name) -> Name:
    first, last = name
    variants = FIRST_NAME_VARIANTS.get(first)
    if not variants:
        return _misspelt(rng, fake, name)
    return (rng.choice(variants), last)


def _misspelt(rng: random.Random, fake: Faker, name: Name) -> Name:
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


def _hyphen_variant(rng: random.Random, fake: Faker, name: Name) -> Name:
    first, last = name
    if "-" in last:
        return (first, rng.choice(last.split("-")))
    return (first, f"{last}-{fake.last_name()}")


def _apostrophe_variant(rng: random.Random, fake: Faker, name: Name) -> Name:
    first, last = name
    if "'" in last:
        return (first, last.replace("'", rng.choice(["", " "])))
    return (first, rng.choice(APOSTROPHE_SURNAMES))


def _other_name(rng: random.Random, fake: Faker, name: Name) -> Name:
    return (fake.first_name_male(), fake.last_name())


_VARIANTS: list[tuple[Callable[[random.Random, Faker, Name], Name], float]] = [
    (_nickname, 0.3),
    (_misspelt, 0.2),
    (_hyphen_variant, 0.15),
    (_apostrophe_variant, 0.15),
    (_other_name, 0.2),
]


def aliases(rng: random.Random, fake: Faker, name: Name, count: int) -> list[Name]:
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
