"""Unit tests of the access layer: which people each role may open, and which categories."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.http import Http404

from tandem.core.access import grants_for, people_for, person_for, today
from tandem.core.categories import Category, Level
from tandem.core.models import AgencyKind, ProtocolRule, Role, User
from tandem.people import services
from tandem.people.models import Consent

from ..factories import UserFactory

GRACE = settings.PARTNER_ACCESS_GRACE_DAYS


def fresh(user: User) -> User:
    """A new instance from the database: protocol_levels caches on the user object."""
    return User.objects.get(pk=user.pk)


def visible(cast, persona: str) -> set[str]:
    """Which of the cast's two people the persona may open, by name."""
    ids = set(people_for(fresh(cast.personas()[persona])).values_list("pk", flat=True))
    return {name for name, p in (("A", cast.person), ("B", cast.person_b)) if p.pk in ids}


def engage(cast, *, start: dt.date, end: dt.date | None = None):
    """Engage the housing agency (other_partner's) with person_b."""
    return services.engagement_start(
        actor=None,
        agency=cast.other_partner.agency,
        person=cast.person_b,
        start_date=start,
        end_date=end,
    )


# people_for -----------------------------------------------------------------------------

VISIBLE = {
    "om": {"A"},  # area A only
    "other_om": {"B"},  # area B only
    "viewer": {"A"},
    "coordinator": {"A", "B"},  # both areas
    "partner": {"A"},  # drug service engaged with the person in A
    "other_partner": set(),  # housing is engaged with nobody
    "custody": set(),
    "analyst": set(),
    "auditor": {"A", "B"},  # everyone, identity only
    "admin": set(),
}


def test_people_for_by_persona(cast):
    # One test for the matrix: the cast fixture costs far more than the queries.
    assert {name: visible(cast, name) for name in VISIBLE} == VISIBLE


def test_area_scoped_user_follows_the_persons_area(cast):
    services.address_add(
        actor=cast.om,
        person=cast.person_b,
        line1="1 New Road",
        town="Testtown",
        area=cast.area_a,
        start_date=today(),
    )
    assert visible(cast, "om") == {"A", "B"}
    assert visible(cast, "other_om") == set()


def test_area_scoped_user_without_areas_sees_nobody(cast):
    lonely = UserFactory(agency=cast.om.agency, role=Role.OFFENDER_MANAGER)
    assert not people_for(lonely).exists()


def test_inactive_user_sees_nobody(cast):
    cast.auditor.is_active = False
    cast.auditor.save()
    assert visible(cast, "auditor") == set()


def test_user_without_agency_sees_nobody(cast):
    nobody = UserFactory(agency=None, role=Role.OFFENDER_MANAGER, areas=[cast.area_a])
    assert not people_for(nobody).exists()


def test_partner_sees_open_engagement_starting_today(cast):
    engage(cast, start=today())
    assert visible(cast, "other_partner") == {"B"}


def test_partner_does_not_see_engagement_starting_in_future(cast):
    engage(cast, start=today() + dt.timedelta(days=1))
    assert visible(cast, "other_partner") == set()


def test_partner_sees_person_on_last_day_of_grace(cast):
    engage(cast, start=dt.date(2020, 1, 1), end=today() - dt.timedelta(days=GRACE))
    assert GRACE == 90
    assert visible(cast, "other_partner") == {"B"}


def test_partner_loses_person_the_day_after_grace(cast):
    engage(cast, start=dt.date(2020, 1, 1), end=today() - dt.timedelta(days=GRACE + 1))
    assert visible(cast, "other_partner") == set()


def test_grace_period_runs_out_as_time_passes(cast):
    ended = today()
    engage(cast, start=ended - dt.timedelta(days=30), end=ended)
    noon = dt.datetime.combine(ended, dt.time(12), tzinfo=dt.UTC)
    with time_machine.travel(noon + dt.timedelta(days=GRACE), tick=False):
        assert visible(cast, "other_partner") == {"B"}
    with time_machine.travel(noon + dt.timedelta(days=GRACE + 1), tick=False):
        assert visible(cast, "other_partner") == set()


def test_another_agencys_engagement_does_not_count(cast):
    # The drug service is engaged with the person in A; housing must not see them.
    assert visible(cast, "partner") == {"A"}
    assert visible(cast, "other_partner") == set()


# person_for -----------------------------------------------------------------------------


def test_person_for_returns_person_in_scope(cast):
    assert person_for(fresh(cast.om), cast.person.pk) == cast.person
    assert person_for(fresh(cast.om), str(cast.person.pk)) == cast.person


def test_person_for_out_of_scope_raises_404(cast):
    with pytest.raises(Http404):
        person_for(fresh(cast.other_om), cast.person.pk)


def test_person_for_missing_raises_404(cast):
    with pytest.raises(Http404):
        person_for(fresh(cast.auditor), 999_999_999)


GARBAGE = ["abc", None, "1; drop", "", "1.5", [1], "99999999999999999999999"]


def test_person_for_garbage_raises_404(cast):
    auditor = fresh(cast.auditor)
    for garbage in GARBAGE:
        with pytest.raises(Http404):
            person_for(auditor, garbage)


def test_person_for_roles_without_records_raise_404(cast):
    for persona in ("custody", "analyst", "admin"):
        with pytest.raises(Http404):
            person_for(fresh(cast.personas()[persona]), cast.person.pk)


# grants_for -----------------------------------------------------------------------------


def rules(kind: str, role: str) -> dict[str, str]:
    return dict(
        ProtocolRule.objects.filter(agency_kind=kind, role=role).values_list("category", "level")
    )


def test_justice_levels_follow_the_protocol_table(cast):
    for persona in ("om", "other_om", "viewer", "coordinator", "auditor"):
        user = fresh(cast.personas()[persona])
        grants = grants_for(user, cast.person)
        assert user.agency is not None
        assert grants.levels == rules(user.agency.kind, user.role), persona
        for category, level in grants.levels.items():
            assert (category in grants.withheld) == (level == Level.NONE), (persona, category)


def test_changing_a_rule_changes_the_grant(cast):
    before = grants_for(fresh(cast.om), cast.person)
    assert before.can_write(Category.FINANCE)
    ProtocolRule.objects.filter(
        agency_kind=AgencyKind.POLICE, role=Role.OFFENDER_MANAGER, category=Category.FINANCE
    ).update(level=Level.READ)
    after = grants_for(fresh(cast.om), cast.person)
    assert after.can_read(Category.FINANCE)
    assert not after.can_write(Category.FINANCE)
    ProtocolRule.objects.filter(
        agency_kind=AgencyKind.POLICE, role=Role.OFFENDER_MANAGER, category=Category.FINANCE
    ).update(level=Level.NONE)
    gone = grants_for(fresh(cast.om), cast.person)
    assert not gone.can_read(Category.FINANCE)
    assert Category.FINANCE.value not in gone.readable
    assert "no access to finance data" in gone.withheld[Category.FINANCE].reason


def test_protocol_levels_are_cached_on_the_user_instance(cast):
    user = fresh(cast.om)
    assert grants_for(user, cast.person).can_write(Category.FAMILY)
    ProtocolRule.objects.filter(
        agency_kind=AgencyKind.POLICE, role=Role.OFFENDER_MANAGER, category=Category.FAMILY
    ).update(level=Level.NONE)
    assert grants_for(user, cast.person).can_write(Category.FAMILY)  # same instance: cached
    assert not grants_for(fresh(cast.om), cast.person).can_read(Category.FAMILY)


def test_partner_without_consent_has_consent_categories_withheld(cast):
    grants = grants_for(fresh(cast.partner), cast.person)
    # The protocol gives the drug service write on both...
    protocol = rules(AgencyKind.DRUG_TREATMENT, Role.PARTNER_WORKER)
    assert protocol[Category.SUBSTANCE_MISUSE] == protocol[Category.HEALTH] == Level.WRITE
    # ...but without recorded consent neither is shared.
    for category in (Category.SUBSTANCE_MISUSE, Category.HEALTH):
        assert grants.levels[category] == Level.NONE
        assert not grants.can_read(category)
        assert "consent" in grants.withheld[category].reason
        assert category.label.lower() in grants.withheld[category].reason
    assert grants.can_read(Category.IDENTITY)
    assert grants.can_read(Category.ACCOMMODATION)


def consent(cast, category, *, given_on, withdrawn_on=None, person=None):
    return Consent.objects.create(
        person=person or cast.person,
        category=category,
        given_on=given_on,
        withdrawn_on=withdrawn_on,
    )


def test_active_consent_shares_that_category_only(cast):
    consent(cast, Category.SUBSTANCE_MISUSE, given_on=today())
    grants = grants_for(fresh(cast.partner), cast.person)
    assert grants.can_write(Category.SUBSTANCE_MISUSE)
    assert Category.SUBSTANCE_MISUSE.value not in grants.withheld
    assert not grants.can_read(Category.HEALTH)
    assert "consent" in grants.withheld[Category.HEALTH].reason


def test_consent_for_both_categories_shares_both(cast):
    consent(cast, Category.SUBSTANCE_MISUSE, given_on=today() - dt.timedelta(days=10))
    consent(cast, Category.HEALTH, given_on=today() - dt.timedelta(days=10))
    grants = grants_for(fresh(cast.partner), cast.person)
    assert grants.can_write(Category.SUBSTANCE_MISUSE)
    assert grants.can_write(Category.HEALTH)
    assert grants.withheld.keys().isdisjoint({"health", "substance_misuse"})


def test_consent_given_in_future_does_not_count(cast):
    consent(cast, Category.SUBSTANCE_MISUSE, given_on=today() + dt.timedelta(days=1))
    assert not grants_for(fresh(cast.partner), cast.person).can_read(Category.SUBSTANCE_MISUSE)


def test_withdrawn_consent_removes_the_category_again(cast):
    given = consent(cast, Category.SUBSTANCE_MISUSE, given_on=today() - dt.timedelta(days=30))
    assert grants_for(fresh(cast.partner), cast.person).can_read(Category.SUBSTANCE_MISUSE)
    given.withdrawn_on = today()
    given.save()
    grants = grants_for(fresh(cast.partner), cast.person)
    assert not grants.can_read(Category.SUBSTANCE_MISUSE)
    assert "consent" in grants.withheld[Category.SUBSTANCE_MISUSE].reason


def test_consent_withdrawn_from_tomorrow_still_counts_today(cast):
    consent(
        cast,
        Category.SUBSTANCE_MISUSE,
        given_on=today() - dt.timedelta(days=30),
        withdrawn_on=today() + dt.timedelta(days=1),
    )
    assert grants_for(fresh(cast.partner), cast.person).can_read(Category.SUBSTANCE_MISUSE)


def test_another_persons_consent_does_not_count(cast):
    consent(cast, Category.SUBSTANCE_MISUSE, given_on=today(), person=cast.person_b)
    assert not grants_for(fresh(cast.partner), cast.person).can_read(Category.SUBSTANCE_MISUSE)


def test_police_do_not_need_consent(cast):
    assert not Consent.objects.exists()
    grants = grants_for(fresh(cast.om), cast.person)
    assert grants.can_write(Category.SUBSTANCE_MISUSE)
    assert grants.can_read(Category.HEALTH)
    assert grants.withheld == {}


def test_protocol_none_wins_over_consent(cast):
    consent(cast, Category.HEALTH, given_on=today())
    # Housing has no health access in the protocol, consent or not.
    grants = grants_for(fresh(cast.other_partner), cast.person)
    assert not grants.can_read(Category.HEALTH)
    assert "sharing protocol" in grants.withheld[Category.HEALTH].reason


def test_withheld_reason_names_agency_kind_and_role(cast):
    grants = grants_for(fresh(cast.other_partner), cast.person)
    reason = grants.withheld[Category.OFFENDING].reason
    assert "Local authority housing" in reason
    assert "Partner worker" in reason
    assert "offending" in reason
    assert grants.withheld[Category.OFFENDING].label == "Offending"


def test_auditor_gets_identity_only(cast):
    grants = grants_for(fresh(cast.auditor), cast.person)
    assert grants.readable == [Category.IDENTITY.value]
    assert not grants.can_write(Category.IDENTITY)
    assert "Community safety partnership team, Auditor" in grants.withheld["risk"].reason
