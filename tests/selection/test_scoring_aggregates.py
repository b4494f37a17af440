"""The database's count-up (`load_aggregates`) gives exactly what the polars path gives.

Scoring runs let the database count each person's rows up; the backtest reads the rows and
counts them in polars. Both must give the same scores, components and ranks, band edges,
the look-back window's edges and the as-of cut-off included, on hand-made rows.
"""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest

from tandem.offending.models import DrugTest, Offence, OffenceType
from tandem.people.models import Address, StatusEpisode
from tandem.selection.criteria import DEFAULT_PPO, PERSISTENT_OFFENDER_RULE, Criteria
from tandem.selection.inputs import load_aggregates, load_inputs
from tandem.selection.models import LocalIntelligence
from tandem.selection.scoring import aggregate, months_before, score, score_people

from ..factories import make_person

AS_OF = dt.date(2026, 6, 30)
WINDOW_START = months_before(AS_OF, 12)
ADULT = dt.date(1990, 4, 1)
_refs = itertools.count()


def days_ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


def add_offence(person, code, day, *, outcome="nfa", sanction=None):
    return Offence.objects.create(
        person=person,
        offence_type=OffenceType.objects.get(code=code),
        offence_date=day,
        outcome=outcome,
        sanction_date=sanction,
        source_system="TEST",
        source_ref=f"agg-{next(_refs)}",
    )


def add_test(person, day, *, opiates="negative", cocaine="negative"):
    DrugTest.objects.create(
        person=person, test_date=day, setting="arrest", opiates=opiates, cocaine=cocaine,
        other="not_tested", source_system="TEST", source_ref=f"agg-{next(_refs)}",
    )  # fmt: skip


def add_address(person, area, start, end=None, kind=Address.Kind.HOME):
    Address.objects.create(
        person=person, kind=kind, line1="1 Test Street", town="Testtown", area=area,
        start_date=start, end_date=end,
    )  # fmt: skip


@pytest.fixture
def world(cast):
    """People whose rows sit on every edge scoring has, with rows dated after AS_OF too."""
    a, b = cast.area_a, cast.area_b
    people = {}

    # Recency band edges: one person per distance from the date.
    for n in (0, 30, 31, 90, 91, 180, 181, 364):
        people[f"last {n} days ago"] = p = make_person(area=a, date_of_birth=ADULT)
        add_offence(p, "SHOPLIFTING", days_ago(n))
    # Frequency and gravity band edges: 3, 6, 10 and 15 offences of gravity 2 or 6.
    for count, code in ((3, "SHOPLIFTING"), (6, "BURGLARY-DWELLING"), (10, "SHOPLIFTING"),
                        (15, "SHOPLIFTING")):  # fmt: skip
        people[f"{count} offences"] = p = make_person(area=b, date_of_birth=ADULT)
        for i in range(count):
            add_offence(p, code, days_ago(10 + i))

    # The window's edges, the cut-off, what does not count and what counts differently.
    p = people["edges"] = make_person(area=a, date_of_birth=ADULT, sex="female")
    add_offence(p, "THEFT-OTHER", WINDOW_START)  # on the start: outside the window
    add_offence(p, "THEFT-OTHER", WINDOW_START + dt.timedelta(days=1))
    add_offence(p, "NO-INSURANCE", days_ago(5))  # not recordable
    add_offence(p, "DRUG-POSS-BC", days_ago(6), outcome="cautioned", sanction=days_ago(4))
    add_offence(p, "ROBBERY-PERSONAL", AS_OF + dt.timedelta(days=1))  # after the date
    # Committed before the date, convicted after it: the offence counts, the sanction not.
    add_offence(p, "BURGLARY-DWELLING", days_ago(20), outcome="convicted", sanction=AS_OF
                + dt.timedelta(days=3))  # fmt: skip
    add_offence(p, "FRAUD", dt.date(2012, 5, 1), outcome="reprimand", sanction=dt.date(2012, 6, 1))
    add_offence(p, "FRAUD", dt.date(2015, 5, 1), outcome="acquitted", sanction=None)
    add_test(p, days_ago(3), opiates="positive")
    add_test(p, days_ago(2), cocaine="positive")
    add_test(p, days_ago(1))  # negative
    add_test(p, WINDOW_START, opiates="positive")  # on the start: outside
    add_test(p, AS_OF + dt.timedelta(days=1), opiates="positive")  # after the date
    for points, recorded, expires in (
        (2.1, days_ago(10), AS_OF + dt.timedelta(days=30)),
        (0.7, days_ago(40), AS_OF + dt.timedelta(days=1)),
        (50.0, days_ago(90), AS_OF),  # expired on the date
        (9.0, AS_OF + dt.timedelta(days=1), AS_OF + dt.timedelta(days=60)),  # recorded after
    ):
        LocalIntelligence.objects.create(
            person=p, points=points, reason="test", recorded_on=recorded, expires_on=expires,
            recorded_by=cast.coordinator,
        )  # fmt: skip

    # Sanctioned together for offences committed the same day: the later record decides.
    p = people["tied sanctions"] = make_person(area=a, date_of_birth=dt.date(2000, 1, 1))
    add_offence(p, "ROBBERY-PERSONAL", dt.date(2016, 3, 1), outcome="convicted",
                sanction=dt.date(2016, 5, 1))  # fmt: skip
    add_offence(p, "BURGLARY-DWELLING", days_ago(60), outcome="convicted", sanction=days_ago(30))
    add_offence(p, "BAIL", days_ago(60), outcome="convicted", sanction=days_ago(30))
    add_offence(p, "THEFT-OTHER", days_ago(70), outcome="final_warning", sanction=days_ago(30))

    # Age on the date: 18 that day, and 17 (a day short).
    p = people["18 today"] = make_person(area=a, date_of_birth=dt.date(2008, 6, 30))
    add_offence(p, "ABH", days_ago(2))
    p = people["17"] = make_person(area=a, date_of_birth=dt.date(2008, 7, 1))
    add_offence(p, "ABH", days_ago(2))

    # Custody: beyond the limit, open until the date itself, ended, not custody, not begun.
    p = people["in custody"] = make_person(area=b, date_of_birth=ADULT)
    add_offence(p, "GBH", days_ago(100), outcome="convicted", sanction=days_ago(50))
    for kind, start, end, release in (
        ("sentenced", days_ago(50), None, AS_OF + dt.timedelta(days=400)),
        ("remand", days_ago(200), AS_OF, AS_OF + dt.timedelta(days=500)),  # open on the date
        ("remand", days_ago(300), days_ago(250), AS_OF + dt.timedelta(days=900)),
        ("licence", days_ago(10), None, AS_OF + dt.timedelta(days=999)),
        ("sentenced", AS_OF + dt.timedelta(days=1), None, AS_OF + dt.timedelta(days=999)),
    ):
        StatusEpisode.objects.create(
            person=p, kind=kind, start_date=start, end_date=end, expected_end_date=release
        )
    p = people["custody, no release date"] = make_person(area=b, date_of_birth=ADULT)
    add_offence(p, "GBH", days_ago(100))
    StatusEpisode.objects.create(person=p, kind="remand", start_date=days_ago(5))

    # Where people lived on the date.
    p = people["moved to B"] = make_person(area=a, date_of_birth=ADULT)
    add_offence(p, "TWOC", days_ago(15))
    add_address(p, b, days_ago(100))  # the latest residential address wins
    add_address(p, a, days_ago(10), kind=Address.Kind.PRISON)  # not residential
    add_address(p, a, AS_OF + dt.timedelta(days=1))  # not yet
    p = people["two homes from one day"] = make_person(area=a, date_of_birth=ADULT)
    add_offence(p, "TWOC", days_ago(15))
    add_address(p, a, days_ago(100))
    add_address(p, b, days_ago(100))  # same start: the later record wins
    p = people["moved away"] = make_person(area=a, date_of_birth=ADULT)
    add_offence(p, "TWOC", days_ago(15))
    p.addresses.update(end_date=days_ago(1))
    p = people["address ends on the date"] = make_person(area=b, date_of_birth=ADULT)
    add_offence(p, "TWOC", days_ago(15))
    p.addresses.update(end_date=AS_OF)

    people["no record"] = make_person(area=a, date_of_birth=ADULT)
    return people


CRITERIA = {
    "default": DEFAULT_PPO,
    "persistent offender rule": PERSISTENT_OFFENDER_RULE,
    "six months, no custody limit": Criteria(
        lookback_months=6, exclude_in_custody_beyond_days=None
    ),
}


@pytest.mark.parametrize("criteria", list(CRITERIA.values()), ids=list(CRITERIA))
@pytest.mark.parametrize(
    "as_of",
    [AS_OF, AS_OF - dt.timedelta(days=1), AS_OF + dt.timedelta(days=1), days_ago(30),
     WINDOW_START, dt.date(2016, 5, 1)],
)  # fmt: skip
def test_the_database_counts_as_polars_does(world, criteria, as_of):
    rows = load_inputs(as_of)
    counted = load_aggregates(as_of, criteria)
    assert counted.schema == aggregate(rows, criteria, as_of).schema
    assert counted.sort("person_id").equals(aggregate(rows, criteria, as_of).sort("person_id"))
    assert score_people(counted, criteria, as_of).equals(score(rows, criteria, as_of))


def row(frame: pl.DataFrame, person) -> dict:
    return frame.filter(pl.col("person_id") == person.pk).to_dicts()[0]


def test_nothing_dated_after_the_date_counts(world):
    edges = row(load_aggregates(AS_OF, DEFAULT_PPO), world["edges"])
    assert edges["frequency"] == 3  # in the window, recordable, committed by the date
    assert edges["gravity_sum"] == 2 + 1 + 6
    assert edges["last_offence"] == days_ago(6)
    assert edges["drug_offences"] == 1
    assert edges["sanctions"] == 2  # the reprimand and the caution, not the later conviction
    assert (edges["first_sanction"], edges["last_sanction"]) == (dt.date(2012, 6, 1), days_ago(4))
    assert edges["current_group"] == "drug_possession_supply"
    assert edges["positive_tests"] == 2
    assert edges["intelligence"] == pytest.approx(2.8)
    assert row(load_aggregates(days_ago(5), DEFAULT_PPO), world["edges"])["sanctions"] == 1


def test_bands_exclusions_and_residence(cast, world):
    scored = score_people(load_aggregates(AS_OF, DEFAULT_PPO), DEFAULT_PPO, AS_OF)
    recency = {n: row(scored, world[f"last {n} days ago"])["recency_points"]
               for n in (0, 30, 31, 90, 91, 180, 181, 364)}  # fmt: skip
    assert recency == {0: 10, 30: 10, 31: 7, 90: 7, 91: 4, 180: 4, 181: 1, 364: 1}
    frequency = [row(scored, world[f"{n} offences"])["frequency_points"] for n in (3, 6, 10, 15)]
    assert frequency == [3, 6, 8, 10]
    assert row(scored, world["6 offences"])["gravity_points"] == 8  # six burglaries: 36
    assert row(scored, world["18 today"])["eligible"]
    assert not row(scored, world["17"])["eligible"]
    custody = row(scored, world["in custody"])
    assert custody["excluded"] == "in custody beyond the limit"
    assert custody["expected_release"] == AS_OF + dt.timedelta(days=500)
    assert row(scored, world["custody, no release date"])["excluded"] is None
    assert row(scored, world["moved to B"])["area_id"] == cast.area_b.pk
    assert row(scored, world["two homes from one day"])["area_id"] == cast.area_b.pk
    assert row(scored, world["moved away"])["excluded"] == "lives outside the partnership"
    assert row(scored, world["address ends on the date"])["area_id"] == cast.area_b.pk


def test_tied_sanctions_take_the_group_of_the_later_record(world):
    """Burglary and bail, sanctioned together, committed the same day: bail was recorded last."""
    counted = row(load_aggregates(AS_OF, DEFAULT_PPO), world["tied sanctions"])
    assert counted["current_group"] == "absconding_bail"
    assert counted["sanctions"] == 4
    polars = aggregate(load_inputs(AS_OF), DEFAULT_PPO, AS_OF)
    assert row(polars, world["tied sanctions"])["current_group"] == "absconding_bail"
