"""factory_boy factories for Tandem's models, with British fake data."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from tandem.core.models import Agency, AgencyKind, Area, Partnership, Role, User
from tandem.people import services
from tandem.people.models import Person

fake = Faker("en_GB")


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("name",)

    name = "Test Partnership (synthetic)"


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Test area {n}")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Test agency {n}")
    kind = AgencyKind.POLICE
    statutory = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.OFFENDER_MANAGER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def areas(obj: User, create: bool, extracted: list[Area] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.areas.set(extracted)
        if create:
            obj.save()


def make_person(
    *,
    area: Area | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    date_of_birth: dt.date | None = None,
    sex: str = "male",
) -> Person:
    """A person created through the people services, living in the given area."""
    person = services.person_create(
        actor=None,
        first_name=first_name or fake.first_name_male(),
        last_name=last_name or fake.last_name(),
        date_of_birth=date_of_birth or fake.date_of_birth(minimum_age=18, maximum_age=40),
        sex=sex,
        synthetic=True,
    )
    if area is not None:
        services.address_add(
            actor=None,
            person=person,
            line1=fake.street_address().split("\n")[0],
            town="Testtown",
            area=area,
            start_date=dt.date(2020, 1, 1),
        )
        person.refresh_from_db()
    return person
