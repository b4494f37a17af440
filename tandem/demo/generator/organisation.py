"""The synthetic city's partnership, areas, agencies and demo staff (one per role and agency)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from faker import Faker

from tandem.core.access import JUSTICE_AGENCY_KINDS
from tandem.core.models import Agency, AgencyKind, Area, Partnership, Role, User

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - printed on screen; synthetic accounts only
PARTNERSHIP_NAME = "Synthetic City Community Safety Partnership (demo data)"
TOWN = "Synthetic City"
COURT_NAME = "Synthetic City Magistrates' Court (demo)"
EMAIL_DOMAIN = "tandem-demo.invalid"  # .invalid is reserved: mail can never reach anyone


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    weight: float  # relative share of the population living there


# Nine police Basic Command Units, named by compass point so nobody mistakes them for real ones.
AREAS = (
    AreaSpec("A", "North", 1.4),
    AreaSpec("B", "North East", 1.3),
    AreaSpec("C", "East", 1.0),
    AreaSpec("D", "South East", 0.9),
    AreaSpec("E", "South", 1.0),
    AreaSpec("F", "South West", 0.85),
    AreaSpec("G", "West", 0.95),
    AreaSpec("H", "North West", 0.9),
    AreaSpec("I", "Central", 1.3),
)
ALL_AREAS = tuple(area.code for area in AREAS)


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: AgencyKind
    statutory: bool


AGENCIES = (
    AgencySpec("police", "Synthetic City Police (demo)", AgencyKind.POLICE, True),
    AgencySpec("probation", "Synthetic City Probation Service (demo)", AgencyKind.PROBATION, True),
    AgencySpec("prison", "HMP Synthetic City (demo)", AgencyKind.PRISON, True),
    AgencySpec(
        "dip", "Synthetic City Drug Intervention Programme team (demo)", AgencyKind.DIP, True
    ),
    AgencySpec(
        "drugs", "Clearwater Drug and Alcohol Service (demo)", AgencyKind.DRUG_TREATMENT, False
    ),
    AgencySpec(
        "housing",
        "Synthetic City Council Housing Options (demo)",
        AgencyKind.HOUSING_AUTHORITY,
        True,
    ),
    AgencySpec(
        "landlord", "Brightdoor Homes Housing Association (demo)", AgencyKind.SOCIAL_LANDLORD, False
    ),
    AgencySpec("ete", "Next Step Skills and Employment Trust (demo)", AgencyKind.ETE, False),
    # The study's two mentoring charities: one for adults with learning difficulties and drug
    # dependency, one for the cultural and family needs of Black and minority ethnic prisoners.
    AgencySpec("mentoring1", "Steady Steps Mentoring (demo)", AgencyKind.MENTORING, False),
    AgencySpec("mentoring2", "Common Ground Mentoring (demo)", AgencyKind.MENTORING, False),
    AgencySpec(
        "partnership",
        "Synthetic City Community Safety Partnership team (demo)",
        AgencyKind.PARTNERSHIP,
        True,
    ),
)
AGENCY_BY_KEY = {agency.key: agency for agency in AGENCIES}
PRISON_NAME = AGENCY_BY_KEY["prison"].name
# Partner agencies are those outside the justice agencies; they see people through engagements.
PARTNER_AGENCY_KEYS = tuple(a.key for a in AGENCIES if a.kind not in JUSTICE_AGENCY_KINDS)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: Role
    agency_key: str
    area_codes: tuple[str, ...]
    job_title: str
    administrator: bool = False


_AB = ("A", "B")
STAFF = (
    StaffSpec("om.police", Role.OFFENDER_MANAGER, "police", _AB, "Police offender manager"),
    StaffSpec(
        "om.probation", Role.OFFENDER_MANAGER, "probation", _AB, "Probation offender manager"
    ),
    StaffSpec(
        "om.prison", Role.OFFENDER_MANAGER, "prison", ALL_AREAS, "Prison offender supervisor"
    ),
    StaffSpec("coordinator", Role.COORDINATOR, "partnership", ALL_AREAS, "PPO coordinator"),
    StaffSpec("viewer.police", Role.VIEWER, "police", _AB, "Offender management sergeant"),
    StaffSpec("custody.police", Role.CUSTODY_OFFICER, "police", _AB, "Custody sergeant"),
    StaffSpec("arrest-referral.dip", Role.CUSTODY_OFFICER, "dip", _AB, "Arrest referral worker"),
    StaffSpec("partner.dip", Role.PARTNER_WORKER, "dip", ALL_AREAS, "DIP case worker"),
    StaffSpec(
        "partner.drugs", Role.PARTNER_WORKER, "drugs", ALL_AREAS, "Drug treatment key worker"
    ),
    StaffSpec(
        "partner.housing", Role.PARTNER_WORKER, "housing", ALL_AREAS, "Housing options officer"
    ),
    StaffSpec(
        "partner.landlord", Role.PARTNER_WORKER, "landlord", ALL_AREAS, "Tenancy support officer"
    ),
    StaffSpec(
        "partner.ete", Role.PARTNER_WORKER, "ete", ALL_AREAS, "Employment and skills adviser"
    ),
    StaffSpec(
        "partner.mentoring1", Role.PARTNER_WORKER, "mentoring1", ALL_AREAS, "Mentoring coordinator"
    ),
    StaffSpec(
        "partner.mentoring2", Role.PARTNER_WORKER, "mentoring2", ALL_AREAS, "Mentoring coordinator"
    ),
    StaffSpec("analyst", Role.ANALYST, "partnership", ALL_AREAS, "Community safety analyst"),
    StaffSpec("auditor", Role.AUDITOR, "partnership", ALL_AREAS, "Data protection officer"),
    StaffSpec(
        "admin",
        Role.ADMINISTRATOR,
        "partnership",
        ALL_AREAS,
        "Tandem administrator",
        administrator=True,
    ),
)


@dataclass(frozen=True)
class SignIn:
    """One demo account as the sign-in table shows it."""

    username: str
    role: str
    agency: str
    areas: str
    job_title: str


def _areas_label(codes: tuple[str, ...]) -> str:
    if codes == ALL_AREAS:
        return "all areas"
    names = {area.code: area.name for area in AREAS}
    return ", ".join(f"{code} {names[code]}" for code in codes)


def demo_sign_ins() -> list[SignIn]:
    """Every demo account (username, role, agency, areas); all share DEMO_PASSWORD."""
    return [
        SignIn(
            username=spec.username,
            role=str(spec.role.label),
            agency=AGENCY_BY_KEY[spec.agency_key].name,
            areas=_areas_label(spec.area_codes),
            job_title=spec.job_title,
        )
        for spec in STAFF
    ]


@dataclass
class Organisation:
    """The saved partnership, with its areas, agencies and staff looked up by code or key."""

    partnership: Partnership
    areas: dict[str, Area]
    agencies: dict[str, Agency]
    staff: dict[str, User]
    team: dict[str, list[User]]  # offender managers by area code, who nobody signs in as


def _fictional_phone(rng: random.Random) -> str:
    # Ofcom keeps 01632 960000-960999 for drama: numbers that can never ring anyone.
    return f"01632 960{rng.randint(0, 999):03d}"


def _agencies_create(
    partnership: Partnership, areas: dict[str, Area], rng: random.Random
) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency = Agency.objects.create(
            partnership=partnership,
            name=spec.name,
            kind=spec.kind,
            statutory=spec.statutory,
            contact=f"Duty desk {_fictional_phone(rng)} (fictional number)",
        )
        agency.areas.set(areas.values())
        agencies[spec.key] = agency
    return agencies


def _staff_create(
    agencies: dict[str, Agency], areas: dict[str, Area], rng: random.Random
) -> dict[str, User]:
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    # Argon2 is deliberately slow (a fifth of a second a hash here); the accounts share one
    # published password, so one hash serves them all and keeps the demo build quick.
    password = make_password(DEMO_PASSWORD)
    staff: dict[str, User] = {}
    for spec in STAFF:
        user = User(
            username=spec.username,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            email=f"{spec.username}@{EMAIL_DOMAIN}",
            agency=agencies[spec.agency_key],
            role=spec.role,
            job_title=spec.job_title,
            phone=_fictional_phone(rng),
            is_staff=spec.administrator,
            is_superuser=spec.administrator,
            password=password,
        )
        user.save()
        user.areas.set([areas[code] for code in spec.area_codes])
        staff[spec.username] = user
    return staff


def organisation_create(*, seed: int) -> Organisation:
    """Save the partnership, its nine areas, the agencies and one demo user per post."""
    rng = random.Random(f"tandem-demo:{seed}:organisation")
    partnership = Partnership.objects.create(name=PARTNERSHIP_NAME)
    areas = {
        spec.code: Area.objects.create(partnership=partnership, code=spec.code, name=spec.name)
        for spec in AREAS
    }
    agencies = _agencies_create(partnership, areas, rng)
    staff = _staff_create(agencies, areas, rng)
    team = _team_create(agencies, areas, rng)
    return Organisation(
        partnership=partnership, areas=areas, agencies=agencies, staff=staff, team=team
    )


# Areas the demo sign-ins do not cover still need offender managers for their cohorts.
TEAM_AGENCIES = ("police", "probation")


def _team_create(
    agencies: dict[str, Agency], areas: dict[str, Area], rng: random.Random
) -> dict[str, list[User]]:
    """A police and a probation offender manager for each area: colleagues of the demo
    staff who manage the cohort. They have no password: nobody signs in as them."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    team: dict[str, list[User]] = {}
    for code, area in areas.items():
        team[code] = []
        for key in TEAM_AGENCIES:
            user = User(
                username=f"team.{key}.{code.lower()}",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                email=f"team.{key}.{code.lower()}@{EMAIL_DOMAIN}",
                agency=agencies[key],
                role=Role.OFFENDER_MANAGER,
                job_title=f"{agencies[key].get_kind_display()} offender manager",
                phone=_fictional_phone(rng),
            )
            user.set_unusable_password()
            user.save()
            user.areas.set([area])
            team[code].append(user)
    return team
