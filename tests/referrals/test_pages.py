"""Referral pages: the two-step form, warnings, the preview, steps refused with a message and
nothing changed, stale pages, what the receiving worker sees before and after accepting,
progress and outcome, the inbox as the partner's home, and the access events written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tandem.casework import services as casework
from tandem.casework.pathways import Pathway
from tandem.core.access import today
from tandem.core.models import AccessAction, AccessEvent
from tandem.referrals import sharing
from tandem.referrals.models import ProgressNote, Referral, ReferralEvent
from tandem.referrals.services import referral_step

from .page_scene import client_for, draft, sent, to_drugs


def _new(cast) -> str:
    return reverse("referrals:new", args=[cast.person.pk])


def _details(directory, **extra) -> dict:
    data = {
        "pathway": "accommodation", "service": directory.housing.pk,
        "reason": "Leaving custody with nowhere to live", "urgency": "urgent",
        "consent_categories": ["accommodation"], "consent_given_on": f"{today():%d/%m/%Y}",
    }  # fmt: skip
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _html(response) -> str:
    return response.content.decode()


def _snapshot() -> list:
    return [
        list(Referral.objects.order_by("pk").values()),
        ReferralEvent.objects.count(),
        ProgressNote.objects.count(),
    ]


# --- The form ------------------------------------------------------------------------------


def test_two_steps_then_a_draft_and_its_preview(cast, directory):
    client = client_for(cast.om)
    first = client.get(_new(cast))
    assert first.status_code == 200
    html = _html(first)
    # Services covering the person's area, grouped by agency; not the other area's.
    assert '<optgroup label="Test Housing">' in html and "Housing options (accommodation)" in html
    assert "Housing options B" not in html
    second = client.get(_new(cast), {"pathway": "accommodation", "service": directory.housing.pk})
    assert second.status_code == 200
    # Only what the housing agency is entitled to, as checkboxes.
    choices = [v for v, _ in second.context["form"].fields["consent_categories"].choices]
    assert choices == ["risk", "accommodation", "finance", "family"]
    response = client.post(_new(cast), _details(directory))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:preview", args=[referral.pk])
    assert referral.state == "draft" and referral.urgency == "urgent"
    assert referral.consent_categories == ["accommodation"]


INVALID = {
    "no reason": ({"reason": ""}, "Say why you are making the referral"),
    "no urgency": ({"urgency": ""}, "Choose how urgent the referral is"),
    "bad date": ({"consent_given_on": "31/02/2026"}, "Enter the date as day/month/year"),
    "future consent": ({"consent_given_on": "01/01/2999"}, "cannot be in the future"),
    "consent before birth": ({"consent_given_on": "01/01/1900"}, "before the person was born"),
    "consent without date": ({"consent_given_on": ""}, "Enter the date the person gave consent"),
    "not entitled": ({"consent_categories": ["intelligence"]}, "Choose only from the kinds"),
    "no service": ({"service": "999999"}, "Choose the pathway and the service again"),
    "wrong area": ({"service": "HOUSING_B"}, "Housing options B does not cover Area A"),
    "wrong pathway": ({"pathway": "ete"}, "does not work on education"),
}


@pytest.mark.parametrize(("data", "message"), INVALID.values(), ids=INVALID.keys())
def test_form_errors_are_shown_and_change_nothing(cast, directory, data, message):
    data = {k: (directory.housing_b.pk if v == "HOUSING_B" else v) for k, v in data.items()}
    before = _snapshot()
    response = client_for(cast.om).post(_new(cast), _details(directory, **data))
    assert response.status_code == 400
    html = _html(response)
    assert "There is a problem" in html and message in html
    assert html.count("<title>Error: ") == 1
    assert _snapshot() == before


def test_wrong_route_is_guidance_on_the_service_field(cast, directory):
    response = client_for(cast.om).get(
        _new(cast), {"pathway": "accommodation", "service": directory.drugs.pk}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["service"]
    assert errors == [
        "Structured treatment does not work on accommodation. Services that do: "
        "Housing options (Test Housing)."
    ]
    empty = client_for(cast.om).get(_new(cast), {"pathway": "", "service": ""})
    assert empty.status_code == 400
    assert "Choose the pathway the referral is for" in _html(empty)


def test_warnings_need_the_confirmation(cast, directory):
    draft(cast, directory)
    client = client_for(cast.om)
    warned = client.post(_new(cast), _details(directory))
    assert warned.status_code == 200
    html = _html(warned)
    assert "already an open referral to this service" in html
    assert "I have read this and still want to make the referral" in html
    assert Referral.objects.count() == 1
    confirmed = client.post(_new(cast), _details(directory, confirmed="on"))
    assert confirmed.status_code == 302
    assert Referral.objects.count() == 2


def test_a_referral_from_a_care_plan_action(cast, directory):
    objective = casework.objective_add(
        actor=cast.om, person=cast.person, seen_version=0, pathway=Pathway.ACCOMMODATION,
        description="A home on release",
    )  # fmt: skip
    action = casework.plan_action_add(
        actor=cast.om, objective=objective, seen_version=1, description="Refer to housing",
        agency=directory.housing.agency, target_date=today(),
    )  # fmt: skip
    client = client_for(cast.om)
    first = client.get(_new(cast), {"action": action.pk})
    # The pathway, and the action's agency's only service on it, are chosen already.
    assert first.context["form"]["pathway"].value() == "accommodation"
    assert first.context["form"]["service"].value() == str(directory.housing.pk)
    assert "From the care plan action" in _html(first)
    second = client.get(
        _new(cast), {"action": action.pk, "pathway": "accommodation",
                     "service": directory.housing.pk},
    )  # fmt: skip
    assert second.context["form"]["reason"].value() == "Refer to housing"
    response = client.post(_new(cast), _details(directory, action=action.pk))
    assert response.status_code == 302
    assert Referral.objects.get().plan_action == action


def test_changing_a_draft(cast, directory):
    referral = draft(cast, directory)
    client = client_for(cast.om)
    page = client.get(reverse("referrals:edit", args=[referral.pk]))
    assert page.status_code == 200 and page.context["stage"] == "details"
    assert page.context["form"]["reason"].value() == "No fixed abode on release"
    data = _details(directory, reason="Sofa surfing", version=referral.version)
    response = client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reason == "Sofa surfing" and referral.version == 2
    # The page was opened at version 1: saving again from it is refused.
    stale = client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert stale.status_code == 400 and "changed since you opened it" in _html(stale)
    assert stale.context["form"].data["version"] == "2"
    # A sent referral is no longer changed.
    referral_step(actor=cast.om, referral=referral, step="send")
    gone = client.get(reverse("referrals:edit", args=[referral.pk]))
    assert gone.status_code == 302
    assert gone["Location"] == reverse("referrals:detail", args=[referral.pk])


# --- Preview, sending, deleting -----------------------------------------------------------


def test_the_preview_shows_exactly_what_will_be_shared(cast, directory):
    referral = draft(cast, directory, consent_categories=["accommodation", "finance"])
    response = client_for(cast.om).get(reverse("referrals:preview", args=[referral.pk]))
    assert response.status_code == 200
    sections = response.context["sections"]
    expected = sharing.shared_sections(
        cast.person, sharing.categories_to_share(referral.to_agency, ["accommodation", "finance"]),
        today(),
    )  # fmt: skip
    assert sections == expected
    assert [s.category for s in sections] == ["identity", "accommodation", "finance"]
    html = _html(response)
    for section in sections:
        assert f'id="shared-{section.category}"' in html
    assert 'id="shared-risk"' not in html and 'id="shared-family"' not in html
    assert "Not shared, because the person did not agree to it on this referral: risk, family" in (
        html
    )
    assert "Send the referral" in html and "Change the referral" in html
    assert reverse("referrals:delete", args=[referral.pk]) in html
    # Sent, the receiving agency reads the same details, frozen.
    send = client_for(cast.om).post(
        reverse("referrals:step", args=[referral.pk, "send"]), {"version": referral.version}
    )
    assert send.status_code == 302
    detail = client_for(cast.other_partner).get(reverse("referrals:detail", args=[referral.pk]))
    assert detail.context["sections"] == expected


def test_sending_twice_is_refused_and_changes_nothing(cast, directory):
    referral = draft(cast, directory)
    client = client_for(cast.om)
    url = reverse("referrals:step", args=[referral.pk, "send"])
    assert client.post(url, {"version": referral.version}).status_code == 302
    before = _snapshot()
    again = client.post(url, {"version": referral.version})
    assert again.status_code == 400
    assert "changed since you opened it" in _html(again)
    current = client.post(url, {"version": referral.version + 1})
    assert current.status_code == 400
    assert "This referral has already been sent." in _html(current)
    assert _snapshot() == before


def test_deleting_a_draft_after_confirming(cast, directory):
    referral = draft(cast, directory)
    client = client_for(cast.om)
    url = reverse("referrals:delete", args=[referral.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Yes, delete the draft" in _html(page)
    assert Referral.objects.filter(pk=referral.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[cast.person.pk])
    assert not Referral.objects.exists()


def test_a_sent_referral_cannot_be_deleted(cast, directory):
    referral = sent(cast, directory)
    client = client_for(cast.om)
    url = reverse("referrals:delete", args=[referral.pk])
    assert client.get(url).status_code == 302
    before = _snapshot()
    response = client.post(url)
    assert response.status_code == 400
    assert "Only an unsent draft can be deleted: withdraw a sent referral" in _html(response)
    assert _snapshot() == before


# --- Steps on the referral's page ---------------------------------------------------------


def _step(client, referral, step, **data):
    data.setdefault("version", Referral.objects.get(pk=referral.pk).version)
    return client.post(reverse("referrals:step", args=[referral.pk, step]), data)


def test_impossible_transitions_posted_by_url_are_refused(cast, directory):
    referral = sent(cast, directory)
    housing = client_for(cast.other_partner)
    assert _step(housing, referral, "decline", reason="Not our area's scheme").status_code == 302
    before = _snapshot()
    for step, message in (
        ("complete", "A referral that is declined cannot be completed."),
        ("start", "A referral that is declined cannot be started."),
        ("accept", "A referral that is declined cannot be accepted."),
        ("decline", "This referral has already been declined."),
    ):
        response = _step(housing, referral, step, reason="again")
        assert response.status_code == 400, step
        html = _html(response)
        assert "There is a problem" in html and message in html, step
    withdraw = _step(client_for(cast.om), referral, "withdraw", reason="Moved away")
    assert withdraw.status_code == 400
    assert "A referral that is declined cannot be withdrawn." in _html(withdraw)
    assert (
        client_for(cast.om)
        .post(reverse("referrals:step", args=[referral.pk, "explode"]), {"version": 1})
        .status_code
        == 404
    )
    assert _snapshot() == before


def test_the_wrong_side_and_missing_reasons_are_refused(cast, directory):
    referral = sent(cast, directory)
    before = _snapshot()
    om = _step(client_for(cast.om), referral, "accept")
    assert om.status_code == 400
    assert "Only the agency the referral is to can mark this referral accepted" in _html(om)
    no_reason = _step(client_for(cast.other_partner), referral, "decline")
    assert no_reason.status_code == 400
    assert no_reason.context["error_form"].errors["reason"] == ["Say why the referral is declined"]
    no_version = client_for(cast.other_partner).post(
        reverse("referrals:step", args=[referral.pk, "acknowledge"]), {}
    )
    assert no_version.status_code == 400
    assert "This page is out of date: open the referral again" in _html(no_version)
    assert _snapshot() == before


def test_a_stale_page_is_told_what_changed_and_nothing_changes(cast, directory):
    referral = sent(cast, directory)
    seen = referral.version
    assert _step(client_for(cast.om), referral, "withdraw", reason="Recalled").status_code == 302
    before = _snapshot()
    response = _step(client_for(cast.other_partner), referral, "acknowledge", version=seen)
    assert response.status_code == 400
    html = _html(response)
    assert "This referral changed since you opened it" in html and "marked it withdrawn" in html
    assert _snapshot() == before


def test_the_receiving_worker_sees_the_person_only_after_accepting(cast, directory):
    referral = sent(cast, directory)
    housing = client_for(cast.other_partner)
    person_url = reverse("people:detail", args=[cast.person.pk])
    detail_url = reverse("referrals:detail", args=[referral.pk])
    assert housing.get(person_url).status_code == 404
    before = housing.get(detail_url)
    assert before.status_code == 200
    assert before.context["name"] == cast.person.full_name  # from the shared identity
    assert not before.context["links_person"]
    assert f'href="{person_url}"' not in _html(before)
    assert [s.category for s in before.context["sections"]] == ["identity", "accommodation"]
    assert _step(housing, referral, "accept").status_code == 302
    assert housing.get(person_url).status_code == 200
    after = housing.get(detail_url)
    assert after.context["links_person"] and f'href="{person_url}"' in _html(after)


def test_each_reader_sees_the_shared_details_they_may_read(cast, directory):
    referral = sent(cast, directory, consent_categories=["accommodation", "family", "risk"])
    drugs = client_for(cast.partner).get(reverse("referrals:detail", args=[referral.pk]))
    # The drug worker's protocol row reads risk and accommodation, not family.
    assert [s.category for s in drugs.context["sections"]] == ["identity", "risk", "accommodation"]
    assert "not shown: the sharing protocol does not let you read it" in _html(drugs)
    assert drugs.context["offers"] == []


def test_quick_actions_from_the_inbox(cast, directory):
    referral = sent(cast, directory)
    housing = client_for(cast.other_partner)
    inbox = housing.get(reverse("referrals:inbox"))
    assert [s.name for s in inbox.context["inbox"].lines[0].quick] == ["acknowledge", "accept"]
    response = _step(housing, referral, "acknowledge", next="inbox")
    assert response.status_code == 302 and response["Location"] == reverse("referrals:inbox")
    page = housing.get(reverse("referrals:inbox"))
    assert f"Referral {referral.pk} acknowledged" in _html(page)
    assert [s.name for s in page.context["inbox"].lines[0].quick] == ["accept"]
    # From the home page (a partner worker's inbox) the quick step comes back home.
    home = _html(housing.get(reverse("core:home")))
    assert 'name="next" value="home"' in home
    response = _step(housing, referral, "accept", next="home")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    # Anything else posted as "next" is ignored: back to the referral, never elsewhere.
    other = sent(cast, directory)
    response = _step(housing, other, "acknowledge", next="https://example.invalid/")
    assert response["Location"] == reverse("referrals:detail", args=[other.pk])


def test_the_whole_life_through_the_pages(cast, directory):
    referral = sent(cast, directory)
    housing = client_for(cast.other_partner)
    for step in ("acknowledge", "accept", "start"):
        assert _step(housing, referral, step).status_code == 302, step
    progress_url = reverse("referrals:progress", args=[referral.pk])
    assert housing.get(progress_url).status_code == 200
    empty = housing.post(progress_url, {"note": ""})
    assert empty.status_code == 400 and "Write the progress note" in _html(empty)
    future = housing.post(progress_url, {"note": "x", "written_on": "01/01/2999"})
    assert future.status_code == 400 and "cannot be in the future" in _html(future)
    assert not ProgressNote.objects.exists()
    assert housing.post(progress_url, {"note": "Bidding on two flats"}).status_code == 302
    # The referrer reads the note (accommodation data) on the referral's page.
    om_page = client_for(cast.om).get(reverse("referrals:detail", args=[referral.pk]))
    assert "Bidding on two flats" in _html(om_page)
    outcome_url = reverse("referrals:outcome", args=[referral.pk])
    assert housing.get(outcome_url).status_code == 302  # not ended yet: sent back, told why
    done = _step(housing, referral, "complete", outcome_summary="Tenancy signed")
    assert done.status_code == 302
    assert housing.get(progress_url).status_code == 302
    late = housing.post(progress_url, {"note": "After the end"})
    assert late.status_code == 400
    assert "The referral is completed: progress is recorded only while" in _html(late)
    page = housing.get(outcome_url)
    assert page.context["form"]["outcome_summary"].value() == "Tenancy signed"
    version = Referral.objects.get(pk=referral.pk).version
    blank = housing.post(outcome_url, {"version": version, "outcome_summary": ""})
    assert blank.status_code == 400 and "Summarise the outcome" in _html(blank)
    saved = housing.post(outcome_url, {"version": version, "outcome_summary": "Settled"})
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert referral.state == "completed" and referral.outcome_summary == "Settled"
    timeline = client_for(cast.om).get(reverse("referrals:detail", args=[referral.pk]))
    assert [e.state for e in timeline.context["events"]] == [
        "draft", "sent", "acknowledged", "accepted", "started", "completed", "completed",
    ]  # fmt: skip
    assert escape(cast.other_partner.display_name) in _html(timeline)


def test_an_overdue_clock_is_said_in_words(cast, directory):
    referral = sent(cast, directory)
    assert referral.sent_at is not None
    Referral.objects.filter(pk=referral.pk).update(sent_at=referral.sent_at - dt.timedelta(days=30))
    html = _html(client_for(cast.other_partner).get(reverse("referrals:inbox")))
    assert "Acknowledgement overdue since" in html and ">Overdue<" in html
    assert "1 referral is overdue." in html


# --- Lists, home and the person page ------------------------------------------------------


def test_the_partner_home_page_is_the_inbox(cast, directory):
    referral = sent(cast, directory)
    html = _html(client_for(cast.other_partner).get(reverse("core:home")))
    assert "Referrals to Test Housing" in html
    assert reverse("referrals:detail", args=[referral.pk]) in html
    assert escape(cast.person.full_name) in html  # shared with them
    om_home = _html(client_for(cast.om).get(reverse("core:home")))
    assert reverse("referrals:sent") in om_home and 'id="inbox"' not in om_home


def test_referrals_in_the_navigation(cast):
    expected = {
        "partner": reverse("referrals:inbox"), "other_partner": reverse("referrals:inbox"),
        "om": reverse("referrals:sent"), "other_om": reverse("referrals:sent"),
        "coordinator": reverse("referrals:sent"),
    }  # fmt: skip
    for name, user in cast.personas().items():
        items = client_for(user).get(reverse("core:home")).context["nav_items"]
        found = [item["url"] for item in items if item["label"] == "Referrals"]
        assert found == ([expected[name]] if name in expected else []), name


def test_the_inbox_filters_open_or_all_and_its_queries_are_bounded(cast, directory):
    first = sent(cast, directory)
    housing = client_for(cast.other_partner)
    assert _step(housing, first, "decline", reason="Full").status_code == 302
    assert housing.get(reverse("referrals:inbox")).context["inbox"].lines == []
    everything = housing.get(reverse("referrals:inbox"), {"show": "all"})
    assert [line.referral.pk for line in everything.context["inbox"].lines] == [first.pk]
    with CaptureQueriesContext(connection) as one:
        housing.get(reverse("referrals:inbox"), {"show": "all"})
    for _ in range(3):
        sent(cast, directory)
    with CaptureQueriesContext(connection) as four:
        response = housing.get(reverse("referrals:inbox"), {"show": "all"})
    assert len(response.context["inbox"].lines) == 4
    assert len(four) == len(one)


def test_the_referrers_list(cast, directory):
    mine = sent(cast, directory)
    unsent = draft(cast, directory)
    response = client_for(cast.om).get(reverse("referrals:sent"))
    assert [line.referral.pk for line in response.context["lines"]] == [unsent.pk, mine.pk]
    html = _html(response)
    assert reverse("referrals:preview", args=[unsent.pk]) in html
    assert "Acknowledgement due by" in html
    assert client_for(cast.coordinator).get(reverse("referrals:sent")).context["lines"] == []


def test_the_person_page_lists_referrals_and_the_agencies_working_with_them(cast, directory):
    referral = sent(cast, directory)
    person_url = reverse("people:detail", args=[cast.person.pk])
    om = _html(client_for(cast.om).get(person_url))
    assert 'id="referrals"' in om and reverse("referrals:detail", args=[referral.pk]) in om
    assert reverse("referrals:new", args=[cast.person.pk]) in om  # Make a referral
    viewer = _html(client_for(cast.viewer).get(person_url))
    assert reverse("referrals:detail", args=[referral.pk]) in viewer
    assert reverse("referrals:new", args=[cast.person.pk]) not in viewer
    assert _step(client_for(cast.other_partner), referral, "accept").status_code == 302
    om_page = client_for(cast.om).get(person_url)
    engagements = om_page.context["record"].engagements
    assert {e.agency.name for e in engagements} == {"Test Drug Service", "Test Housing"}
    agencies = _html(om_page).split('id="agencies"', 1)[1]
    assert reverse("referrals:detail", args=[referral.pk]) in agencies
    assert "Record an agency working with this person" not in _html(om_page)


def test_roles_that_never_read_referrals_see_no_referrals_section(cast, directory):
    # The coordinator's referral comes from the partnership team, the auditor's agency too.
    referral = sent(cast, directory, actor=cast.coordinator)
    html = _html(client_for(cast.auditor).get(reverse("people:detail", args=[cast.person.pk])))
    assert 'id="referrals"' not in html
    assert reverse("referrals:detail", args=[referral.pk]) not in html


# --- Access events ------------------------------------------------------------------------


def _events_after(action) -> list[AccessEvent]:
    """Access events written by `action` (the log is append-only: nothing is deleted)."""
    last = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    action()
    return list(AccessEvent.objects.filter(id__gt=last).order_by("id"))


def test_pages_showing_personal_data_write_access_events(cast, directory):
    referral = draft(cast, directory, consent_categories=["accommodation", "finance"])
    om, housing = client_for(cast.om), client_for(cast.other_partner)
    [event] = _events_after(lambda: om.get(reverse("referrals:preview", args=[referral.pk])))
    assert event.action == AccessAction.VIEW_PERSON and event.person == cast.person
    assert event.categories == ["accommodation", "finance", "identity"]
    referral_step(actor=cast.om, referral=referral, step="send")
    [event] = _events_after(lambda: housing.get(reverse("referrals:detail", args=[referral.pk])))
    assert event.actor == cast.other_partner and event.person == cast.person
    assert event.categories == ["accommodation", "finance", "identity"]
    assert event.detail == f"referral {referral.pk}"
    [event] = _events_after(lambda: housing.get(reverse("referrals:inbox")))
    assert event.action == AccessAction.VIEW_LIST and event.result_count == 1
    [event] = _events_after(lambda: om.get(_new(cast)))
    assert event.categories == ["identity"]
    # A refused step shows the page again: that view is logged too.
    [event] = _events_after(lambda: _step(om, referral, "accept"))
    assert event.action == AccessAction.VIEW_PERSON


def test_the_drug_referral_progress_is_read_by_those_who_may(cast, directory):
    referral = to_drugs(cast, directory, "accept", "start")
    client_for(cast.partner).post(
        reverse("referrals:progress", args=[referral.pk]), {"note": "Script started"}
    )
    assert ProgressNote.objects.get().category == "substance_misuse"
    # The coordinator's protocol row reads substance misuse; the viewer's too.
    for user in (cast.coordinator, cast.viewer, cast.om):
        page = client_for(user).get(reverse("referrals:detail", args=[referral.pk]))
        assert "Script started" in _html(page), user.username


def test_the_inbox_pages_fifty_at_a_time_and_counts_every_overdue(cast, directory, monkeypatch):
    from tandem.referrals import selectors

    monkeypatch.setattr(selectors, "REFERRAL_PAGE", 2)
    made = [sent(cast, directory) for _ in range(3)]
    assert made[0].sent_at is not None
    Referral.objects.filter(pk=made[0].pk).update(sent_at=made[0].sent_at - dt.timedelta(days=30))
    housing = client_for(cast.other_partner)
    first = housing.get(reverse("referrals:inbox")).context["inbox"]
    assert [line.referral.pk for line in first.lines] == [made[2].pk, made[1].pk]
    assert first.has_more and first.overdue == 1  # the overdue one is on the next page
    second = housing.get(reverse("referrals:inbox"), {"page": "2"})
    assert [line.referral.pk for line in second.context["inbox"].lines] == [made[0].pk]
    assert "Newer" in _html(second) and not second.context["inbox"].has_more
    for bad in ("0", "-1", "x", "99999999999"):  # anything odd is the first page
        assert housing.get(reverse("referrals:inbox"), {"page": bad}).context["inbox"].page == 1


# --- The referrer's list, a page at a time -------------------------------------------------


def test_the_referrers_list_pages_fifty_at_a_time_and_counts_every_overdue(cast, directory):
    from tandem.referrals import selectors

    assert selectors.REFERRAL_PAGE == 50
    made = [sent(cast, directory) for _ in range(51)] + [draft(cast, directory)]
    oldest = made[0]
    assert oldest.sent_at is not None
    Referral.objects.filter(pk=oldest.pk).update(sent_at=oldest.sent_at - dt.timedelta(days=30))
    newest_first = [r.pk for r in reversed(made)]
    om = client_for(cast.om)
    first = om.get(reverse("referrals:sent"))
    assert [line.referral.pk for line in first.context["lines"]] == newest_first[:50]
    assert first.context["has_more"] and first.context["page"] == 1
    # The overdue one is on the next page, and counted here all the same.
    assert first.context["overdue"] == 1
    html = _html(first)
    assert "1 referral is overdue." in html and escape(cast.person.full_name) in html
    assert 'href="?page=2" rel="next"' in html and "Older" in html and "Newer" not in html
    second = om.get(reverse("referrals:sent"), {"page": "2"})
    assert [line.referral.pk for line in second.context["lines"]] == newest_first[50:]
    assert not second.context["has_more"] and second.context["overdue"] == 1
    html = _html(second)
    assert 'href="?page=1" rel="prev"' in html and "Newer" in html and "Older" not in html
    assert "Acknowledgement overdue since" in html and "1 referral is overdue." in html


def test_the_referrers_list_treats_an_odd_page_as_the_first(cast, directory):
    mine = sent(cast, directory)
    om = client_for(cast.om)
    for bad in ("0", "-1", "x", "", "1.5", "²", "99999999999"):  # anything odd is page 1
        response = om.get(reverse("referrals:sent"), {"page": bad})
        assert response.status_code == 200, bad
        assert response.context["page"] == 1, bad
        assert [line.referral.pk for line in response.context["lines"]] == [mine.pk], bad
    # The inbox reads ?page= the same way ("²" is a digit to isdigit(), not to int()).
    inbox = client_for(cast.other_partner).get(reverse("referrals:inbox"), {"page": "²"})
    assert inbox.status_code == 200 and inbox.context["inbox"].page == 1
    past = _html(client_for(cast.other_partner).get(reverse("referrals:inbox"), {"page": "7"}))
    assert "There are no more referrals to" in past and 'href="?show=open"' in past
    assert "No open referral to" not in past
    # Past the last page: nothing listed, said so, and a way back.
    beyond = om.get(reverse("referrals:sent"), {"page": "7"})
    assert beyond.status_code == 200 and beyond.context["lines"] == []
    html = _html(beyond)
    assert "There are no more open referrals you made." in html
    assert f'href="{reverse("referrals:sent")}"' in html and 'href="?page=6" rel="prev"' in html
    assert "You have no open referrals." not in html


def test_the_referrers_list_queries_do_not_grow_with_its_referrals(cast, directory):
    def one_of_each() -> None:
        draft(cast, directory)
        sent(cast, directory)
        to_drugs(cast, directory, "accept")

    om = client_for(cast.om)
    one_of_each()
    om.get(reverse("referrals:sent"))  # the first request of a session warms it up
    with CaptureQueriesContext(connection) as three:
        om.get(reverse("referrals:sent"))
    for _ in range(4):
        one_of_each()
    with CaptureQueriesContext(connection) as fifteen:
        response = om.get(reverse("referrals:sent"))
    assert len(response.context["lines"]) == 15
    assert len(fifteen) == len(three)
