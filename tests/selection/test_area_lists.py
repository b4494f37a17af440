"""The ranked list per area: capacity (default or override), the cohort, cohort status on each
row, who would take the free places and who would replace which member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.selection.capacity import capacity_override_clear, capacity_override_set
from tandem.selection.models import CapacityOverride, CriteriaSet, Score, ScoringRun
from tandem.selection.selectors import area_lists

from ..cohort.test_membership import adopt
from ..factories import make_person
from ..personas import signed_in_client


def run_with(cast, totals: dict, *, above_from: float = 10.0) -> ScoringRun:
    """A run whose area A list has these people with these totals, ranked."""
    version = CriteriaSet.objects.get(name="PPO criteria").latest()
    assert version is not None
    run = ScoringRun.objects.create(criteria_version=version, as_of=dt.date(2026, 11, 1))
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    Score.objects.bulk_create(
        Score(run=run, person=person, area=cast.area_a, rank=rank, total=total,
              above_threshold=total >= above_from, components={})
        for rank, (person, total) in enumerate(ranked, start=1)
    )  # fmt: skip
    return run


def area_a(run, user):
    return next(entry for entry in area_lists(run, user, show=40) if entry.area.code == "A")


@pytest.fixture
def people(cast):
    return [make_person(area=cast.area_a) for _ in range(6)]


def test_free_places_first_then_candidates_against_the_weakest_members(cast, people):
    weak, strong, absent, c1, c2, c3 = people
    for member in (weak, strong, absent):
        adopt(cast, person=member)
    run = run_with(cast, {weak: 11.0, strong: 60.0, c1: 50.0, c2: 30.0, c3: 5.0})
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=4, reason="Test")
    entry = area_a(run, cast.coordinator)
    assert (entry.capacity, entry.cohort, entry.free_places) == (4, 3, 1)
    assert entry.candidates == 2  # c3 is below the threshold
    assert [s.person_id for s in entry.join_now] == [c1.pk]
    # c2 outscores the member who is not on this list at all first.
    assert [(r.candidate.person_id, r.member.person_id) for r in entry.replacements] == [
        (c2.pk, absent.pk)
    ]
    rows = {row.score.person_id: row for row in entry.rows}
    assert rows[strong.pk].in_cohort and not rows[c1.pk].in_cohort


def test_a_candidate_replaces_a_member_only_by_outscoring_them(cast, people):
    weak, strong, _, c1, c2, _ = people
    for member in (weak, strong):
        adopt(cast, person=member)
    run = run_with(cast, {weak: 20.0, strong: 60.0, c1: 50.0, c2: 15.0})
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=2, reason="Test")
    entry = area_a(run, cast.coordinator)
    assert entry.join_now == []
    assert [(r.candidate.person_id, r.member.person_id) for r in entry.replacements] == [
        (c1.pk, weak.pk)
    ]
    assert entry.replacements[0].member_score.total == 20.0


def test_the_list_reads_a_bounded_number_of_queries(cast, people):
    # Both lists have a run before them, a free place and a replacement, so every lookup
    # runs in both.
    run_with(cast, {people[5]: 1.0})
    adopt(cast, person=people[0])
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=2, reason="Test")
    small = run_with(cast, {people[0]: 11.0, people[1]: 30.0, people[2]: 20.0})
    with CaptureQueriesContext(connection) as few:
        small_entry = area_a(small, cast.coordinator)
    assert small_entry.join_now and small_entry.replacements
    more = [make_person(area=cast.area_a) for _ in range(12)]
    for person in more[:4]:
        adopt(cast, person=person)
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=6, reason="Test")
    big = run_with(cast, {p: 10.0 + i for i, p in enumerate(people + more)})
    with CaptureQueriesContext(connection) as many:
        big_entry = area_a(big, cast.coordinator)
    assert len(big_entry.join_now) == 1 and len(big_entry.replacements) > 1
    assert len(many) == len(few)


def test_capacity_override_needs_a_reason_and_can_be_undone_with_one(cast):
    with pytest.raises(ValidationError) as error:
        capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=-1, reason="")
    assert set(error.value.message_dict) == {"capacity", "reason"}
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=40, reason="Funding")
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=35, reason="Less")
    assert CapacityOverride.objects.get().capacity == 35
    with pytest.raises(ValidationError, match="Say why"):
        capacity_override_clear(actor=cast.coordinator, area=cast.area_a, reason="")
    capacity_override_clear(actor=cast.coordinator, area=cast.area_a, reason="Funding ended")
    assert not CapacityOverride.objects.exists()
    history = CapacityOverride.history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert history.last().history_change_reason == "Funding ended"
    with pytest.raises(ValidationError, match="already uses the shared default"):
        capacity_override_clear(actor=cast.coordinator, area=cast.area_a, reason="Again")


def test_the_coordinator_sets_and_clears_capacity_in_the_pages(cast):
    client = signed_in_client(cast.coordinator)
    url = reverse("selection:capacity_edit", args=[cast.area_a.pk])
    bad = client.post(url, {"set": "", "capacity": "lots", "reason": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Enter the capacity as a whole number" in text and "Say why" in text
    assert not CapacityOverride.objects.exists()
    assert client.post(url, {"set": "", "capacity": "44", "reason": "Funding"}).status_code == 302
    page = client.get(reverse("selection:capacity")).content.decode()
    assert "44" in page and "Funding" in page
    assert client.post(url, {"clear": "", "clear_reason": ""}).status_code == 400
    assert CapacityOverride.objects.exists()
    assert client.post(url, {"clear": "", "clear_reason": "Ended"}).status_code == 302
    assert not CapacityOverride.objects.exists()
    assert "Back to the shared default" in client.get(url).content.decode()
    # Another partnership's area, or none, is not found.
    assert client.get(reverse("selection:capacity_edit", args=[999999])).status_code == 404


def test_each_row_says_where_the_person_ranked_in_the_run_before(cast, people):
    first, second = people[:2]
    run_with(cast, {first: 30.0, second: 20.0})
    later = run_with(cast, {first: 10.0, second: 20.0, people[2]: 15.0})
    rows = {row.score.person_id: row for row in area_a(later, cast.coordinator).rows}
    assert rows[second.pk].previous_rank == 2 and rows[second.pk].score.rank == 1
    assert rows[first.pk].previous_rank == 1 and not rows[first.pk].new_since_last_run
    assert rows[people[2].pk].previous_rank is None and rows[people[2].pk].new_since_last_run
