"""The synthetic demo city: partnership, areas, agencies, demo staff and a PPO-like population.

Everything here is synthetic and deterministic for a given seed (dates are relative to today).
"""

from .city import DEFAULT_PEOPLE, DEFAULT_SEED, CityExistsError, CitySummary, generate_city
from .organisation import DEMO_PASSWORD, PARTNERSHIP_NAME, SignIn, demo_sign_ins
from .population import PersonPlan, plan_population
from .reset import reset_database

__all__ = [
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "PARTNERSHIP_NAME",
    "CityExistsError",
    "CitySummary",
    "PersonPlan",
    "SignIn",
    "demo_sign_ins",
    "generate_city",
    "plan_population",
    "reset_database",
]
