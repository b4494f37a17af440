"""Pre-release tasks: generated once per episode and kind, re-dated, closed by the right
people; the daily command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tandem.casework.models import AllocationTrigger, Task, TaskStatus
from tandem.casework.services import (
    lead_allocate,
    pre_release_tasks_run,
    task_cancel,
    task_complete,
    tasks_generate_for_release,
)
from tandem.cohort.models import PPO_SCHEME_CODE, Membership, Scheme
from tandem.core.access import today
from tandem.people.models import StatusEpisode

from ..personas import signed_in_client


@pytest.fixture
def in_custody(cast):
    """The person, a cohort member led by om, in custody with release in 10 weeks."""
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    Membership.objects.create(
        person=cast.person, area=cast.area_a, scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
        strand="rehabilitate_resettle", start_date=today() - dt.timedelta(days=100),
        basis="Forum",
    )  # fmt: skip
    return StatusEpisode.objects.create(
        person=cast.person, kind="sentenced", start_date=today() - dt.timedelta(days=90),
        expected_end_date=today() + dt.timedelta(weeks=10),
    )  # fmt: skip


def test_generation_is_idempotent_and_redates(cast, in_custody):
    episode = in_custody
    assert tasks_generate_for_release(episode).created == 4
    assert tasks_generate_for_release(episode).created == 0
    tasks = {t.kind: t for t in Task.objects.all()}
    release = episode.expected_end_date
    assert tasks["housing_referral"].due_on == release - dt.timedelta(weeks=12)
    assert tasks["first_appointments"].due_on == release - dt.timedelta(weeks=2)
    assert all(t.owner == cast.om and t.owner_agency == cast.om.agency for t in tasks.values())
    task_complete(actor=cast.om, task=tasks["housing_referral"])
    episode.expected_end_date = release + dt.timedelta(weeks=3)
    episode.save()
    assert tasks_generate_for_release(episode).redated == 3  # the done task keeps its date
    assert Task.objects.get(kind="ete_referral").due_on == episode.expected_end_date - dt.timedelta(
        weeks=4
    )
    assert Task.objects.get(kind="housing_referral").due_on == release - dt.timedelta(weeks=12)
    # An ended episode: tasks stay, nothing new, nothing moved.
    episode.end_date = today()
    episode.save()
    assert tasks_generate_for_release(episode).created == 0
    assert Task.objects.count() == 4


def test_remand_and_undated_episodes_get_no_tasks(cast):
    remand = StatusEpisode.objects.create(
        person=cast.person, kind="remand", start_date=today(),
        expected_end_date=today() + dt.timedelta(weeks=4),
    )  # fmt: skip
    undated = StatusEpisode.objects.create(person=cast.person, kind="sentenced", start_date=today())
    assert tasks_generate_for_release(remand).created == 0
    assert tasks_generate_for_release(undated).created == 0


def test_daily_command_covers_members_within_the_window(cast, in_custody):
    far = StatusEpisode.objects.create(
        person=cast.person_b, kind="sentenced", start_date=today(),
        expected_end_date=today() + dt.timedelta(weeks=8),
    )  # fmt: skip  # person B is not a PPO cohort member
    call_command("pre_release_tasks")
    assert Task.objects.filter(source_episode=in_custody).count() == 4
    assert not Task.objects.filter(source_episode=far).exists()
    assert pre_release_tasks_run().created == 0


def test_who_may_close_a_task(cast, in_custody):
    tasks_generate_for_release(in_custody)
    first, second, third, _ = Task.objects.order_by("due_on")
    with pytest.raises(PermissionDenied):
        task_complete(actor=cast.viewer, task=first)
    with pytest.raises(PermissionDenied):
        task_complete(actor=cast.partner, task=first)
    task_complete(actor=cast.om, task=first)
    with pytest.raises(ValidationError):
        task_complete(actor=cast.om, task=first)
    with pytest.raises(ValidationError):
        task_cancel(actor=cast.coordinator, task=second, reason=" ")
    task_cancel(actor=cast.coordinator, task=second, reason="Already housed")
    second.refresh_from_db()
    assert second.status == TaskStatus.CANCELLED and second.cancel_reason == "Already housed"
    # Through the page: the viewer reads but may not close.
    url = reverse("casework:task", args=[third.pk])
    assert signed_in_client(cast.viewer).post(url, {"action": "done"}).status_code == 403
    client = signed_in_client(cast.om)
    assert client.post(url, {"action": "cancel", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "done"}).status_code == 302
    third.refresh_from_db()
    assert third.status == TaskStatus.DONE and third.closed_by == cast.om


def test_sending_the_referral_does_the_task_and_leaving_the_cohort_lapses_the_rest(
    cast, in_custody
):
    from tandem.casework.pathways import Pathway
    from tandem.casework.services import allocations_end
    from tandem.referrals.models import PartnerService
    from tandem.referrals.services import referral_create, referral_step

    tasks_generate_for_release(in_custody)
    service = PartnerService.objects.create(
        agency=cast.other_partner.agency, name="Housing options", contact="0100",
        pathways=[Pathway.ACCOMMODATION], offer="Tenancies",
    )  # fmt: skip
    service.areas.set([cast.area_a])
    referral = referral_create(actor=cast.om, person=cast.person, service=service,
                               pathway=Pathway.ACCOMMODATION, reason="No home")  # fmt: skip
    assert Task.objects.get(kind="housing_referral").status == TaskStatus.OPEN  # a draft only
    referral_step(actor=cast.om, referral=referral, step="send")
    housing = Task.objects.get(kind="housing_referral")
    assert housing.status == TaskStatus.DONE and housing.closed_by == cast.om
    assert Task.objects.filter(status=TaskStatus.OPEN).count() == 3

    allocations_end(actor=cast.coordinator, person=cast.person, end_date=today(),
                    trigger=AllocationTrigger.EXIT)  # fmt: skip
    lapsed = Task.objects.filter(status=TaskStatus.CANCELLED)
    assert lapsed.count() == 3 and not Task.objects.filter(status=TaskStatus.OPEN).exists()
    assert all(t.cancel_reason == f"Left the cohort on {today():%-d %B %Y}" for t in lapsed)
    assert Task.objects.get(kind="housing_referral").status == TaskStatus.DONE  # kept as done
