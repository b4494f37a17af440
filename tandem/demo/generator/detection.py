"""Which true offences the police ever attach to their offender, and what then happens.

Most crime never leads to a sanction: much is not reported, and of what is recorded only a
minority is "detected" (an offender identified and dealt with). The generator draws, per
true offence, whether the offender is identified and recorded (an Offence row, whatever its
outcome); only those become police data. The chances below are judgements shaped by the
familiar pattern of detection rates (high for violence, drugs and public order, where the
offender is usually known or caught in the act; low for burglary and vehicle crime).

Of recorded offences, some end with no further action; young first offenders mostly get
reprimands, final warnings or community resolutions; adults with short records get cautions
and penalty notices; everything else goes to court, where most are convicted.
"""

from __future__ import annotations

import numpy as np

from .offencemix import CODE_INDEX, CODES

# Chance that the offender is identified and the offence recorded against them.
DETECTION: dict[str, float] = {
    "HOMICIDE": 0.9, "GBH": 0.55, "ABH": 0.45, "ASSAULT-EMERG": 0.85, "COMMON-ASSAULT": 0.4,
    "HARASSMENT": 0.45, "RAPE": 0.25, "SEX-ASSAULT": 0.25, "SEX-CHILD": 0.3,
    "ROBBERY-PERSONAL": 0.25, "ROBBERY-BUSINESS": 0.35, "BURGLARY-DWELLING": 0.15,
    "BURGLARY-AGG": 0.4, "BURGLARY-OTHER": 0.12, "THEFT-PERSON": 0.12, "SHOPLIFTING": 0.3,
    "THEFT-CYCLE": 0.08, "THEFT-OTHER": 0.12, "HANDLING": 0.5, "THEFT-FROM-VEHICLE": 0.1,
    "VEHICLE-INTERFERENCE": 0.15, "TWOC": 0.2, "TWOC-AGG": 0.45, "CRIMINAL-DAMAGE": 0.15,
    "ARSON": 0.15, "DRUG-POSS-A": 0.85, "DRUG-POSS-BC": 0.8, "DRUG-SUPPLY-A": 0.6,
    "DRUG-PRODUCTION": 0.6, "AFFRAY": 0.6, "PUBLIC-FEAR": 0.55, "PUBLIC-ALARM": 0.6,
    "WEAPON": 0.85, "FRAUD": 0.25, "FORGERY": 0.35, "BAIL": 0.9, "BREACH": 0.9,
    "DRINK-DRIVING": 0.8, "DRIVING-DISQUALIFIED": 0.6, "DANGEROUS-DRIVING": 0.5,
    "NO-INSURANCE": 0.6, "SOLICITING": 0.5, "OTHER": 0.4,
}  # fmt: skip
DETECTION_BY_TYPE = np.array([DETECTION[code] for code in CODES])
# Offences a penalty notice can deal with.
PENALTY_NOTICE_TYPES = np.isin(
    np.arange(len(CODES)),
    [
        CODE_INDEX[c]
        for c in ("PUBLIC-ALARM", "SHOPLIFTING", "CRIMINAL-DAMAGE", "DRUG-POSS-BC", "THEFT-OTHER")
    ],
)

# Outcome codes (indexes into OUTCOMES) and disposal codes (indexes into DISPOSALS).
OUTCOMES = [
    "convicted", "cautioned", "reprimand", "final_warning", "charged", "acquitted",
    "penalty_notice", "community_resolution", "nfa",
]  # fmt: skip
CONVICTED, CAUTIONED, REPRIMAND, FINAL_WARNING, CHARGED, ACQUITTED = range(6)
PENALTY_NOTICE, COMMUNITY_RESOLUTION, NFA = 6, 7, 8
SANCTIONS = np.array([CONVICTED, CAUTIONED, REPRIMAND, FINAL_WARNING])
IS_SANCTION = np.isin(np.arange(len(OUTCOMES)), SANCTIONS)
IS_OUT_OF_COURT_SANCTION = np.isin(np.arange(len(OUTCOMES)), [CAUTIONED, REPRIMAND, FINAL_WARNING])
NOT_RECORDED = -1
DISPOSALS = ["", "custody", "suspended", "community_order", "fine", "discharge", "caution"]
NO_DISPOSAL, CUSTODY, SUSPENDED, COMMUNITY_ORDER, FINE, DISCHARGE, CAUTION = range(7)

NFA_SHARE = 0.28  # evidence insufficient, victim withdraws, not in the public interest
CONVICTION_SHARE = 0.88  # of cases heard in court


def detected(rng: np.random.Generator, types: np.ndarray, catch: np.ndarray) -> np.ndarray:
    """Whether each offence's offender is identified and the offence recorded."""
    return rng.random(types.size) < np.minimum(DETECTION_BY_TYPE[types] * catch, 0.97)


def arrest_lag(rng: np.random.Generator, size: int) -> np.ndarray:
    """Days from offence to arrest: half the same day (caught in the act), the rest later."""
    later = np.ceil(rng.exponential(12.0, size)).astype(np.int64)
    return np.where(rng.random(size) < 0.5, 0, later)


def court_delay(rng: np.random.Generator, gravity: np.ndarray, remanded: np.ndarray) -> np.ndarray:
    """Days from charge to the hearing that decides the case."""
    median = np.where(gravity >= 6, 120.0, 50.0)
    bailed = median * np.exp(0.5 * rng.standard_normal(gravity.size))
    custody_time_limit = rng.integers(21, 112, gravity.size)  # remand cases are heard faster
    return np.maximum(np.where(remanded, custody_time_limit, bailed), 7).astype(np.int64)


def out_of_court(
    rng: np.random.Generator,
    types: np.ndarray,
    gravity: np.ndarray,
    youth: np.ndarray,
    priors: np.ndarray,
) -> np.ndarray:
    """The out-of-court outcome each offence would get, or CHARGED where it goes to court."""
    size = types.size
    roll = rng.random(size)
    # Young people: the graduated reprimand, final warning, then court; minor matters may get
    # a community resolution instead.
    young = np.where(
        roll < 0.25,
        COMMUNITY_RESOLUTION,
        np.where(priors == 0, REPRIMAND, np.where(priors == 1, FINAL_WARNING, CHARGED)),
    )
    # Adults with short records and minor offences: cautions, penalty notices, resolutions.
    pnd = PENALTY_NOTICE_TYPES[types]
    adult = np.where(
        roll < 0.45,
        CAUTIONED,
        np.where(
            pnd,
            np.where(roll < 0.8, PENALTY_NOTICE, COMMUNITY_RESOLUTION),
            np.where(roll < 0.65, CAUTIONED, COMMUNITY_RESOLUTION),
        ),
    )
    eligible = np.where(youth, (gravity <= 5) & (priors < 3), (gravity <= 4) & (priors < 4))
    diverted = eligible & (rng.random(size) < np.where(youth, 0.8, 0.55))
    return np.where(diverted, np.where(youth, young, adult), CHARGED)
