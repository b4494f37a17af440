"""Management: the model, reallocating the lead, co-workers; notices to those affected."""

from __future__ import annotations

from typing import cast as as_user_cast

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.casework.models import Allocation, AllocationRole, AllocationTrigger, CaseManagement
from tandem.casework.services import (
    co_worker_add,
    co_worker_end,
    lead_allocate,
    lead_reallocate,
    management_set,
)
from tandem.core.access import today
from tandem.core.models import Notice, Role, User

from ..factories import UserFactory
from ..personas import signed_in_client


def _subjects(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("subject", flat=True))


@pytest.fixture
def led(cast):
    """The person led by the police offender manager since today."""
    lead_allocate(actor=None, person=cast.person, worker=cast.om, start_date=today(),
                  trigger=AllocationTrigger.ADOPTION)  # fmt: skip
    return cast


def test_handover_tells_old_and_new_lead_by_number_only(led):
    cast = led
    new = UserFactory(username="om2", agency=cast.om.agency, role=Role.OFFENDER_MANAGER,
                      areas=[cast.area_a])  # fmt: skip
    lead_reallocate(actor=cast.coordinator, person=cast.person, worker=new, note="Caseload")
    lead = Allocation.objects.get(person=cast.person, role=AllocationRole.LEAD, end_date=None)
    assert lead.worker == new and lead.start_trigger == AllocationTrigger.USER
    old = Allocation.objects.get(person=cast.person, worker=cast.om)
    assert old.end_date == today() and old.end_trigger == AllocationTrigger.USER
    for user in (cast.om, new):
        (subject,) = _subjects(user)
        assert f"Tandem number {cast.person.pk}" in subject
        assert cast.person.last_name not in subject and cast.person.first_name not in subject


def test_co_worker_rules_and_notices(led):
    cast = led
    spell = co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.partner)
    assert spell.role == AllocationRole.CO_WORKER and spell.agency == cast.partner.agency
    assert _subjects(cast.partner) and _subjects(cast.om)  # co-worker and lead told
    with pytest.raises(ValidationError):  # already co-working
        co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.partner)
    with pytest.raises(ValidationError):  # housing is not engaged: cannot open the person
        co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.other_partner)
    with pytest.raises(ValidationError):  # the other area's offender manager
        co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.other_om)
    with pytest.raises(ValidationError):  # a viewer does not co-work
        co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.viewer)
    Notice.objects.all().delete()
    co_worker_end(actor=cast.om, allocation=spell)
    spell.refresh_from_db()
    assert spell.end_date == today()
    assert len(_subjects(cast.partner)) == 1 and not _subjects(cast.om)  # the actor is not told
    with pytest.raises(ValidationError):
        co_worker_end(actor=cast.om, allocation=spell)


def test_management_model_keeps_history(led):
    cast = led
    management_set(actor=cast.om, person=cast.person, model="police_led")
    management_set(actor=cast.coordinator, person=cast.person, model="joint")
    management = CaseManagement.objects.get(person=cast.person)
    assert management.model == "joint" and management.history.count() == 2
    with pytest.raises(ValidationError):
        management_set(actor=cast.om, person=cast.person, model="joint")


def test_management_page_forms(led):
    cast = led
    url = reverse("casework:management", args=[cast.person.pk])
    client = signed_in_client(cast.om)
    page = client.get(url)
    assert page.status_code == 200 and "Reallocate the lead" in page.content.decode()
    response = client.post(url, {"action": "co_worker", "co-worker": cast.partner.pk})
    assert response.status_code == 302
    assert Allocation.objects.filter(worker=cast.partner, end_date=None).exists()
    response = client.post(url, {"action": "co_worker", "co-worker": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "model", "model": "probation_led"})
    assert response.status_code == 302
    spell = Allocation.objects.get(worker=cast.partner, end_date=None)
    assert client.post(url, {"action": "end", "allocation": spell.pk}).status_code == 302
    # The viewer reads, and may not change.
    viewer = signed_in_client(cast.viewer)
    page = viewer.get(url)
    assert page.status_code == 200 and "Reallocate the lead" not in page.content.decode()
    assert viewer.post(url, {"action": "model", "model": "joint"}).status_code == 403
    # With no lead (as after an exit) the form allocates one, and says nothing of a spell.
    Allocation.objects.filter(role="lead").delete()
    html = client.get(url).content.decode()
    assert "Allocate a lead" in html and "The person has no lead offender manager now" in html
    assert "spell ends today" not in html
    # The person page links to it for the offender manager, not for a partner.
    detail = reverse("people:detail", args=[cast.person.pk])
    assert url in client.get(detail).content.decode()
    assert url not in signed_in_client(cast.partner).get(detail).content.decode()


def test_release_tells_the_lead_the_co_workers_and_the_new_lead(led):
    from tandem.people import services as people_services

    cast = led
    co_worker_add(actor=cast.coordinator, person=cast.person, worker=cast.partner)
    sentence = people_services.episode_add(
        actor=cast.om, person=cast.person, kind="sentenced",
        start_date=today().replace(year=today().year - 1), sentence_months=24,
    )  # fmt: skip
    new = as_user_cast(
        User,
        UserFactory(username="om3", agency=cast.om.agency, role=Role.OFFENDER_MANAGER,
                    areas=[cast.area_a]),
    )  # fmt: skip
    Notice.objects.all().delete()
    people_services.episode_end(actor=cast.coordinator, episode=sentence, end_date=today(),
                                new_lead=new)  # fmt: skip
    for user in (cast.om, cast.partner, new):
        (notice,) = Notice.objects.filter(recipient=user)
        assert notice.subject == "Released from custody: the lead has handed over"
        assert f"Tandem number {cast.person.pk}" in notice.body
        assert cast.person.last_name not in notice.body


def test_release_without_a_handover_still_tells_those_working_with_the_person(led):
    from tandem.people import services as people_services

    cast = led
    remand = people_services.episode_add(
        actor=cast.om, person=cast.person, kind="remand",
        start_date=today().replace(day=1) if today().day > 1 else today(),
    )  # fmt: skip
    Notice.objects.all().delete()
    people_services.episode_end(actor=cast.coordinator, episode=remand, end_date=today())
    assert _subjects(cast.om) == ["Released from custody"]
