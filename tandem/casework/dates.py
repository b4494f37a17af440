"""Calendar arithmetic casework needs: months ahead, as people count them."""

from __future__ import annotations

import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it does not exist)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
