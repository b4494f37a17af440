"""Plans for the synthetic population: pure data, drawn from one seed, with no database access.

Planning apart from saving lets tests check determinism and proportions without a database,
and keeps the save step a plain loop over the people services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from faker import Faker

from tandem.core.categories import Category
from tandem.people.models import Address, EpisodeKind, Ethnicity, IdentifierKind, Sex

from .identifiers import IdentifierIssuer
from .names import aliases, person_name
from .organisation import AREAS, COURT_NAME, PARTNER_AGENCY_KEYS, PRISON_NAME, TOWN

_K = TypeVar("_K", bound=str)
LIBERTY = "liberty"  # no open episode: at liberty, subject to targeting or basic monitoring
# The study's February 2005 picture: nearly half in custody (on remand or sentenced), the rest
# under supervision in the community or at liberty.
STATUS_WEIGHTS = {
    EpisodeKind.REMAND: 0.09,
    EpisodeKind.SENTENCED: 0.39,
    EpisodeKind.LICENCE: 0.17,
    EpisodeKind.COMMUNITY_ORDER: 0.13,
    LIBERTY: 0.22,
}
CUSTODY = frozenset({EpisodeKind.REMAND, EpisodeKind.SENTENCED})
ETHNICITY_WEIGHTS = {
    Ethnicity.WHITE: 0.70,
    Ethnicity.BLACK: 0.11,
    Ethnicity.ASIAN: 0.10,
    Ethnicity.MIXED: 0.06,
    Ethnicity.OTHER: 0.01,
    Ethnicity.NOT_STATED: 0.02,
}
MALE_SHARE = 0.96
YOUNG_SHARE = 0.58  # aged 18 to 25; the study found 56% in the cohort, 60% among street robbers
ALIAS_SHARE = 0.30
LOCAL_ID_SHARE = 0.5
ENGAGED_SHARE = 0.40
CONSENT_SHARE = 0.5
# Each demo partner worker should open a handful of people, whatever the draw.
MIN_OPEN_ENGAGEMENTS = 6
LOCAL_ID_ISSUER = "Synthetic City CSP (demo)"
PARTNER_WEIGHTS = {
    "dip": 0.2,
    "drugs": 0.2,
    "housing": 0.15,
    "landlord": 0.1,
    "ete": 0.15,
    "mentoring1": 0.1,
    "mentoring2": 0.1,
}
PURPOSES = {
    "dip": "Drug testing on arrest, assessment and onward referral",
    "drugs": "Structured drug treatment",
    "housing": "Housing options and homelessness prevention",
    "landlord": "Tenancy and tenancy support",
    "ete": "Employment, training and education support",
    "mentoring1": "Mentoring",
    "mentoring2": "Mentoring and family support",
}
STREET_KINDS = ("Road", "Street", "Close", "Avenue", "Lane", "Grove", "Drive", "Crescent", "Way")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # postcodes' inward letters never use C, I, K, M, O, V


@dataclass(frozen=True)
class AddressPlan:
    kind: str
    line1: str
    line2: str
    postcode: str
    area_code: str
    start_date: dt.date
    end_date: dt.date | None
    town: str = TOWN


@dataclass(frozen=True)
class EpisodePlan:
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    establishment: str = ""
    expected_end_date: dt.date | None = None


@dataclass(frozen=True)
class EngagementPlan:
    agency_key: str
    start_date: dt.date
    end_date: dt.date | None
    purpose: str


@dataclass(frozen=True)
class ConsentPlan:
    category: str
    given_on: dt.date
    withdrawn_on: dt.date | None
    scope: str


@dataclass
class PersonPlan:
    """Everything the generator will save about one synthetic person."""

    number: int
    first_name: str
    middle_names: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    ethnicity: str
    status: str
    aliases: list[tuple[str, str]] = field(default_factory=list)
    identifiers: list[tuple[str, str, str]] = field(default_factory=list)
    addresses: list[AddressPlan] = field(default_factory=list)
    episodes: list[EpisodePlan] = field(default_factory=list)
    engagements: list[EngagementPlan] = field(default_factory=list)
    consents: list[ConsentPlan] = field(default_factory=list)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (28 February for 29 February)."""
    return years_before(day, -years)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class _Planner:
    """Draws people one after another from a single random stream."""

    def __init__(self, seed: int, on: dt.date) -> None:
        self.rng = random.Random(f"tandem-demo:{seed}:people")
        self.fake = Faker("en_GB")
        self.fake.seed_instance(self.rng.getrandbits(64))
        self.on = on
        self.issuer = IdentifierIssuer(self.rng)
        self.area_codes = [a.code for a in AREAS]
        self.area_weights = [a.weight for a in AREAS]

    def _pick(self, weights: Mapping[_K, float]) -> _K:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _date_between(self, earliest: dt.date, latest: dt.date) -> dt.date:
        return earliest + _days(self.rng.randint(0, max(0, (latest - earliest).days)))

    def person(self, number: int) -> PersonPlan:
        rng = self.rng
        sex = Sex.MALE if rng.random() < MALE_SHARE else Sex.FEMALE
        ethnicity = self._pick(ETHNICITY_WEIGHTS)
        first, middle, last = person_name(rng, self.fake, sex=sex, ethnicity=ethnicity)
        dob = self._date_of_birth()
        status = self._pick(STATUS_WEIGHTS)
        plan = PersonPlan(number, first, middle, last, dob, sex, ethnicity, status)
        if rng.random() < ALIAS_SHARE:
            plan.aliases = aliases(rng, self.fake, (first, last), rng.choice([1, 1, 2]))
        plan.episodes = self._episodes(dob, status)
        plan.identifiers = self._identifiers(plan)
        plan.addresses = self._addresses(dob, status)
        if rng.random() < ENGAGED_SHARE:
            plan.engagements = self._engagements(ethnicity)
        if plan.engagements and rng.random() < CONSENT_SHARE:
            plan.consents = self._consents(plan.engagements)
        return plan

    def _date_of_birth(self) -> dt.date:
        # Most are 18 to 25; after that the age-crime curve thins out into the forties.
        if self.rng.random() < YOUNG_SHARE:
            age = self.rng.randint(18, 25)
        else:
            age = 26 + min(int(self.rng.expovariate(1 / 6)), 21)
        latest = years_before(self.on, age)
        return self._date_between(years_before(self.on, age + 1) + _days(1), latest)

    def _identifiers(self, plan: PersonPlan) -> list[tuple[str, str, str]]:
        rng = self.rng
        # A PNC record starts with the first arrest, usually in the mid teens.
        first_arrest = min(plan.date_of_birth.year + rng.randint(12, 17), self.on.year)
        found = [(IdentifierKind.PNC, self.issuer.pnc(first_arrest), "Police National Computer")]
        if any(e.kind in CUSTODY for e in plan.episodes):
            found.append((IdentifierKind.NOMIS, self.issuer.nomis(), "Prison service (NOMIS)"))
        if rng.random() < LOCAL_ID_SHARE:
            found.append((IdentifierKind.LOCAL, f"SC-{plan.number:06d}", LOCAL_ID_ISSUER))
        return [(str(kind), value, issuer) for kind, value, issuer in found]

    def _episodes(self, dob: dt.date, status: str) -> list[EpisodePlan]:
        rng, on = self.rng, self.on
        adult = years_after(dob, 17)  # no custody or order drawn before the 17th birthday
        current: list[EpisodePlan] = []
        if status == EpisodeKind.REMAND:
            start = max(adult, on - _days(rng.randint(3, 120)))
            expected = on + _days(rng.randint(7, 120))
            current = [EpisodePlan(EpisodeKind.REMAND, start, None, PRISON_NAME, expected)]
        elif status == EpisodeKind.SENTENCED:
            start = max(adult, on - _days(rng.randint(14, 720)))
            expected = on + _days(rng.randint(0, 540))
            current = [EpisodePlan(EpisodeKind.SENTENCED, start, None, PRISON_NAME, expected)]
            remand_start = start - _days(rng.randint(14, 150))
            if rng.random() < 0.5 and remand_start >= adult:
                current.insert(
                    0,
                    EpisodePlan(EpisodeKind.REMAND, remand_start, start - _days(1), PRISON_NAME),
                )
        elif status == EpisodeKind.LICENCE:
            release = on - _days(rng.randint(7, 270))
            custody_start = max(adult, release - _days(rng.randint(60, 720)))
            expected = on + _days(rng.randint(30, 540))
            current = [
                EpisodePlan(EpisodeKind.SENTENCED, custody_start, release - _days(1), PRISON_NAME),
                EpisodePlan(EpisodeKind.LICENCE, release, None, "", expected),
            ]
        elif status == EpisodeKind.COMMUNITY_ORDER:
            start = max(adult, on - _days(rng.randint(7, 365)))
            expected = max(start + _days(rng.randint(365, 1095)), on + _days(30))
            current = [EpisodePlan(EpisodeKind.COMMUNITY_ORDER, start, None, COURT_NAME, expected)]
        cursor = current[0].start_date if current else on - _days(rng.randint(30, 900))
        return self._history(cursor, adult) + current

    def _history(self, before: dt.date, adult: dt.date) -> list[EpisodePlan]:
        """Zero to two earlier spells (sentence then licence, or an order), all closed."""
        rng = self.rng
        history: list[EpisodePlan] = []
        for _ in range(rng.choices([0, 1, 2], [0.4, 0.4, 0.2])[0]):
            end = before - _days(rng.randint(60, 700))
            if rng.random() < 0.35:
                cycle = [
                    EpisodePlan(
                        EpisodeKind.COMMUNITY_ORDER,
                        end - _days(rng.randint(180, 730)),
                        end,
                        COURT_NAME,
                    )
                ]
            else:
                release = end - _days(rng.randint(90, 365))
                cycle = [
                    EpisodePlan(
                        EpisodeKind.SENTENCED,
                        release - _days(rng.randint(30, 540)),
                        release - _days(1),
                        PRISON_NAME,
                    ),
                    EpisodePlan(EpisodeKind.LICENCE, release, end),
                ]
            if cycle[0].start_date < adult:
                break
            history = cycle + history
            before = cycle[0].start_date
        return history

    def _area(self) -> str:
        return self.rng.choices(self.area_codes, self.area_weights)[0]

    def _postcode(self, area_code: str) -> str:
        # "SC" is no real postcode area; each area owns two districts, SC1-SC2 for A and so on.
        district = self.area_codes.index(area_code) * 2 + self.rng.randint(1, 2)
        letters = "".join(self.rng.choices(INWARD_LETTERS, k=2))
        return f"SC{district} {self.rng.randint(1, 9)}{letters}"

    def _address_lines(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 240)} {self.fake.last_name()} {rng.choice(STREET_KINDS)}"
        if kind == Address.Kind.HOSTEL:
            return f"{self.fake.last_name()} House approved premises", street
        if kind == Address.Kind.TEMPORARY:
            return f"Flat {rng.randint(1, 40)}", street
        return street, ""

    def _addresses(self, dob: dt.date, status: str) -> list[AddressPlan]:
        """One to three addresses, earlier ones ended; the last is current and sets residence."""
        rng, on = self.rng, self.on
        sixteen = years_after(dob, 16)
        home_area = self._area()
        if status == EpisodeKind.LICENCE and rng.random() < 0.45:
            kind = str(Address.Kind.HOSTEL)
        else:
            kind = self._pick({Address.Kind.HOME: 0.8, Address.Kind.TEMPORARY: 0.12,
                               Address.Kind.HOSTEL: 0.08})  # fmt: skip
        start = max(sixteen, on - _days(rng.randint(30, 1500)))
        line1, line2 = self._address_lines(kind)
        found = [AddressPlan(kind, line1, line2, self._postcode(home_area), home_area, start, None)]
        for _ in range(rng.choices([0, 1, 2], [0.45, 0.35, 0.2])[0]):
            end = start - _days(1)
            start = end - _days(rng.randint(90, 900))
            if start < sixteen:
                break
            # People move between areas: the confusion over responsibility the study found.
            area = home_area if rng.random() < 0.65 else self._area()
            kind = str(Address.Kind.TEMPORARY if rng.random() < 0.2 else Address.Kind.HOME)
            line1, line2 = self._address_lines(kind)
            found.append(AddressPlan(kind, line1, line2, self._postcode(area), area, start, end))
        return found[::-1]

    def engagement(self, agency_key: str, *, open_: bool) -> EngagementPlan:
        """One partner agency's engagement: open, or ended 30 to 200 days ago."""
        rng, on = self.rng, self.on
        end = None if open_ else on - _days(rng.randint(30, 200))
        start = (end or on) - _days(rng.randint(7, 400))
        return EngagementPlan(agency_key, start, end, PURPOSES[agency_key])

    def _engagements(self, ethnicity: str) -> list[EngagementPlan]:
        weights = dict(PARTNER_WEIGHTS)
        if ethnicity not in {Ethnicity.WHITE, Ethnicity.NOT_STATED}:
            weights["mentoring2"] *= 3  # the charity serving minority ethnic prisoners
        keys: list[str] = []
        for _ in range(self.rng.choice([1, 1, 2])):
            remaining = {k: w for k, w in weights.items() if k not in keys}
            keys.append(self._pick(remaining))
        return [self.engagement(key, open_=self.rng.random() < 0.65) for key in keys]

    def _consents(self, engagements: list[EngagementPlan]) -> list[ConsentPlan]:
        rng, on = self.rng, self.on
        drug_work = any(e.agency_key in {"dip", "drugs"} for e in engagements)
        categories = [Category.SUBSTANCE_MISUSE] if drug_work or rng.random() < 0.6 else []
        if not categories or rng.random() < 0.4:
            categories.append(Category.HEALTH)
        given = min(on, min(e.start_date for e in engagements) + _days(rng.randint(0, 21)))
        found = []
        for category in categories:
            withdrawn = None
            if rng.random() < 0.08 and given < on:
                withdrawn = self._date_between(given + _days(1), on)
            scope = (
                f"Share {category.label.lower()} information with the partner agencies "
                "working with them on the PPO scheme."
            )
            found.append(ConsentPlan(str(category), given, withdrawn, scope))
        return found


def _ensure_partner_caseloads(planner: _Planner, plans: list[PersonPlan]) -> None:
    """Top up any partner agency left with too few open engagements by the random draw."""
    open_counts = Counter(
        e.agency_key for plan in plans for e in plan.engagements if e.end_date is None
    )
    for key in PARTNER_AGENCY_KEYS:
        wanted = min(MIN_OPEN_ENGAGEMENTS, len(plans)) - open_counts[key]
        candidates = [p for p in plans if all(e.agency_key != key for e in p.engagements)]
        for plan in planner.rng.sample(candidates, k=max(0, min(wanted, len(candidates)))):
            plan.engagements.append(planner.engagement(key, open_=True))


def plan_population(*, seed: int, count: int, on: dt.date) -> list[PersonPlan]:
    """`count` synthetic people, the same for the same seed and day."""
    planner = _Planner(seed, on)
    plans = [planner.person(number) for number in range(1, count + 1)]
    _ensure_partner_caseloads(planner, plans)
    return plans
