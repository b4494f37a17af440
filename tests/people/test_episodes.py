"""Status episodes: recording, ending and correcting them with their checks; the current
status, the next key date and the monitoring level at liberty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.access import today
from tandem.people import services
from tandem.people.models import Monitoring, StatusEpisode
from tandem.people.selectors import statuses_for
from tandem.people.status import KeyDate, current_status

from ..factories import make_person


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def add(cast, **fields):
    return services.episode_add(actor=cast.om, person=cast.person, **fields)


def errors(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.message_dict


def test_custody_spells_may_not_overlap(cast):
    add(cast, kind="remand", start_date=days(-100), end_date=days(-61))
    # The day after remand ends, the sentence may start.
    sentence = add(cast, kind="sentenced", start_date=days(-60), sentence_months=6)
    found = errors(add, cast, kind="remand", start_date=days(-10))
    assert found == {
        "start_date": ["This overlaps another spell in custody: end or correct that spell first"]
    }
    found = errors(add, cast, kind="sentenced", start_date=days(-200), end_date=days(-80))
    assert "start_date" in found
    # A licence or an order alongside custody is another matter.
    add(cast, kind="community_order", start_date=days(-30), requirements=["supervision"])
    assert StatusEpisode.objects.filter(person=cast.person).count() == 3
    # Correcting a spell does not collide with itself.
    services.episode_correct(
        actor=cast.om, episode=sentence, start_date=days(-59), end_date=None, sentence_months=7
    )


def test_dates_must_run_forwards(cast):
    assert errors(add, cast, kind="licence", start_date=days(-10), end_date=days(-11)) == {
        "end_date": ["The end date must be on or after the start date"]
    }
    assert errors(
        add, cast, kind="sentenced", start_date=days(-10), expected_end_date=days(-10)
    ) == {"expected_end_date": ["The expected release date must be after the start date"]}
    assert "start_date" in errors(add, cast, kind="licence", start_date=days(1))
    assert not StatusEpisode.objects.filter(person=cast.person).exists()


def test_outcome_only_on_an_ended_order(cast):
    found = errors(
        add, cast, kind="community_order", start_date=days(-10), requirements=["curfew"],
        outcome="completed",
    )  # fmt: skip
    assert found == {"outcome": ["An order has an outcome only once it has ended"]}
    assert "outcome" in errors(
        add, cast, kind="licence", start_date=days(-10), end_date=days(-1), outcome="completed"
    )
    order = add(cast, kind="community_order", start_date=days(-10), requirements=["curfew"])
    assert errors(services.episode_end, actor=cast.om, episode=order, end_date=days(-1)) == {
        "outcome": ["Say how the order ended: completed, revoked or breached"]
    }
    services.episode_end(actor=cast.om, episode=order, end_date=days(-1), outcome="breached")
    order.refresh_from_db()
    assert (order.end_date, order.outcome) == (days(-1), "breached")
    assert "end_date" in errors(
        services.episode_end, actor=cast.om, episode=order, end_date=days(0), outcome="completed"
    )


def test_details_belong_to_their_kind(cast):
    assert "kind" in errors(add, cast, kind="licence", start_date=days(-1), sentence_months=3)
    assert "kind" in errors(add, cast, kind="remand", start_date=days(-1), requirements=["curfew"])
    assert "requirements" in errors(
        add, cast, kind="community_order", start_date=days(-1), requirements=["flogging"]
    )
    order = add(
        cast, kind="community_order", start_date=days(-1),
        requirements=["unpaid_work", "supervision", "unpaid_work"],
    )  # fmt: skip
    assert order.requirements == ["unpaid_work", "supervision"]  # the list's order, once each
    assert order.requirement_labels == ["Unpaid work", "Supervision (rehabilitation activity)"]


def test_correction_keeps_history_with_the_user(cast):
    episode = add(cast, kind="sentenced", start_date=days(-30), sentence_months=4)
    services.episode_correct(
        actor=cast.om, episode=episode, start_date=days(-30), end_date=None, sentence_months=5,
        sentence_days=10, release_type="hdc",
    )  # fmt: skip
    episode.refresh_from_db()
    assert episode.sentence_length == "5 months 10 days"
    latest = episode.history.first()
    assert latest.history_user == cast.om and latest.sentence_months == 5


def test_next_key_date_is_the_earliest_to_come(cast):
    sentence = add(
        cast, kind="sentenced", start_date=days(-30), expected_end_date=days(40),
        next_review_date=days(10), sentence_months=6,
    )  # fmt: skip
    order = add(
        cast, kind="community_order", start_date=days(-300), expected_end_date=days(5),
        requirements=["supervision"],
    )  # fmt: skip
    status = current_status([sentence, order], today())
    assert status.label == "In custody, sentenced"
    assert status.next_key_date == KeyDate(days(5), "Order ends")
    later = current_status([sentence], days(11))
    assert later.next_key_date == KeyDate(days(40), "Expected release")


def test_at_liberty_shows_the_monitoring_level_and_its_review(cast):
    services.monitoring_set(actor=cast.om, person=cast.person, level="basic", start_date=days(-100))
    services.monitoring_set(
        actor=cast.om, person=cast.person, level="proactive", start_date=days(-5),
        review_date=days(20), note="Offending again",
    )  # fmt: skip
    levels = list(Monitoring.objects.filter(person=cast.person).order_by("start_date"))
    assert [m.end_date for m in levels] == [days(-6), None]
    status = current_status([], today(), levels)
    assert status.at_liberty and status.monitoring == levels[-1]
    assert levels[-1].level == "proactive"
    assert status.next_key_date == KeyDate(days(20), "Monitoring review")
    assert "start_date" in errors(
        services.monitoring_set, actor=cast.om, person=cast.person, level="basic",
        start_date=days(-5),
    )  # fmt: skip


def test_many_statuses_in_two_queries(cast):
    people = [make_person(area=cast.area_a) for _ in range(8)]
    for i, person in enumerate(people):
        if i % 3 == 0:
            services.episode_add(
                actor=None, person=person, kind="licence", start_date=days(-20),
                expected_end_date=days(100 + i),
            )  # fmt: skip
        elif i % 3 == 1:
            services.monitoring_set(
                actor=None, person=person, level="proactive", start_date=days(-3)
            )
    with CaptureQueriesContext(connection) as ctx:
        found = statuses_for([p.pk for p in people], today())
    assert len(ctx.captured_queries) == 2
    assert found[people[0].pk].label == "On licence"
    assert found[people[0].pk].next_key_date == KeyDate(days(100), "Licence ends")
    assert found[people[1].pk].monitoring is not None
    assert found[people[2].pk].label == "At liberty" and found[people[2].pk].monitoring is None
