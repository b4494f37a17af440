"""Who may do what with appointments, and what a reader may see of one.

Record scope comes from tandem.core.access (people_for, grants_for); this module adds the
appointment rules on top: an agency books and changes only its own appointments, the
outcome comes from the agency that held the appointment (not one that joined it), and an
appointment whose kind reveals a category the reader cannot read shows only as
"Appointment — <agency>".
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tandem.core.access import PersonGrants, people_for
from tandem.core.models import Role, User
from tandem.people.models import Person

from .codes import KIND_CATEGORY
from .models import Appointment, EnforcementFlag

# The roles that hold appointments with people. Coordinators run the scheme rather than
# see people; viewers read; neither books.
BOOKING_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.PARTNER_WORKER})
# Roles that may record a person's contact details and consent, and good progress.
CASE_ROLES = BOOKING_ROLES | {Role.COORDINATOR}
# Roles that may see what other agencies' appointments are, as far as the protocol allows.
DETAIL_ROLES = CASE_ROLES | {Role.VIEWER}


def agency_id_of(user: User) -> int:
    """The user's agency, which every write here is made for; staff without one may not."""
    if user.agency_id is None:
        raise PermissionDenied
    return user.agency_id


def may_open(user: User, person: Person) -> bool:
    return people_for(user).filter(pk=person.pk).exists()


def may_book(user: User, person: Person) -> bool:
    """Offender managers for people in their areas, partner workers for people their agency
    works with (people_for decides both); always for the user's own agency."""
    return bool(
        user.is_active
        and user.agency_id is not None
        and user.role in BOOKING_ROLES
        and may_open(user, person)
    )


def may_change(user: User, appointment: Appointment) -> bool:
    """Reschedule or cancel: a booker of the agency holding the appointment."""
    return user.agency_id == appointment.agency_id and may_book(user, appointment.person)


def may_merge(user: User, appointment: Appointment) -> bool:
    """Fold the user's appointment into another agency's (join theirs, cancel this one):
    only a voluntary one. An enforceable appointment is a requirement its own agency
    enforces, and only the holding agency records the outcome (may_record_outcome), so it
    stays where it is and the other agency joins it instead (appointment_join)."""
    return not appointment.enforceable and may_change(user, appointment)


def present_agency_ids(appointment: Appointment) -> set[int]:
    """The holding agency and every joint participant's agency: who sees the appointment
    in full. Recording its outcome is the holding agency's alone (may_record_outcome)."""
    return {appointment.agency_id} | {p.agency_id for p in appointment.participants.all()}


def may_record_outcome(user: User, appointment: Appointment) -> bool:
    """Record or correct the outcome: a booker of the agency that held the appointment.

    Not an agency that only joined it: the outcome of an enforceable appointment can raise
    an enforcement flag, and a requirement is for the agency holding it to enforce (issue
    8: "by the agency that held it"). A joint participant tells the holding agency.
    """
    return user.agency_id == appointment.agency_id and may_book(user, appointment.person)


def may_decide(user: User, flag: EnforcementFlag) -> bool:
    """The flag's owner, the person's current lead, or a coordinator for the person's area."""
    from tandem.casework.selectors import current_leads

    if not user.is_active:
        return False
    if flag.owner_id is not None and flag.owner_id == user.pk:
        return True
    lead = current_leads([flag.person_id]).get(flag.person_id)
    if lead is not None and lead.worker_id == user.pk:
        return True
    return user.role == Role.COORDINATOR and may_open(user, flag.person)


def may_record_for(user: User, person: Person) -> bool:
    """Contact consent and good progress: anyone working the case who may open the person."""
    return bool(
        user.is_active
        and user.agency_id is not None
        and user.role in CASE_ROLES
        and may_open(user, person)
    )


def shows_detail(appointment: Appointment, *, reader: User, grants: PersonGrants) -> bool:
    """Whether this reader, with these grants on the person, sees what the appointment is.

    The agencies present always see their own appointment; others need the category its
    kind reveals (drug treatment and drug tests are substance-misuse data). Roles that do
    not work cases (auditors) see only when and with whom, whatever the kind.
    """
    if reader.agency_id is not None and reader.agency_id in present_agency_ids(appointment):
        return True
    if reader.role not in DETAIL_ROLES:
        return False
    category = KIND_CATEGORY.get(appointment.kind)
    return category is None or grants.can_read(category)
