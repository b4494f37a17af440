"""OGRS3 against cases worked by hand from the published formula (reference/ogrs3.md)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.selection.ogrs3 import (
    OFFENCE_GROUPS,
    Ogrs3InputError,
    age_sex_term,
    ogrs3_probabilities,
    probation_band,
)


def logistic(z: float) -> float:
    return math.exp(z) / (1 + math.exp(z))


def test_first_sanction_burglary_man_aged_19():
    # z1 = 1.402562384 + (-0.625103618) + 0.126142106 + 1.251124464*ln(1/(10+19-19))
    #      + (-0.12394352)
    copas = 1.251124464 * math.log(1 / 10)
    z1 = 1.402562384 - 0.625103618 + 0.126142106 + copas - 0.12394352
    z2 = 2.121705678 - 0.625103618 + 0.126142106 + copas - 0.12394352
    one, two = ogrs3_probabilities(
        sex="male", age_at_start=19, age_at_conviction=19, age_at_first_sanction=19,
        sanctions=1, offence_group="burglary_domestic",
    )  # fmt: skip
    assert one == pytest.approx(logistic(z1), abs=1e-12)
    assert two == pytest.approx(logistic(z2), abs=1e-12)
    assert one == pytest.approx(0.1090, abs=1e-4)  # worked on paper: z1 = -2.1012


def test_prolific_shoplifter_woman_aged_27():
    # 14 sanctions including this one, first at 14, now 26, follow-up starts at 27.
    copas = 1.251124464 * math.log(14 / (10 + 26 - 14))
    z2 = 2.121705678 - 1.052777806 + 0.463062792 + copas + 0.661244321
    _, two = ogrs3_probabilities(
        sex="female", age_at_start=27, age_at_conviction=26, age_at_first_sanction=14,
        sanctions=14, offence_group="theft_non_motor",
    )  # fmt: skip
    assert two == pytest.approx(logistic(z2), abs=1e-12)
    assert probation_band(two) == "high"


@pytest.mark.parametrize(
    ("age", "male", "female"),
    [(10, 0, -0.785038489), (11, 0, -0.785038489), (17, -0.061594199, -0.959179629),
     (18, -0.625103618, -0.897480934), (20, -0.625103618, -0.897480934),
     (21, -1.051515067, -1.028488454), (49, -1.499690953, -1.524652221),
     (50, -2.025261458, -2.44983716), (90, -2.025261458, -2.44983716)],
)  # fmt: skip
def test_age_band_edges(age, male, female):
    assert age_sex_term("male", age) == male
    assert age_sex_term("female", age) == female


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"age_at_start": 9}, "age_at_start"), ({"age_at_conviction": 9}, "age_at_conviction"),
     ({"age_at_first_sanction": 9}, "age_at_first_sanction"),
     ({"age_at_first_sanction": 30}, "age_at_first_sanction"), ({"sanctions": 0}, "sanctions"),
     ({"offence_group": "burglary"}, "offence_group"), ({"sex": "unknown"}, "sex")],
)  # fmt: skip
def test_invalid_inputs_name_the_field(changes, field):
    inputs = dict(
        sex="male", age_at_start=25, age_at_conviction=25, age_at_first_sanction=15,
        sanctions=5, offence_group="violence",
    )  # fmt: skip
    inputs.update(changes)
    with pytest.raises(Ogrs3InputError) as raised:
        ogrs3_probabilities(**inputs)
    assert raised.value.field == field


def test_the_twenty_groups_of_the_issue_are_accepted():
    assert {
        "violence", "robbery", "public_order", "sexual_not_child", "sexual_child", "soliciting",
        "burglary_domestic", "burglary_other", "theft_non_motor", "handling", "fraud_forgery",
        "absconding_bail", "taking_driving_away", "theft_from_vehicle", "drink_driving",
        "other_motoring", "criminal_damage", "drug_import_export_production",
        "drug_possession_supply", "other",
    } == OFFENCE_GROUPS  # fmt: skip


@given(
    sex=st.sampled_from(["male", "female"]),
    first=st.integers(10, 60),
    gap=st.integers(0, 40),
    start_delay=st.integers(0, 5),
    sanctions=st.integers(1, 80),
    group=st.sampled_from(sorted(OFFENCE_GROUPS)),
)
def test_probabilities_are_probabilities_and_two_years_is_higher(
    sex, first, gap, start_delay, sanctions, group
):
    one, two = ogrs3_probabilities(
        sex=sex, age_at_start=first + gap + start_delay, age_at_conviction=first + gap,
        age_at_first_sanction=first, sanctions=sanctions, offence_group=group,
    )  # fmt: skip
    assert 0 < one < two < 1


def test_bands():
    assert [probation_band(p) for p in (0.49, 0.5, 0.74, 0.75, 0.89, 0.9)] == [
        "low", "medium", "medium", "high", "high", "very high",
    ]  # fmt: skip
