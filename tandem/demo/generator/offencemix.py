"""What kind of offence each true offence is: a mix that shifts with age, drug use, rate and sex.

The shapes are the familiar ones from recorded-crime and self-report studies: the young
take cars, damage property and rob; heroin and crack users shoplift, burgle and steal from
cars to pay for drugs; older offenders turn to fraud, drink driving and other motoring
offences; women's offending is mostly theft and fraud. The weights are relative volumes of
true offences (detected or not) and are judgements, not data.
"""

from __future__ import annotations

import numpy as np

from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES

# Relative volume of each offence type among all true offences, before adjustment.
BASE_WEIGHTS: dict[str, float] = {
    "SHOPLIFTING": 20, "THEFT-OTHER": 8, "THEFT-PERSON": 2, "THEFT-CYCLE": 2.5, "HANDLING": 2,
    "THEFT-FROM-VEHICLE": 6, "VEHICLE-INTERFERENCE": 2, "TWOC": 2.5, "TWOC-AGG": 0.5,
    "BURGLARY-DWELLING": 4, "BURGLARY-OTHER": 3, "BURGLARY-AGG": 0.1,
    "ROBBERY-PERSONAL": 1.5, "ROBBERY-BUSINESS": 0.3, "CRIMINAL-DAMAGE": 9, "ARSON": 0.3,
    "COMMON-ASSAULT": 6, "ABH": 2.5, "GBH": 0.4, "ASSAULT-EMERG": 0.6, "HARASSMENT": 1.5,
    "HOMICIDE": 0.005, "RAPE": 0.05, "SEX-ASSAULT": 0.2, "SEX-CHILD": 0.05,
    "DRUG-POSS-A": 1.0, "DRUG-POSS-BC": 5, "DRUG-SUPPLY-A": 0.5, "DRUG-PRODUCTION": 0.3,
    "AFFRAY": 0.8, "PUBLIC-FEAR": 1.5, "PUBLIC-ALARM": 4, "WEAPON": 1.2,
    "FRAUD": 2, "FORGERY": 0.5, "BAIL": 1.5, "BREACH": 1.5,
    "DRINK-DRIVING": 1.5, "DRIVING-DISQUALIFIED": 1.5, "DANGEROUS-DRIVING": 0.4,
    "NO-INSURANCE": 2.5, "SOLICITING": 0.2, "OTHER": 1.5,
}  # fmt: skip

_VEHICLE = {"TWOC": 1.0, "TWOC-AGG": 1.0, "VEHICLE-INTERFERENCE": 1.0, "THEFT-CYCLE": 1.0}
_VIOLENCE = ("COMMON-ASSAULT", "ABH", "GBH")
_MOTORING = ("DRINK-DRIVING", "DRIVING-DISQUALIFIED", "NO-INSURANCE", "DANGEROUS-DRIVING")
_BURGLARY = ("BURGLARY-DWELLING", "BURGLARY-OTHER")


def _each(codes: tuple[str, ...] | dict[str, float], factor: float) -> dict[str, float]:
    return dict.fromkeys(codes, factor)


# Multipliers for each age band: under 18, 18-25, 26-35, 36 and over.
AGE_BANDS = (18.0, 26.0, 36.0)
AGE_FACTORS: list[dict[str, float]] = [
    {
        **_each(_VEHICLE, 3.0), "CRIMINAL-DAMAGE": 2.5, "ROBBERY-PERSONAL": 3.0, "ARSON": 2.0,
        "PUBLIC-ALARM": 1.5, "DRUG-POSS-BC": 1.5, "DRINK-DRIVING": 0.05, "NO-INSURANCE": 0.3,
        "DRIVING-DISQUALIFIED": 0.2, "FRAUD": 0.2, "FORGERY": 0.2, "BAIL": 0.5, "BREACH": 0.5,
        "HARASSMENT": 0.5,
    },
    {
        "TWOC": 2.0, "ROBBERY-PERSONAL": 2.0, "CRIMINAL-DAMAGE": 1.5, "AFFRAY": 1.5,
        "WEAPON": 1.5, "DRUG-POSS-BC": 1.5, "DRUG-SUPPLY-A": 1.5,
    },
    {"FRAUD": 1.8, "DRINK-DRIVING": 1.8, "DRIVING-DISQUALIFIED": 1.5, "HARASSMENT": 1.5},
    {
        "FRAUD": 3.5, "FORGERY": 3.0, "DRINK-DRIVING": 4.0, "DRIVING-DISQUALIFIED": 2.0,
        "NO-INSURANCE": 1.5, "HARASSMENT": 2.5, "COMMON-ASSAULT": 1.3, **_each(_VEHICLE, 0.3),
        "ROBBERY-PERSONAL": 0.2, "CRIMINAL-DAMAGE": 0.6, **_each(_BURGLARY, 0.6),
        "DRUG-POSS-BC": 0.5,
    },
]  # fmt: skip
# Heroin or crack users, from the day their use begins: acquisitive crime to fund it.
DRUG_FACTORS: dict[str, float] = {
    "SHOPLIFTING": 3.0, "BURGLARY-DWELLING": 2.5, "BURGLARY-OTHER": 2.0,
    "THEFT-FROM-VEHICLE": 2.5, "HANDLING": 2.0, "THEFT-PERSON": 2.0, "ROBBERY-PERSONAL": 1.5,
    "DRUG-POSS-A": 6.0, "DRUG-SUPPLY-A": 2.0, "FRAUD": 1.3, "SOLICITING": 3.0,
    **_each(_VIOLENCE, 0.6), **_each(_MOTORING, 0.5),
}  # fmt: skip
# The top tenth by rate: more burglary and car crime, and the bail and breach offences
# that come with being constantly in the system.
HIGH_RATE_FACTORS: dict[str, float] = {
    **_each(_BURGLARY, 1.5),
    "THEFT-FROM-VEHICLE": 1.5,
    "TWOC": 1.5,
    "BAIL": 2.0,
    "BREACH": 2.5,
}
FEMALE_FACTORS: dict[str, float] = {
    "SHOPLIFTING": 2.2, "FRAUD": 1.8, "SOLICITING": 15.0, "HANDLING": 1.2,
    **_each(_VIOLENCE, 0.6), **_each(_VEHICLE, 0.25), **_each(_BURGLARY, 0.4),
    "ROBBERY-PERSONAL": 0.4, "WEAPON": 0.4, "RAPE": 0.02, "SEX-ASSAULT": 0.05,
    "SEX-CHILD": 0.1, "DRINK-DRIVING": 0.7, "CRIMINAL-DAMAGE": 0.6,
}  # fmt: skip
HIGH_RATE_RANK = 0.9

CODES: list[str] = [row[0] for row in DEFAULT_OFFENCE_TYPES]
GRAVITY = np.array([row[5] for row in DEFAULT_OFFENCE_TYPES], dtype=np.int64)
CODE_INDEX = {code: i for i, code in enumerate(CODES)}


def _mix_table() -> np.ndarray:
    """Cumulative probabilities, one row per group (age band, drugs, high rate, female)."""
    rows = []
    for age in AGE_FACTORS:
        for drugs in (False, True):
            for high in (False, True):
                for female in (False, True):
                    weights = np.array([BASE_WEIGHTS.get(code, 0.0) for code in CODES])
                    for applies, factors in (
                        (True, age),
                        (drugs, DRUG_FACTORS),
                        (high, HIGH_RATE_FACTORS),
                        (female, FEMALE_FACTORS),
                    ):
                        if applies:
                            weights *= [factors.get(code, 1.0) for code in CODES]
                    cumulative = np.cumsum(weights / weights.sum())
                    cumulative[-1] = 1.0
                    rows.append(cumulative)
    return np.array(rows)


_TABLE = _mix_table()
_GROUPS, _K = _TABLE.shape
# Row g shifted up by g makes one increasing array, so a single searchsorted draws from
# every offender's own row at once.
_FLAT = (_TABLE + np.arange(_GROUPS)[:, None]).ravel()


def group_of(age: np.ndarray, drugs: np.ndarray, rank: np.ndarray, male: np.ndarray) -> np.ndarray:
    """The mix group of each offence: age band, drug use, high rate, sex."""
    band = np.searchsorted(AGE_BANDS, age, side="right")
    return ((band * 2 + drugs) * 2 + (rank >= HIGH_RATE_RANK)) * 2 + ~male


def draw_types(
    rng: np.random.Generator,
    age: np.ndarray,
    drugs: np.ndarray,
    rank: np.ndarray,
    male: np.ndarray,
) -> np.ndarray:
    """An offence type (index into CODES) for each offence, from its offender's mix."""
    group = group_of(age, drugs, rank, male).astype(np.int64)
    found = np.searchsorted(_FLAT, rng.random(group.size) + group, side="right")
    return np.minimum(found - group * _K, _K - 1)
