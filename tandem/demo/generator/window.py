"""The generator's calendar: days as integers, and the window of years it simulates.

Every date inside the generator is a day number (days since 1 January 1970), so numpy can
do date arithmetic on millions of offences at once; polars turns them back into dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EPOCH = dt.date(1970, 1, 1)
DAYS_A_YEAR = 365.25
# A day number later than any date the generator draws: "no such date".
NEVER = 10**7


def day_number(day: dt.date) -> int:
    """Days since 1 January 1970."""
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Window:
    """The simulated years: offending from `start` to `end` (the as-of day), inclusive."""

    as_of: dt.date
    years: int

    @property
    def start(self) -> int:
        return day_number(years_before(self.as_of, self.years)) + 1

    @property
    def end(self) -> int:
        return day_number(self.as_of)

    @property
    def days(self) -> int:
        return self.end - self.start + 1
