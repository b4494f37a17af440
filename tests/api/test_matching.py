"""Finding the person for the custody check: exact or offered as candidates, never guessed."""

from __future__ import annotations

import datetime as dt

import time_machine

from tandem.api.models import CheckPurpose, CheckStatus
from tandem.api.selectors import (
    RECENT_EXIT_DAYS,
    CheckQuery,
    answer_for,
    candidate_person,
    candidate_reference,
    dates_of_birth_near,
    person_match,
)
from tandem.casework.models import AllocationTrigger
from tandem.casework.services import allocations_end
from tandem.cohort.models import EndReason
from tandem.cohort.services import membership_end
from tandem.core.access import today
from tandem.people.models import IdentifierKind
from tandem.people.services import identifier_add

from ..factories import make_person
from .conftest import AREA_INSTRUCTION, DEFAULT_INSTRUCTION, PNC


def by_name(person, first=None, last=None, born=None) -> CheckQuery:
    return CheckQuery(
        first_name=first if first is not None else person.first_name,
        last_name=last if last is not None else person.last_name,
        date_of_birth=born or person.date_of_birth,
    )


def answer(person):
    return answer_for(person, purpose=CheckPurpose.ARREST, checked_at=dt.datetime.now(dt.UTC))


def test_exact_pnc_in_any_spacing_or_case(ppo):
    for typed in (PNC, "2004/0123456m", " 20040123456M ", "2004 0123456 M"):
        assert person_match(CheckQuery(pnc=typed)).person == ppo.person


def test_a_pnc_nobody_has_is_no_match_and_offers_no_one(ppo):
    match = person_match(CheckQuery(pnc="2004/0999999Z"))
    assert match.person is None and match.candidates == []


def test_a_pnc_nobody_has_falls_back_to_the_name_when_given(ppo):
    query = CheckQuery(pnc="2004/0999999Z", first_name="Jordan", last_name="O'Neil-Smith",
                       date_of_birth=ppo.person.date_of_birth)  # fmt: skip
    assert person_match(query).person == ppo.person


def test_exact_name_and_date_of_birth_ignoring_punctuation_and_case(ppo):
    person = ppo.person
    assert person_match(by_name(person, "JORDAN", "o neil smith")).person == person
    assert person_match(by_name(person, "Jordan Lee", "ONeil-Smith")).person == person


def test_names_in_either_order(ppo):
    person = ppo.person
    assert person_match(by_name(person, "O'Neil-Smith", "Jordan")).person == person


def test_an_alias_with_the_date_of_birth(ppo):
    assert person_match(by_name(ppo.person, "Jay", "Marlowe")).person == ppo.person


def test_a_misspelt_name_is_a_candidate_not_the_answer(ppo):
    match = person_match(by_name(ppo.person, "Jordon", "ONeill-Smith"))
    assert match.person is None
    assert match.candidates == [ppo.person]


def test_a_date_of_birth_with_day_and_month_swapped_is_a_candidate(cast):
    person = make_person(area=cast.area_a, first_name="Kyle", last_name="Brennan",
                         date_of_birth=dt.date(1999, 4, 7))  # fmt: skip
    match = person_match(by_name(person, born=dt.date(1999, 7, 4)))
    assert match.person is None and match.candidates == [person]


def test_a_date_of_birth_one_digit_out_is_a_candidate(cast):
    person = make_person(area=cast.area_a, first_name="Kyle", last_name="Brennan",
                         date_of_birth=dt.date(1999, 4, 17))  # fmt: skip
    for typed in (dt.date(1999, 4, 27), dt.date(1998, 4, 17), dt.date(1999, 4, 18)):
        match = person_match(by_name(person, born=typed))
        assert match.person is None and match.candidates == [person], typed


def test_someone_else_with_the_same_birthday_is_not_a_candidate(ppo, cast):
    make_person(area=cast.area_b, first_name="Priya", last_name="Desai",
                date_of_birth=ppo.person.date_of_birth)  # fmt: skip
    match = person_match(by_name(ppo.person, "Jordan", "O'Neil-Smith"))
    assert match.person == ppo.person
    assert person_match(by_name(ppo.person, "Aled", "Rhys")).candidates == []


def test_two_people_with_the_same_name_and_birthday_are_both_candidates(cast):
    born = dt.date(1990, 1, 1)
    one = make_person(area=cast.area_a, first_name="Sam", last_name="Hughes", date_of_birth=born)
    two = make_person(area=cast.area_b, first_name="Sam", last_name="Hughes", date_of_birth=born)
    match = person_match(by_name(one))
    assert match.person is None and set(match.candidates) == {one, two}


def test_no_match_at_all(cast):
    match = person_match(CheckQuery(first_name="Nobody", last_name="Anywhere",
                                    date_of_birth=dt.date(1980, 2, 2)))  # fmt: skip
    assert match.person is None and match.candidates == []


def test_dates_one_slip_away():
    near = dates_of_birth_near(dt.date(1999, 4, 7))
    assert dt.date(1999, 7, 4) in near and dt.date(1999, 4, 8) in near
    assert dt.date(1989, 4, 7) in near and dt.date(1999, 4, 7) not in near
    assert all(d <= today() for d in near)


def test_a_candidate_reference_works_only_for_the_officer_it_was_offered_to(ppo, cast):
    reference = candidate_reference(cast.custody, ppo.person)
    assert candidate_person(cast.custody, reference) == ppo.person
    assert candidate_person(cast.om, reference) is None
    assert candidate_person(cast.custody, reference[:-2] + "xx") is None
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        assert candidate_person(cast.custody, reference) is None


def test_a_current_ppo_with_their_lead_and_the_area_instruction(ppo, cast):
    result = answer(ppo.person)
    assert result.status == CheckStatus.PPO
    assert result.scheme == "Prolific and other Priority Offenders"
    assert result.strand == "Catch and convict"
    assert result.contact is not None and result.contact.name == cast.om.get_full_name()
    assert result.contact.phone == "01632 960111"
    assert result.instruction == AREA_INSTRUCTION


def test_the_default_instruction_where_the_area_has_none(ppo, cast):
    from tandem.api.models import CustodyInstruction

    CustodyInstruction.objects.filter(area=cast.area_a).delete()
    assert answer(ppo.person).instruction == DEFAULT_INSTRUCTION


def test_a_recent_leaver_within_the_window_and_not_after(ppo, cast):
    left = today() - dt.timedelta(days=RECENT_EXIT_DAYS)
    membership_end(actor=None, membership=ppo.membership, end_date=left,
                   end_reason=EndReason.EXIT_CRITERIA_MET)  # fmt: skip
    allocations_end(actor=None, person=ppo.person, end_date=left, trigger=AllocationTrigger.EXIT)
    result = answer(ppo.person)
    assert result.status == CheckStatus.FORMER_PPO and result.left_cohort_on == left
    # No lead once they have left: the coordination team takes the call.
    assert result.contact is not None and result.contact.role == "PPO coordination team"
    assert result.contact.name == "Test Partnership Team"
    later = answer_for(ppo.person, purpose=CheckPurpose.ARREST,
                       checked_at=dt.datetime.now(dt.UTC),
                       on=today() + dt.timedelta(days=1))  # fmt: skip
    assert later.status == CheckStatus.NOT_PPO


def test_not_a_ppo_says_nothing_else(cast):
    identifier_add(actor=None, person=cast.person_b, kind=IdentifierKind.PNC, value="2001/0000001A")
    result = answer(cast.person_b)
    assert result.status == CheckStatus.NOT_PPO
    assert result.as_dict()["person"] is None
    assert [k for k, v in result.as_dict().items() if v not in (None, [])] == [
        "status", "summary", "purpose", "checked_at",
    ]  # fmt: skip
