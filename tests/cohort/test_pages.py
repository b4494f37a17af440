"""The cohort pages: figures per area, members with status and lead, and the coordinator's
forms for changes between forums and earlier schemes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.casework.models import AllocationTrigger
from tandem.casework.services import lead_allocate
from tandem.cohort.models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand
from tandem.cohort.services import cohort_exit_between_forums
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.people import services as people_services
from tandem.selection.capacity import capacity_override_set
from tandem.selection.models import NominationSource, NominationStatus
from tandem.selection.nominations import nomination_create

from ..factories import make_person
from ..personas import signed_in_client
from .test_between_forums import adopt_between, earlier_spell
from .test_membership import adopt

AREA_PERSONAS = ["om", "other_om", "viewer", "coordinator", "partner", "other_partner",
                 "custody", "analyst", "auditor", "admin"]  # fmt: skip


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session records when it was last seen
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(cast, n: int) -> None:
    """n more members of area A, each with a status, a lead and an open nomination, and n
    recent leavers."""
    for i in range(n):
        person = make_person(area=cast.area_a)
        people_services.episode_add(
            actor=None, person=person, kind="sentenced" if i % 2 else "licence",
            start_date=dt.date(2026, 1, 1), expected_end_date=dt.date(2027, 1, 1) + dt.timedelta(i),
        )  # fmt: skip
        adopt(cast, person=person, strand=Strand.CATCH_CONVICT)
        lead_allocate(actor=None, person=person, worker=cast.om, start_date=dt.date(2026, 3, 2),
                      trigger=AllocationTrigger.ADOPTION)  # fmt: skip
        leaver = make_person(area=cast.area_a)
        nomination_create(actor=cast.om, person=leaver, area=cast.area_a,
                          source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
        spell = adopt(cast, person=leaver)
        cohort_exit_between_forums(actor=cast.coordinator, membership=spell, end_date=today(),
                                   end_reason=EndReason.MOVED_AWAY, note="Moved")  # fmt: skip


def test_the_overview_counts_each_area_against_its_capacity(cast):
    capacity_override_set(actor=cast.coordinator, area=cast.area_a, capacity=1, reason="Pilot")
    adopt_between(cast, lead=cast.om)
    second = make_person(area=cast.area_a)
    people_services.episode_add(actor=None, person=second, kind="remand",
                                start_date=dt.date(2026, 1, 1))  # fmt: skip
    adopt(cast, person=second, strand=Strand.CATCH_CONVICT)
    earlier_spell(cast, person=make_person(area=cast.area_a))
    response = signed_in_client(cast.coordinator).get(reverse("cohort:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 1" in page and "Over capacity by 1" in page
    assert "set by the coordinator" in page and "shared default" in page
    assert "1 adoption" in page  # adopted between forums, awaiting the next forum
    assert "and 1 in earlier schemes" in page
    assert "Where members are now" in page and "Members by strand" in page
    # The overview names nobody, so it is not a list of people in the access log.
    assert not AccessEvent.objects.filter(action=AccessAction.VIEW_LIST).exists()
    # The offender manager of B sees B only.
    other = signed_in_client(cast.other_om).get(reverse("cohort:home")).content.decode()
    assert "Area B" in other and "Area A" not in other


def test_the_overview_queries_are_bounded(cast):
    client = signed_in_client(cast.coordinator)
    before = _queries(client, reverse("cohort:home"))
    _grow(cast, 6)
    assert _queries(client, reverse("cohort:home")) == before


def test_the_area_page_lists_members_with_status_lead_and_markers(cast):
    people_services.episode_add(
        actor=None, person=cast.person, kind="sentenced", start_date=dt.date(2026, 1, 1),
        expected_end_date=dt.date(2027, 5, 4), establishment="HMP Testtown",
    )  # fmt: skip
    nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                      source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    adopt_between(cast, lead=cast.om)
    leaver = make_person(area=cast.area_a, last_name="Leaver")
    spell = adopt(cast, person=leaver)
    cohort_exit_between_forums(actor=cast.coordinator, membership=spell,
                               end_date=today() - dt.timedelta(days=3),
                               end_reason=EndReason.MOVED_AWAY, note="Moved to Leeds")  # fmt: skip
    long_gone = make_person(area=cast.area_a, last_name="Longgone")
    old = adopt(cast, person=long_gone, start_date=dt.date(2025, 1, 1))
    cohort_exit_between_forums(actor=cast.coordinator, membership=old,
                               end_date=dt.date(2025, 2, 1),
                               end_reason=EndReason.MOVED_AWAY, note="x")  # fmt: skip
    client = signed_in_client(cast.om)
    response = client.get(reverse("cohort:area", args=[cast.area_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "O&#x27;NEIL-SMITH, Jordan" in page
    assert reverse("people:detail", args=[cast.person.pk]) in page
    assert "Awaiting ratification" in page
    assert "Nomination open since" in page
    assert "In custody, sentenced" in page and "Expected release 4 May 2027" in page
    assert escape(cast.om.display_name) in page
    assert "LEAVER" in page and "Moved to Leeds" in page and "Exit awaiting ratification" in page
    assert "LONGGONE" not in page  # left more than 90 days ago
    assert "Adopt someone between forums" not in page  # the coordinator's, not the OM's
    event = AccessEvent.objects.get(action=AccessAction.VIEW_LIST)
    assert event.actor == cast.om and event.result_count == 2
    assert event.detail == "cohort area=A"


def test_members_sort_by_a_query_parameter(cast):
    adopt(cast, person=make_person(area=cast.area_a, last_name="Zebedee"),
          start_date=dt.date(2025, 1, 1))  # fmt: skip
    adopt(cast, person=make_person(area=cast.area_a, last_name="Aardvark"))
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:area", args=[cast.area_a.pk])
    by_name = client.get(url).content.decode()
    assert by_name.index("AARDVARK") < by_name.index("ZEBEDEE")
    assert "Sorted by name" in by_name
    by_since = client.get(url + "?sort=since").content.decode()
    assert by_since.index("ZEBEDEE") < by_since.index("AARDVARK")
    assert 'aria-sort="ascending"><a class="govuk-link" href="?sort=since"' in by_since
    # Anything else falls back to the name, rather than failing.
    assert client.get(url + "?sort=%27drop").status_code == 200


def test_the_area_page_queries_are_bounded_whatever_the_cohort_size(cast):
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:area", args=[cast.area_a.pk])
    _grow(cast, 2)
    before = _queries(client, url)
    _grow(cast, 8)
    assert _queries(client, url) == before
    assert before <= 25


@pytest.mark.parametrize("persona", AREA_PERSONAS)
def test_who_sees_an_area_page(cast, persona):
    client = signed_in_client(cast.personas()[persona])
    expected = {"om": 200, "viewer": 200, "coordinator": 200, "other_om": 404}.get(persona, 403)
    assert client.get(reverse("cohort:area", args=[cast.area_a.pk])).status_code == expected
    assert client.get(reverse("cohort:area", args=[999999])).status_code == (
        404 if expected != 403 else 403
    )


def test_the_person_page_links_to_the_cohort_and_offers_the_coordinator_actions(cast):
    url = reverse("people:detail", args=[cast.person.pk])
    coordinator = signed_in_client(cast.coordinator)
    adopt_url = reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk])
    assert adopt_url in coordinator.get(url).content.decode()
    assert adopt_url not in signed_in_client(cast.om).get(url).content.decode()
    membership = adopt_between(cast)
    page = coordinator.get(url).content.decode()
    assert reverse("cohort:area", args=[cast.area_a.pk]) in page
    assert reverse("cohort:end", args=[membership.pk]) in page
    om_page = signed_in_client(cast.om).get(url).content.decode()
    assert reverse("cohort:area", args=[cast.area_a.pk]) in om_page
    assert reverse("cohort:end", args=[membership.pk]) not in om_page


def test_finding_the_person_to_adopt_by_tandem_number(cast):
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:adopt_find", args=[cast.area_a.pk])
    assert client.get(url).status_code == 200
    found = client.get(url, {"number": cast.person.pk})
    assert found.status_code == 302
    assert found["Location"] == reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk])
    for bad in ("", "abc", "0", "99999999"):
        response = client.get(url, {"number": bad})
        assert response.status_code == 400, bad
        assert "There is a problem" in response.content.decode()


def test_the_coordinator_adopts_between_forums_through_the_form(cast):
    nomination = nomination_create(actor=cast.om, person=cast.person, area=cast.area_a,
                                   source=NominationSource.INTELLIGENCE, reason="x")  # fmt: skip
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Adopting now leaves the nomination open" in text
    assert escape(cast.om.display_name) in text
    assert escape(cast.other_om.display_name) not in text
    assert AccessEvent.objects.filter(
        action=AccessAction.VIEW_PERSON, person=cast.person, actor=cast.coordinator
    ).exists()
    empty = client.post(url, {})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "There is a problem" in body and "Choose a strand" in body
    assert "Say why the person is being adopted between forums" in body
    assert not Membership.objects.exists()
    data = {"strand": Strand.CATCH_CONVICT, "start_date": today().strftime("%d/%m/%Y"),
            "reason": "Arrested twice this week", "lead": cast.om.pk}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("cohort:area", args=[cast.area_a.pk])
    membership = Membership.objects.get()
    assert membership.between_forums and membership.started_by == cast.coordinator
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN
    # The same form sent again (a second tab, a double click) is refused, plainly.
    again = client.post(url, data)
    assert again.status_code == 400 and "already in a cohort" in again.content.decode()
    assert Membership.objects.count() == 1


def test_a_lead_from_another_area_is_not_offered_or_accepted(cast):
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk])
    data = {"strand": Strand.CATCH_CONVICT, "start_date": today().strftime("%d/%m/%Y"),
            "reason": "x", "lead": cast.other_om.pk}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Choose an offender manager from the list" in response.content.decode()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("persona", [*AREA_PERSONAS, "anonymous"])
def test_adopting_by_persona(cast, persona):
    """Only the coordinator gets as far as the form's validation."""
    client = Client() if persona == "anonymous" else signed_in_client(cast.personas()[persona])
    response = client.post(reverse("cohort:adopt", args=[cast.area_a.pk, cast.person.pk]), {})
    expected = {"anonymous": 302, "coordinator": 400}.get(persona, 403)
    assert response.status_code == expected
    assert not Membership.objects.exists()


def test_the_coordinator_ends_a_membership_between_forums(cast):
    membership = adopt_between(cast, lead=cast.om)
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:end", args=[membership.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"end_date": "31/02/2026", "end_reason": "", "note": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Enter the date as day/month/year" in text and "Choose why the membership ends" in text
    assert "scheme_change" not in text  # moving scheme has its own page
    data = {"end_date": today().strftime("%d/%m/%Y"), "end_reason": EndReason.LONG_CUSTODY,
            "note": "Sentenced to six years"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    membership.refresh_from_db()
    assert membership.ended_between_forums and membership.end_date == today()
    stale = client.post(url, data)
    assert stale.status_code == 400 and "already ended" in stale.content.decode()
    assert "This membership has already ended" in client.get(url).content.decode()
    area = client.get(reverse("cohort:area", args=[cast.area_a.pk])).content.decode()
    assert "Exit awaiting ratification" in area


def test_the_coordinator_moves_an_earlier_schemes_member_into_the_ppo_scheme(cast):
    old = earlier_spell(cast)
    client = signed_in_client(cast.coordinator)
    url = reverse("cohort:move", args=[old.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"move_date": "", "area": cast.area_a.pk, "strand": "", "reason": ""})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert Membership.objects.count() == 1
    data = {"move_date": today().strftime("%d/%m/%Y"), "area": cast.area_a.pk,
            "strand": Strand.CATCH_CONVICT, "reason": "POPPs closes"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    new = Membership.objects.get(scheme__code=PPO_SCHEME_CODE)
    assert new.moved_from == old
    history = client.get(reverse("people:detail", args=[cast.person.pk])).content.decode()
    assert "POPPs, Area A, catch and convict" in history and "moved to another scheme" in history
    assert "continuing an earlier spell" in history
    # The PPO spell itself is not moved anywhere.
    assert client.get(reverse("cohort:move", args=[new.pk])).status_code == 404
    stale = client.post(url, data)
    assert stale.status_code == 400 and "already ended" in stale.content.decode()


def test_schemes_list_add_and_show_their_members(cast):
    old = earlier_spell(cast)
    client = signed_in_client(cast.coordinator)
    listing = client.get(reverse("cohort:schemes")).content.decode()
    assert "Prolific and other Priority Offenders" in listing and "POPPs" in listing
    assert listing.index("Prolific and other") < listing.index("POPPs")
    detail = client.get(reverse("cohort:scheme", args=[old.scheme_id])).content.decode()
    assert reverse("cohort:move", args=[old.pk]) in detail
    assert AccessEvent.objects.filter(action=AccessAction.VIEW_LIST,
                                      detail="scheme members scheme=POPPS").exists()  # fmt: skip
    url = reverse("cohort:scheme_new")
    bad = client.post(url, {"code": "two words", "name": ""})
    assert bad.status_code == 400 and "Enter the scheme&#x27;s name" in bad.content.decode()
    duplicate = client.post(url, {"code": "popps", "name": "Again"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.content.decode()
    response = client.post(url, {"code": "chrysalis", "name": "Project Chrysalis",
                                 "description": "Ran 2003 to 2005"})  # fmt: skip
    scheme = Scheme.objects.get(code="CHRYSALIS")
    assert response.status_code == 302
    assert response["Location"] == reverse("cohort:scheme", args=[scheme.pk])
    assert not scheme.accepts_new_members
