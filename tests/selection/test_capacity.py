"""Capacity follows the scale of offending, with a floor, and always adds up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.selection.capacity import share_capacity


def test_proportional_with_floor():
    shares = share_capacity(270, {1: 5000, 2: 2500, 3: 100}, floor=10)
    assert sum(shares.values()) == 270
    assert shares[3] >= 10
    assert shares[1] > shares[2] > shares[3]


def test_floor_wins_when_the_total_is_too_small():
    assert share_capacity(20, {1: 10, 2: 0, 3: 5}, floor=10) == {1: 10, 2: 10, 3: 10}


def test_no_offences_anywhere_splits_evenly():
    assert share_capacity(9, {1: 0, 2: 0, 3: 0}, floor=0) == {1: 3, 2: 3, 3: 3}


def test_negative_is_refused():
    with pytest.raises(ValueError):
        share_capacity(-1, {1: 1}, floor=0)


@given(
    total=st.integers(0, 1000),
    offences=st.dictionaries(st.integers(1, 20), st.integers(0, 10_000), min_size=1, max_size=9),
    floor=st.integers(0, 40),
)
def test_always_sums_and_respects_the_floor(total, offences, floor):
    shares = share_capacity(total, offences, floor)
    assert set(shares) == set(offences)
    assert all(v >= floor for v in shares.values())
    if floor * len(offences) < total:
        assert sum(shares.values()) == total
