"""OGRS3: the Offender Group Reconviction Scale, version 3, exactly as published.

Source: Howard, Francis, Soothill & Humphreys (2009), OGRS 3: the revised Offender Group
Reconviction Scale, Ministry of Justice Research Summary 7/09 (see reference/ogrs3.md).
It estimates the probability of a proven reoffence within one and two years from static
factors only. Use it as one input to selection and care planning, never as the sole basis.
"""

from __future__ import annotations

import math

from tandem.offending.ogrs3 import OFFENCE_WEIGHTS

ALPHA_1_YEAR = 1.402562384
ALPHA_2_YEARS = 2.121705678
COPAS_WEIGHT = 1.251124464  # the log "rate of sanctions" term
STATUS_FIRST_SANCTION = 0.126142106
STATUS_PREVIOUS_SANCTIONS = 0.463062792

# (lowest age in band, male term, female term), by the age at the start of follow-up.
AGE_SEX_BANDS: list[tuple[int, float, float]] = [
    (10, 0.0, -0.785038489),
    (12, 0.083922902, -0.613852078),
    (14, 0.075775765, -0.669521331),
    (16, -0.061594199, -0.959179629),
    (18, -0.625103618, -0.897480934),
    (21, -1.051515067, -1.028488454),
    (25, -1.166679288, -1.052777806),
    (30, -1.325976554, -1.129127959),
    (35, -1.368045933, -1.42187494),
    (40, -1.499690953, -1.524652221),
    (50, -2.025261458, -2.44983716),
]

OFFENCE_GROUPS = frozenset(str(group) for group in OFFENCE_WEIGHTS)


class Ogrs3InputError(ValueError):
    """An input OGRS3 is not defined for; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def age_sex_term(sex: str, age: int) -> float:
    """The AgeSex coefficient for the age at the start of follow-up."""
    if sex not in {"male", "female"}:
        raise Ogrs3InputError("sex", "Sex must be male or female for OGRS3")
    if age < 10:
        raise Ogrs3InputError("age_at_start", "OGRS3 is defined only from age 10")
    term = 0.0
    for lowest, male, female in AGE_SEX_BANDS:
        if age >= lowest:
            term = male if sex == "male" else female
    return term


def ogrs3_probabilities(
    *,
    sex: str,
    age_at_start: int,
    age_at_conviction: int,
    age_at_first_sanction: int,
    sanctions: int,
    offence_group: str,
) -> tuple[float, float]:
    """The 1-year and 2-year probabilities (0 to 1) of a proven reoffence."""
    if age_at_conviction < 10:
        raise Ogrs3InputError("age_at_conviction", "Age at conviction must be 10 or more")
    if age_at_first_sanction < 10:
        raise Ogrs3InputError("age_at_first_sanction", "Age at first sanction must be 10 or more")
    if age_at_first_sanction > age_at_conviction:
        raise Ogrs3InputError(
            "age_at_first_sanction",
            "Age at first sanction cannot be after the age at the current conviction",
        )
    if sanctions < 1:
        raise Ogrs3InputError("sanctions", "Sanctions must count the current one, so be at least 1")
    if offence_group not in OFFENCE_GROUPS:
        raise Ogrs3InputError("offence_group", "Choose one of the OGRS3 offence groups")
    status = STATUS_FIRST_SANCTION if sanctions == 1 else STATUS_PREVIOUS_SANCTIONS
    rate = math.log(sanctions / (10 + age_at_conviction - age_at_first_sanction))
    shared = (
        age_sex_term(sex, age_at_start)
        + status
        + COPAS_WEIGHT * rate
        + OFFENCE_WEIGHTS[offence_group]
    )
    return _logistic(ALPHA_1_YEAR + shared), _logistic(ALPHA_2_YEARS + shared)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def probation_band(two_year: float) -> str:
    """The band probation uses on the 2-year score."""
    percent = two_year * 100
    if percent >= 90:
        return "very high"
    if percent >= 75:
        return "high"
    if percent >= 50:
        return "medium"
    return "low"
