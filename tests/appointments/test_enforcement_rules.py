"""The National Standards enforcement rule (tandem.appointments.enforcement.flag_level):
breach is considered for a further unacceptable absence within 12 months of a WARNING,
not of any earlier absence. First the pure function, then the rule as the outcome services
apply it, with the warning or discretion decisions on the record."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.appointments.codes import EnforcementAction, EnforcementLevel, FlagStatus, Outcome
from tandem.appointments.enforcement import WARNING_ACTIONS, enforcement_decide, flag_level
from tandem.appointments.models import EnforcementFlag
from tandem.appointments.rules import LONDON, EnforcementPolicy
from tandem.appointments.services import outcome_record

from .conftest import at, book

NATIONAL = EnforcementPolicy(window_months=12, warning_after=1, breach_after=2)


def moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=LONDON)


# The pure rule ---------------------------------------------------------------------------


def test_a_first_miss_calls_for_a_warning():
    first = moment(2026, 3, 2)
    assert flag_level([], first, [], NATIONAL) == (EnforcementLevel.WARNING, 1)
    # The miss itself may be among the misses passed in: it counts once.
    assert flag_level([first], first, [], NATIONAL) == (EnforcementLevel.WARNING, 1)


def test_a_miss_within_twelve_months_of_a_warning_letter_calls_for_breach():
    first, letter = moment(2026, 3, 2), moment(2026, 3, 4)
    assert flag_level([first], moment(2026, 3, 9), [letter], NATIONAL) == (
        EnforcementLevel.BREACH,
        2,
    )
    # Up to the same day twelve months after the warning (and the first miss).
    assert flag_level([first], moment(2027, 3, 2), [letter], NATIONAL)[0] == EnforcementLevel.BREACH


def test_a_miss_after_discretion_calls_for_a_warning_again():
    """Discretion keeps the person on the scheme with no formal action: it is no warning,
    so the services pass no warning time for it, and two misses are still a warning."""
    assert EnforcementAction.DISCRETION not in WARNING_ACTIONS
    first = moment(2026, 3, 2)
    assert flag_level([first], moment(2026, 3, 9), [], NATIONAL) == (EnforcementLevel.WARNING, 2)


def test_a_miss_more_than_twelve_months_after_the_warning_calls_for_a_warning():
    first, letter = moment(2025, 1, 6), moment(2025, 1, 8)
    assert flag_level([first], moment(2026, 3, 2), [letter], NATIONAL) == (
        EnforcementLevel.WARNING,
        1,
    )
    # Even with another miss inside the window: the warning itself is too old.
    again = moment(2026, 2, 2)
    level, count = flag_level([first, again], moment(2026, 3, 2), [letter], NATIONAL)
    assert (level, count) == (EnforcementLevel.WARNING, 2)


def test_a_warning_given_after_the_miss_does_not_count_for_it():
    """A miss recorded late, from before the letter was sent, was not a miss after a
    warning."""
    earlier, miss, letter = moment(2026, 3, 2), moment(2026, 3, 9), moment(2026, 3, 10)
    assert flag_level([earlier], miss, [letter], NATIONAL)[0] == EnforcementLevel.WARNING


def test_the_thresholds_stay_configurable():
    lenient = EnforcementPolicy(window_months=6, warning_after=2, breach_after=3)
    letter = moment(2026, 1, 5)
    # One miss: nothing to decide yet.
    assert flag_level([], moment(2026, 1, 1), [], lenient) == (None, 1)
    # Two in six months: a warning.
    assert flag_level([moment(2026, 1, 1)], moment(2026, 2, 1), [], lenient)[0] == (
        EnforcementLevel.WARNING
    )
    # Three after a warning, within six months of it: breach; without one, still a warning.
    misses = [moment(2026, 1, 1), moment(2026, 2, 1)]
    assert flag_level(misses, moment(2026, 3, 1), [letter], lenient)[0] == EnforcementLevel.BREACH
    assert flag_level(misses, moment(2026, 3, 1), [], lenient)[0] == EnforcementLevel.WARNING
    # More than six months after the letter: a warning.
    later = [moment(2026, 6, 1), moment(2026, 7, 1)]
    assert flag_level(later, moment(2026, 7, 20), [letter], lenient)[0] == (
        EnforcementLevel.WARNING
    )


def test_every_formal_action_is_a_warning():
    assert frozenset(EnforcementAction) - WARNING_ACTIONS == frozenset(
        {EnforcementAction.DISCRETION}
    )


# The rule as the services apply it -------------------------------------------------------


def _miss(cast, clock, days: int):
    meeting = book(cast.om, cast.person, days=days, enforceable=True)
    clock.move_to(at(days, "12:00"))
    outcome_record(actor=cast.om, appointment=meeting, outcome=Outcome.UNACCEPTABLE_ABSENCE)
    return EnforcementFlag.objects.get(status=FlagStatus.OPEN)


def _decide(lead, flag, action: str) -> None:
    enforcement_decide(actor=lead, flag=flag, action=action, reason="Talked it through with him")


@pytest.mark.parametrize(
    ("action", "level"),
    [
        (EnforcementAction.FIRST_WARNING_LETTER, EnforcementLevel.BREACH),
        (EnforcementAction.DISCRETION, EnforcementLevel.WARNING),
    ],
)
def test_the_second_miss_depends_on_the_decision_on_the_first(cast, clock, lead, action, level):
    _decide(lead, _miss(cast, clock, 1), action)
    second = _miss(cast, clock, 8)
    assert second.level == level and second.missed_count == 2


def test_after_discretion_then_a_warning_letter_breach_follows(cast, clock, lead):
    _decide(lead, _miss(cast, clock, 1), EnforcementAction.DISCRETION)
    second = _miss(cast, clock, 8)
    assert second.level == EnforcementLevel.WARNING
    _decide(lead, second, EnforcementAction.FIRST_WARNING_LETTER)
    third = _miss(cast, clock, 15)
    assert third.level == EnforcementLevel.BREACH and third.missed_count == 3


def test_a_miss_more_than_twelve_months_after_the_warning_letter(cast, clock, lead):
    _decide(lead, _miss(cast, clock, 1), EnforcementAction.FIRST_WARNING_LETTER)
    # Thirteen months on (the booking is made the week before).
    clock.move_to(at(390, "09:00"))
    later = _miss(cast, clock, 400)
    assert later.level == EnforcementLevel.WARNING and later.missed_count == 1


def test_a_withdrawn_flag_warned_nobody(cast, clock, lead):
    """Only a decision is a warning: a flag corrected away before any decision leaves the
    next miss at warning level."""
    from tandem.appointments.services import outcome_correct

    flag = _miss(cast, clock, 1)
    outcome_correct(actor=cast.om, appointment=flag.appointment, outcome=Outcome.ATTENDED_COMPLIED,
                    reason="Signed in at reception after all")  # fmt: skip
    assert _miss(cast, clock, 8).level == EnforcementLevel.WARNING
