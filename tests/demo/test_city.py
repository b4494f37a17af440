"""The synthetic demo city in the database: organisation, people, police data and the truth."""

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
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from tandem.core.access import people_for
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
from tandem.core.reference_data import REFERENCE_DATA_MIGRATIONS
from tandem.demo.generator import (
    DEMO_PASSWORD,
    PARTNERSHIP_NAME,
    build_city,
    demo_sign_ins,
    generate_city,
    reset_database,
)
from tandem.demo.models import SyntheticOffence
from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES
from tandem.offending.models import DrugTest, ImportBatch, Offence, OffenceType
from tandem.people.models import Address, EpisodeKind, Person, StatusEpisode

SEED = 11
PEOPLE = 300  # enough to exercise every path while keeping database tests quick
DAY = dt.date(2026, 3, 1)
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


# The saved city: generated once for the class, rolled back after its last test.


@pytest.fixture(scope="class")
def city(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    with django_db_blocker.unblock(), transaction.atomic():
        summary = generate_city(seed=SEED, people=PEOPLE, as_of=DAY)
        yield summary
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

    def test_every_role_has_a_demo_user_with_the_demo_password(self) -> None:
        users = list(User.objects.exclude(username__startswith="team.").select_related("agency"))
        assert {u.role for u in users} == set(Role.values)
        assert {u.username for u in users} == {s.username for s in demo_sign_ins()}
        assert all(u.check_password(DEMO_PASSWORD) for u in users)
        # The area teams behind the demo staff lead cases but nobody can sign in as them.
        team = User.objects.filter(username__startswith="team.")
        assert team.count() == 18 and not any(u.has_usable_password() for u in team)
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser

    def test_saved_rows_are_the_built_city(self, city: Any) -> None:
        built = build_city(seed=SEED, people=PEOPLE, years=10, as_of=DAY)
        saved = list(Person.objects.order_by("id").values_list("source_ref", "last_name"))
        assert saved == list(built.people.select("person_ref", "last_name").iter_rows())
        assert Offence.objects.count() == built.offences.height == city.recorded_offences
        assert SyntheticOffence.objects.count() == built.truth.height == city.true_offences
        assert DrugTest.objects.count() == built.drug_tests.height
        assert StatusEpisode.objects.count() == built.episodes.height

    def test_people_are_synthetic_with_keys_areas_and_history(self) -> None:
        people = Person.objects.all()
        assert not people.filter(synthetic=False).exists()
        assert not people.exclude(source_system="DEMO").exists()
        assert not people.filter(residence_area__isnull=True).exists()
        assert not people.filter(first_name_key="").exists()
        assert Person.history.filter(history_type="+").count() == PEOPLE
        # The residence area is the current address's area, as the people services keep it.
        for person in people.prefetch_related("addresses")[:50]:
            current = [a for a in person.addresses.all() if a.end_date is None]
            assert [a.area_id for a in current] == [person.residence_area_id]
        assert Address.objects.values("person").distinct().count() == PEOPLE

    def test_police_data_and_the_truth_agree(self) -> None:
        detected = SyntheticOffence.objects.filter(detected=True)
        assert detected.count() == Offence.objects.count()
        assert not detected.filter(offence__isnull=True).exists()
        assert not SyntheticOffence.objects.filter(detected=False, offence__isnull=False).exists()
        sample = detected.select_related("offence")[:200]
        for truth in sample:
            police = truth.offence
            assert police is not None
            assert (police.person_id, police.offence_date, police.offence_type_id) == (
                truth.person_id, truth.offence_date, truth.offence_type_id
            )  # fmt: skip
        codes = set(OffenceType.objects.values_list("code", flat=True))
        used = set(Offence.objects.values_list("offence_type__code", flat=True).distinct())
        assert used <= codes

    def test_provenance_is_recorded_in_import_batches(self) -> None:
        batches = {b.kind: b for b in ImportBatch.objects.all()}
        assert set(batches) == {"people", "offences", "drug-tests"}
        assert batches["offences"].rows == Offence.objects.count()
        assert not Offence.objects.exclude(import_batch=batches["offences"]).exists()
        assert not DrugTest.objects.exclude(import_batch=batches["drug-tests"]).exists()

    def test_new_rows_get_new_ids_after_the_bulk_load(self) -> None:
        top = Person.objects.order_by("-id").values_list("id", flat=True).first()
        person = Person.objects.create(
            first_name="New", last_name="Person", date_of_birth=dt.date(1990, 1, 1), sex="male"
        )
        assert top is not None and person.pk > top

    def test_some_people_are_in_custody_today(self) -> None:
        in_custody = (
            Person.objects.filter(
                episodes__kind__in=[EpisodeKind.REMAND, EpisodeKind.SENTENCED],
                episodes__start_date__lte=DAY,
                episodes__end_date__isnull=True,
            )
            .distinct()
            .count()
        )
        assert 0.02 * PEOPLE < in_custody < 0.3 * PEOPLE

    def test_every_partner_worker_has_people_in_scope(self) -> None:
        for user in User.objects.filter(role=Role.PARTNER_WORKER).select_related("agency"):
            assert people_for(user).count() >= 5, user.username

    def test_offender_managers_in_areas_a_and_b_have_a_caseload(self) -> None:
        for username in ("om.police", "om.probation", "viewer.police"):
            assert people_for(User.objects.get(username=username)).count() >= 30


# The command.


def test_command_refuses_production_mode(settings: Any) -> None:
    settings.TANDEM_MODE = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo", people=5, stdout=StringIO())
    with pytest.raises(CommandError, match="production"):
        call_command("demo", reset=True, stdout=StringIO())
    with pytest.raises(ImproperlyConfigured):
        reset_database()


@pytest.mark.django_db
def test_command_builds_the_city_and_prints_the_figures_and_sign_ins() -> None:
    out = StringIO()
    call_command("demo", people=60, years=3, seed=3, as_of=DAY, stdout=out)
    text = out.getvalue()
    assert Person.objects.count() == 60
    for words in ("true offences", "recorded by the police", "sanctions", "top tenth",
                  "male", "aged 18-25", "in custody", "drug tests", "positive"):  # fmt: skip
        assert words in text
    assert text.count(DEMO_PASSWORD) == 1
    for sign_in in demo_sign_ins():
        assert sign_in.username in text


@pytest.mark.django_db
def test_command_refuses_a_database_that_already_has_a_partnership() -> None:
    Partnership.objects.create(name="Some partnership")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", people=5, stdout=StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_command_checks_its_arguments() -> None:
    with pytest.raises(CommandError, match="--years"):
        call_command("demo", people=5, years=0, stdout=StringIO())
    with pytest.raises(CommandError, match="--people"):
        call_command("demo", people=-1, stdout=StringIO())


@pytest.mark.django_db
def test_reset_empties_everything_and_keeps_reference_data_and_the_log_append_only() -> None:
    call_command("demo", people=10, years=2, stdout=StringIO())
    viewer = User.objects.get(username="om.police")
    access_record(actor=viewer, action=AccessAction.VIEW_PERSON, person=Person.objects.first())
    try:
        call_command("demo", people=12, years=2, seed=4, reset=True, stdout=StringIO())
        assert Person.objects.count() == 12
        assert not AccessEvent.objects.exists()
        assert ProtocolRule.objects.count() == len(default_rules())
        assert OffenceType.objects.count() == len(DEFAULT_OFFENCE_TYPES)
        viewer = User.objects.get(username="om.police")
        event = access_record(actor=viewer, action=AccessAction.SEARCH)
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessEvent.objects.filter(pk=event.pk).delete()
    finally:
        # flush recreated content types inside this test's transaction, which rolls back.
        ContentType.objects.clear_cache()


def test_reset_knows_every_data_migration_that_ships_reference_data() -> None:
    """Forward-only RunPython operations install reference data; reset must rerun them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    installers = {
        migration.__module__
        for migration in loader.disk_migrations.values()
        for operation in migration.operations
        if isinstance(operation, RunPython)
        and operation.reverse_code is RunPython.noop
        and migration.__module__.startswith("tandem.")
    }
    # The sharing protocol's defaults are reinstalled by protocol_install_defaults.
    protocol = "tandem.core.migrations.0003_protocol_defaults_and_append_only_log"
    assert installers - {protocol} == set(REFERENCE_DATA_MIGRATIONS)
