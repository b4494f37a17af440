"""Save planned people through the people services, as any other caller would."""

from __future__ import annotations

from django.db.models import Model

from tandem.people import services
from tandem.people.models import Consent, Person

from .organisation import Organisation
from .population import ConsentPlan, PersonPlan


def _consent_record(person: Person, plan: ConsentPlan) -> Consent:
    # There is no consent service yet. The plan is valid by construction, so this saves
    # without full_clean (one query a row fewer).
    consent = Consent(
        person=person,
        category=plan.category,
        given_on=plan.given_on,
        withdrawn_on=plan.withdrawn_on,
        scope=plan.scope,
    )
    consent._history_user = None  # type: ignore[attr-defined]
    consent.save()
    return consent


def person_save(plan: PersonPlan, org: Organisation) -> list[Model]:
    """Create one synthetic person and everything planned about them; return what was made."""
    person = services.person_create(
        actor=None,
        first_name=plan.first_name,
        middle_names=plan.middle_names,
        last_name=plan.last_name,
        date_of_birth=plan.date_of_birth,
        sex=plan.sex,
        ethnicity=plan.ethnicity,
        synthetic=True,
    )
    created: list[Model] = [person]
    for first_name, last_name in plan.aliases:
        created.append(
            services.alias_add(
                actor=None, person=person, first_name=first_name, last_name=last_name
            )
        )
    for kind, value, issued_by in plan.identifiers:
        created.append(
            services.identifier_add(
                actor=None, person=person, kind=kind, value=value, issued_by=issued_by
            )
        )
    # Oldest first, so that the last one saved (the current address) sets the residence area.
    for address in plan.addresses:
        created.append(
            services.address_add(
                actor=None,
                person=person,
                kind=address.kind,
                line1=address.line1,
                line2=address.line2,
                town=address.town,
                postcode=address.postcode,
                area=org.areas[address.area_code],
                start_date=address.start_date,
                end_date=address.end_date,
            )
        )
    for episode in plan.episodes:
        created.append(
            services.episode_add(
                actor=None,
                person=person,
                kind=episode.kind,
                start_date=episode.start_date,
                end_date=episode.end_date,
                establishment=episode.establishment,
                expected_end_date=episode.expected_end_date,
            )
        )
    for engagement in plan.engagements:
        created.append(
            services.engagement_start(
                actor=None,
                agency=org.agencies[engagement.agency_key],
                person=person,
                start_date=engagement.start_date,
                end_date=engagement.end_date,
                purpose=engagement.purpose,
            )
        )
    for consent in plan.consents:
        created.append(_consent_record(person, consent))
    return created
