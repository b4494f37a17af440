"""The default Information Sharing Protocol shipped with Tandem; administrators edit it after.

Each row: agency kind, role, a one-line rationale, then the levels as compact codes per
category. R = read, W = read and write; categories not listed are none.
"""

from __future__ import annotations

from django.db import transaction

from .categories import Category as C
from .categories import Level
from .models import AgencyKind as K
from .models import ProtocolRule
from .models import Role as R

ALL = list(C)

DEFAULT_PROTOCOL: list[tuple[str, str, str, dict[str, str]]] = [
    (
        K.POLICE,
        R.OFFENDER_MANAGER,
        "Leads case management and enforcement for the cohort.",
        {**{c: "W" for c in ALL}, C.HEALTH: "R"},
    ),
    (
        K.PROBATION,
        R.OFFENDER_MANAGER,
        "Leads sentence management, licences and orders.",
        {**{c: "W" for c in ALL}, C.INTELLIGENCE: "R", C.HEALTH: "R"},
    ),
    (
        K.PRISON,
        R.OFFENDER_MANAGER,
        "Manages the sentence and release planning in custody.",
        {**{c: "W" for c in ALL}, C.INTELLIGENCE: "R", C.HEALTH: "R"},
    ),
    (
        K.PARTNERSHIP,
        R.COORDINATOR,
        "Runs forums, the cohort and reporting for the partnership.",
        {**{c: "R" for c in ALL}, C.IDENTITY: "W", C.HEALTH: "none"},
    ),
    (
        K.POLICE,
        R.COORDINATOR,
        "Coordinates the scheme for the police.",
        {**{c: "R" for c in ALL}, C.IDENTITY: "W", C.HEALTH: "none"},
    ),
    (
        K.POLICE,
        R.VIEWER,
        "Supervises offender managers; reads without changing.",
        {**{c: "R" for c in ALL}, C.HEALTH: "none", C.INTELLIGENCE: "none"},
    ),
    (
        K.PROBATION,
        R.VIEWER,
        "Supervises offender managers; reads without changing.",
        {**{c: "R" for c in ALL}, C.HEALTH: "none", C.INTELLIGENCE: "none"},
    ),
    (
        K.POLICE,
        R.CUSTODY_OFFICER,
        "Custody check only: whether someone is a PPO and who to call.",
        {C.IDENTITY: "R"},
    ),
    (K.DIP, R.CUSTODY_OFFICER, "Arrest referral: custody check only.", {C.IDENTITY: "R"}),
    (
        K.DIP,
        R.PARTNER_WORKER,
        "Drug testing on arrest, assessment and onward referral.",
        {
            C.IDENTITY: "R",
            C.OFFENDING: "R",
            C.RISK: "R",
            C.SUBSTANCE_MISUSE: "W",
            C.HEALTH: "R",
            C.ACCOMMODATION: "R",
            C.CASE_NOTES: "R",
        },
    ),
    (
        K.DRUG_TREATMENT,
        R.PARTNER_WORKER,
        "Provides drug treatment; needs risk to work safely.",
        {
            C.IDENTITY: "R",
            C.RISK: "R",
            C.SUBSTANCE_MISUSE: "W",
            C.HEALTH: "W",
            C.ACCOMMODATION: "R",
        },
    ),
    (
        K.HOUSING_AUTHORITY,
        R.PARTNER_WORKER,
        "Finds and keeps accommodation.",
        {C.IDENTITY: "R", C.RISK: "R", C.ACCOMMODATION: "W", C.FINANCE: "R", C.FAMILY: "R"},
    ),
    (
        K.SOCIAL_LANDLORD,
        R.PARTNER_WORKER,
        "Provides tenancies and tenancy support.",
        {C.IDENTITY: "R", C.RISK: "R", C.ACCOMMODATION: "W", C.FINANCE: "R"},
    ),
    (
        K.ETE,
        R.PARTNER_WORKER,
        "Education, training and work placements.",
        {C.IDENTITY: "R", C.RISK: "R", C.ETE: "W", C.ACCOMMODATION: "R"},
    ),
    (
        K.MENTORING,
        R.PARTNER_WORKER,
        "Mentoring and peer support.",
        {C.IDENTITY: "R", C.ETE: "R", C.ACCOMMODATION: "R", C.FAMILY: "R", C.ATTITUDES: "W"},
    ),
    (
        K.HEALTH,
        R.PARTNER_WORKER,
        "Physical and mental health care.",
        {C.IDENTITY: "R", C.RISK: "R", C.HEALTH: "W", C.SUBSTANCE_MISUSE: "R"},
    ),
    (
        K.PARTNERSHIP,
        R.AUDITOR,
        "Audits who saw what; needs to know whose record it was.",
        {C.IDENTITY: "R"},
    ),
    (K.PARTNERSHIP, R.ANALYST, "Aggregates and evaluations only, never identities.", {}),
    (K.PARTNERSHIP, R.ADMINISTRATOR, "Maintains reference data and users, not case records.", {}),
]

_CODES = {"W": Level.WRITE, "R": Level.READ, "none": Level.NONE}


def default_rules() -> list[ProtocolRule]:
    """Every cell of the default protocol, none included, as unsaved rules."""
    rules = []
    for agency_kind, role, rationale, levels in DEFAULT_PROTOCOL:
        for category in C:
            code = levels.get(category, "none")
            rules.append(
                ProtocolRule(
                    agency_kind=agency_kind,
                    role=role,
                    category=category,
                    level=_CODES[code],
                    rationale=rationale,
                )
            )
    return rules


@transaction.atomic
def protocol_install_defaults(*, replace: bool = False) -> int:
    """Add the default rows missing from the protocol (or all of them, with replace)."""
    if replace:
        ProtocolRule.objects.all().delete()
    existing = set(ProtocolRule.objects.values_list("agency_kind", "role", "category"))
    missing = [r for r in default_rules() if (r.agency_kind, r.role, r.category) not in existing]
    ProtocolRule.objects.bulk_create(missing)
    return len(missing)
