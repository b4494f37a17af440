"""Working days in England and Wales: weekends and bank holidays (substitute days included)
do not count, so the five-day acknowledgement clock runs over Easter and Christmas."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.referrals.working_days import (
    add_working_days,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # Christmas 2026: Christmas Day on a Friday, Boxing Day (Saturday) observed on Monday
        # 28 December, New Year's Day on a Friday.
        (D(2026, 12, 24), D(2027, 1, 5)),
        (D(2026, 12, 23), D(2027, 1, 4)),
        (D(2026, 12, 29), D(2027, 1, 6)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (D(2026, 4, 2), D(2026, 4, 13)),
        (D(2026, 4, 3), D(2026, 4, 13)),  # sent on Good Friday itself
        (D(2026, 3, 31), D(2026, 4, 9)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (D(2027, 3, 25), D(2027, 4, 5)),
        (D(2027, 3, 24), D(2027, 4, 2)),
        # Christmas 2027: both days on a weekend, observed Monday 27 and Tuesday 28
        # December; New Year's Day 2028 (a Saturday) observed on Monday 3 January.
        (D(2027, 12, 24), D(2028, 1, 5)),
        (D(2027, 12, 23), D(2028, 1, 4)),
        # An ordinary week: Friday to the next Friday.
        (D(2026, 6, 5), D(2026, 6, 12)),
    ],
)
def test_five_working_days_after_sending(sent, due):
    assert add_working_days(sent, 5) == due
    assert working_days_between(sent, due) == 5


@pytest.mark.parametrize(
    "day",
    [D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2026, 4, 3), D(2026, 4, 6),
     D(2027, 3, 26), D(2027, 3, 29), D(2027, 12, 27), D(2027, 12, 28), D(2028, 1, 3),
     D(2026, 8, 31), D(2026, 12, 26), D(2026, 12, 27)],
)  # fmt: skip
def test_bank_holidays_and_weekends_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    # Scottish bank holidays (2 January, the first Monday in August, St Andrew's Day) are
    # working days in England and Wales; so are Christmas Eve and New Year's Eve.
    [D(2026, 1, 2), D(2026, 8, 3), D(2026, 11, 30), D(2026, 12, 24), D(2026, 12, 31)],
)
def test_other_days_are_working_days(day):
    assert is_working_day(day)


def test_zero_days_is_the_start_and_negative_days_are_refused():
    assert add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 25)
    assert working_days_between(D(2027, 1, 5), D(2026, 12, 24)) == 0
    with pytest.raises(ValueError):
        add_working_days(D(2026, 12, 24), -1)


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=40),
)
def test_adding_and_counting_agree(start, days):
    due = add_working_days(start, days)
    assert is_working_day(due)
    assert working_days_between(start, due) == days
    assert working_days_between(start, due - dt.timedelta(days=1)) == days - 1
