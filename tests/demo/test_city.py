"""The synthetic demo city: deterministic, PPO-like in proportion, and usable by every role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from tandem.core.access import people_for, today
from tandem.core.audit import access_record
from tandem.core.models import (
    AccessAction,
    AccessEvent,
    Agency,
    AgencyKind,
    Area,
    Partnership,
    ProtocolRule,
    Role,
    User,
)
from tandem.core.protocol_defaults import default_rules
from tandem.demo.generator import (
    DEMO_PASSWORD,
    PARTNERSHIP_NAME,
    demo_sign_ins,
    generate_city,
    plan_population,
    reset_database,
)
from tandem.demo.generator.identifiers import pnc_format, pnc_is_valid
from tandem.demo.generator.population import CUSTODY, PersonPlan
from tandem.people.models import EpisodeKind, Identifier, IdentifierKind, Person, Sex

SEED = 11
PEOPLE = 120  # enough to exercise every path while keeping database tests quick
DAY = dt.date(2026, 3, 1)  # plans are pure functions of seed and day
STUDY_AGENCY_KINDS = {
    AgencyKind.POLICE,
    AgencyKind.PROBATION,
    AgencyKind.PRISON,
    AgencyKind.DIP,
    AgencyKind.DRUG_TREATMENT,
    AgencyKind.HOUSING_AUTHORITY,
    AgencyKind.SOCIAL_LANDLORD,
    AgencyKind.ETE,
    AgencyKind.MENTORING,
    AgencyKind.PARTNERSHIP,
}


@pytest.fixture(scope="module")
def plans() -> list[PersonPlan]:
    # A thousand plans take well under a second and make the proportions stable.
    return plan_population(seed=SEED, count=1000, on=DAY)


def _age(plan: PersonPlan, on: dt.date) -> int:
    born = plan.date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _pncs(plans: list[PersonPlan]) -> list[str]:
    return [value for p in plans for kind, value, _ in p.identifiers if kind == IdentifierKind.PNC]


# Plans: no database needed.


def test_same_seed_gives_the_same_people() -> None:
    first = plan_population(seed=SEED, count=50, on=DAY)
    again = plan_population(seed=SEED, count=50, on=DAY)
    other = plan_population(seed=SEED + 1, count=50, on=DAY)
    assert first == again
    assert [(p.first_name, p.last_name) for p in first] != [
        (p.first_name, p.last_name) for p in other
    ]


def test_population_looks_like_a_ppo_cohort(plans: list[PersonPlan]) -> None:
    count = len(plans)
    male = sum(p.sex == Sex.MALE for p in plans)
    young = sum(18 <= _age(p, DAY) <= 25 for p in plans)
    in_custody = sum(p.status in CUSTODY for p in plans)
    assert male / count >= 0.9
    assert young / count > 0.5
    assert 0.3 <= in_custody / count <= 0.7
    assert all(18 <= _age(p, DAY) < 50 for p in plans)
    assert 0.2 <= sum(bool(p.aliases) for p in plans) / count <= 0.4
    assert len({p.ethnicity for p in plans}) >= 5


def test_aliases_include_hyphens_and_apostrophes(plans: list[PersonPlan]) -> None:
    alias_surnames = [last for p in plans for _, last in p.aliases]
    assert any("-" in name for name in alias_surnames)
    assert any("'" in name for name in alias_surnames)


def test_pnc_numbers_are_unique_and_well_formed(plans: list[PersonPlan]) -> None:
    pncs = _pncs(plans)
    assert len(pncs) == len(plans)  # exactly one each
    assert len(set(pncs)) == len(pncs)
    assert all(pnc_is_valid(value) for value in pncs)


def test_pnc_check_letter_catches_a_wrong_letter() -> None:
    value = pnc_format(2004, 123456)
    assert pnc_is_valid(value)
    wrong = value[:-1] + ("A" if value[-1] != "A" else "B")
    assert not pnc_is_valid(wrong)
    assert not pnc_is_valid("04/123456A")  # short form is not what the generator writes


def test_current_status_matches_open_episodes(plans: list[PersonPlan]) -> None:
    for plan in plans:
        open_kinds = [e.kind for e in plan.episodes if e.end_date is None]
        if plan.status == "liberty":
            assert open_kinds == []
        else:
            assert open_kinds == [plan.status]
        for episode in plan.episodes:
            assert episode.start_date <= DAY
            assert episode.end_date is None or episode.start_date <= episode.end_date <= DAY


def test_every_person_has_exactly_one_current_address(plans: list[PersonPlan]) -> None:
    for plan in plans:
        assert 1 <= len(plan.addresses) <= 3
        assert [a.end_date for a in plan.addresses].count(None) == 1
        assert plan.addresses[-1].end_date is None


# The saved city: generated once for the class, rolled back after its last test.


@pytest.fixture(scope="class")
def city(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate_city(seed=SEED, people=PEOPLE)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("city")
class TestSavedCity:
    def test_city_has_the_partnership_areas_and_agencies_of_the_study(self) -> None:
        assert list(Partnership.objects.values_list("name", flat=True)) == [PARTNERSHIP_NAME]
        assert Area.objects.count() == 9
        agencies = Agency.objects.prefetch_related("areas")
        assert {a.kind for a in agencies} == STUDY_AGENCY_KINDS
        assert all(a.name.endswith("(demo)") for a in agencies)
        assert all(a.areas.count() == 9 for a in agencies)
        statutory = {a.kind for a in agencies if a.statutory}
        assert statutory == {
            AgencyKind.POLICE,
            AgencyKind.PROBATION,
            AgencyKind.PRISON,
            AgencyKind.HOUSING_AUTHORITY,
            AgencyKind.DIP,
            AgencyKind.PARTNERSHIP,
        }

    def test_every_role_has_a_demo_user_with_the_demo_password(self) -> None:
        users = list(User.objects.select_related("agency"))
        assert {u.role for u in users} == set(Role.values)
        assert {u.username for u in users} == {s.username for s in demo_sign_ins()}
        assert all(u.agency_id and u.job_title and u.first_name for u in users)
        assert all(u.check_password(DEMO_PASSWORD) for u in users)
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()

    def test_saved_people_are_the_planned_people(self) -> None:
        planned = plan_population(seed=SEED, count=PEOPLE, on=today())
        saved = Person.objects.order_by("id")
        assert [(p.first_name, p.last_name, p.date_of_birth) for p in saved] == [
            (p.first_name, p.last_name, p.date_of_birth) for p in planned
        ]
        saved_pncs = set(
            Identifier.objects.filter(kind=IdentifierKind.PNC).values_list("value", flat=True)
        )
        assert saved_pncs == set(_pncs(planned))
        assert not Person.objects.filter(synthetic=False).exists()
        assert not Person.objects.filter(residence_area__isnull=True).exists()
        assert Person.history.count() == PEOPLE  # creation history, written in bulk

    def test_about_half_are_in_custody_today(self) -> None:
        on = today()
        in_custody = (
            Person.objects.filter(
                episodes__kind__in=[EpisodeKind.REMAND, EpisodeKind.SENTENCED],
                episodes__start_date__lte=on,
                episodes__end_date__isnull=True,
            )
            .distinct()
            .count()
        )
        assert 0.3 <= in_custody / PEOPLE <= 0.7

    def test_every_partner_worker_has_people_in_scope(self) -> None:
        for user in User.objects.filter(role=Role.PARTNER_WORKER).select_related("agency"):
            assert people_for(user).count() >= 5, user.username

    def test_offender_managers_in_areas_a_and_b_have_a_caseload(self) -> None:
        for username in ("om.police", "om.probation", "viewer.police"):
            assert people_for(User.objects.get(username=username)).count() >= 15


# The command.


def test_command_refuses_production_mode(settings) -> None:
    settings.TANDEM_MODE = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo", people=5, stdout=StringIO())
    with pytest.raises(CommandError, match="production"):
        call_command("demo", reset=True, stdout=StringIO())
    with pytest.raises(ImproperlyConfigured):
        reset_database()


@pytest.mark.django_db
def test_command_builds_the_city_and_prints_the_sign_ins() -> None:
    out = StringIO()
    call_command("demo", people=20, seed=3, stdout=out)
    text = out.getvalue()
    assert Person.objects.count() == 20
    assert text.count(DEMO_PASSWORD) == 1
    assert "synthetic demo accounts" in text
    for sign_in in demo_sign_ins():
        assert sign_in.username in text


@pytest.mark.django_db
def test_command_refuses_a_database_that_already_has_a_partnership() -> None:
    Partnership.objects.create(name="Some partnership")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", people=5, stdout=StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_reset_empties_everything_and_keeps_the_log_append_only() -> None:
    call_command("demo", people=10, stdout=StringIO())
    viewer = User.objects.get(username="om.police")
    access_record(actor=viewer, action=AccessAction.VIEW_PERSON, person=Person.objects.first())
    try:
        call_command("demo", people=12, seed=4, reset=True, stdout=StringIO())
        assert Person.objects.count() == 12
        assert not AccessEvent.objects.exists()
        assert ProtocolRule.objects.count() == len(default_rules())
        viewer = User.objects.get(username="om.police")
        event = access_record(actor=viewer, action=AccessAction.SEARCH)
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessEvent.objects.filter(pk=event.pk).delete()
    finally:
        # flush recreated content types inside this test's transaction, which rolls back.
        ContentType.objects.clear_cache()
