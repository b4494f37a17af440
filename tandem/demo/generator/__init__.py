"""The synthetic demo city: partnership, areas, agencies, demo staff and a population of
offenders with criminal careers, their police records and the truth behind them.

Everything here is synthetic and deterministic for a given seed, size and as-of day.
"""

from .build import CityData, build_city
from .city import (
    DEFAULT_PEOPLE,
    DEFAULT_SEED,
    DEFAULT_YEARS,
    CityExistsError,
    generate_city,
)
from .files import files_write
from .organisation import DEMO_PASSWORD, PARTNERSHIP_NAME, SignIn, demo_sign_ins
from .reset import reset_database
from .summary import CitySummary

__all__ = [
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "DEMO_PASSWORD",
    "PARTNERSHIP_NAME",
    "CityData",
    "CityExistsError",
    "CitySummary",
    "SignIn",
    "build_city",
    "demo_sign_ins",
    "files_write",
    "generate_city",
    "reset_database",
]
