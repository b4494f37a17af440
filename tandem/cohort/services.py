"""Writes to the cohort: adoption and exit, always with a recorded basis or reason.

Forums adopt and exit through `membership_start` and `membership_end`. Between forums the
coordinator does it with a reason (`cohort_adopt_between_forums`, `cohort_exit_between_forums`),
and the spell is marked for the next forum to ratify. Earlier local schemes hand their members
over with `membership_move_scheme`, which keeps the earlier spell and links the new one to it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tandem.casework.models import AllocationTrigger
from tandem.casework.selectors import current_leads
from tandem.casework.services import allocations_end, lead_allocate
from tandem.core.access import today
from tandem.core.models import Area, Role, User
from tandem.people.models import Person
from tandem.selection.models import CriteriaSet

from .models import PPO_SCHEME_CODE, EndReason, Membership, Scheme, Strand

SCHEME_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,29}$")


@transaction.atomic
def membership_start(
    *,
    actor: User | None,
    person: Person,
    area: Area,
    scheme: Scheme,
    strand: str,
    start_date: dt.date,
    basis: str,
    between_forums: bool = False,
    moved_from: Membership | None = None,
) -> Membership:
    """Adopt a person into a scheme's cohort in an area.

    `basis` is the forum decision or, between forums, the coordinator's reason; adoption
    between forums is marked so that the next forum ratifies it.
    """
    errors: dict[str, str] = {}
    if not basis.strip():
        errors["basis"] = "Say why the person is being adopted"
    if strand not in Strand.values:
        errors["strand"] = "Choose a strand"
    if start_date > today():
        errors["start_date"] = "Adoption cannot be dated in the future"
    if not scheme.accepts_new_members and moved_from is None:
        errors["scheme"] = f"{scheme.name} takes no new members"
    if errors:
        raise ValidationError(errors)
    membership = Membership(
        person=person,
        area=area,
        scheme=scheme,
        strand=strand,
        start_date=start_date,
        basis=basis.strip(),
        between_forums=between_forums,
        moved_from=moved_from,
        started_by=actor,
    )
    membership._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"person": "This person is already in a cohort: end that membership first"}
        ) from None
    return membership


@transaction.atomic
def membership_end(
    *,
    actor: User | None,
    membership: Membership,
    end_date: dt.date,
    end_reason: str,
    note: str = "",
    between_forums: bool = False,
) -> Membership:
    """End a spell in the cohort on `end_date` (from that day the person is not a member).

    Ended by the coordinator between forums, the spell is marked so that the next forum
    ratifies the exit.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    errors: dict[str, str] = {}
    if membership.end_date is not None:
        errors["end_date"] = "This membership has already ended"
    elif end_date < membership.start_date:
        errors["end_date"] = "The end cannot be before the start"
    elif end_date > today():
        errors["end_date"] = "The end cannot be dated in the future"
    if end_reason not in EndReason.values:
        errors["end_reason"] = "Choose why the membership ends"
    elif between_forums and not note.strip():
        errors["end_note"] = "Say why the membership ends, for the forum that ratifies it"
    elif end_reason == EndReason.OTHER and not note.strip():
        errors["end_note"] = "Say why the membership ends"
    if errors:
        raise ValidationError(errors)
    membership.end_date = end_date
    membership.end_reason = end_reason
    membership.end_note = note.strip()
    membership.ended_between_forums = between_forums
    membership.ended_by = actor
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    return membership


def _coordinator_errors(actor: User, area: Area) -> dict[str, str]:
    """Changes between forums are the coordinator's, and only in their own areas."""
    if actor.role != Role.COORDINATOR:
        return {"__all__": "Only the PPO coordinator changes the cohort between forums"}
    if not actor.areas.filter(pk=area.pk).exists():
        return {"area": "You can change the cohort only in your own areas"}
    return {}


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same errors with the service's field names replaced by the caller's."""
    return ValidationError(
        {names.get(field, field): texts for field, texts in error.message_dict.items()}
    )


@transaction.atomic
def cohort_adopt_between_forums(
    *,
    actor: User,
    person: Person,
    area: Area,
    strand: str,
    start_date: dt.date,
    reason: str,
    lead: User | None = None,
) -> Membership:
    """The coordinator adopts a person into the PPO scheme between forums, with a reason.

    The spell is marked for the next forum to ratify. A lead offender manager, if chosen, is
    allocated from the start date. An open nomination is left alone: the forum decides it.
    """
    # Lock the person so two coordinators adopting at once queue, and the second is told.
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors = _coordinator_errors(actor, area)
    if not reason.strip():
        errors["reason"] = "Say why the person is being adopted between forums"
    if strand not in Strand.values:
        errors["strand"] = "Choose a strand"
    if start_date > today():
        errors["start_date"] = "Adoption cannot be dated in the future"
    spells = Membership.objects.filter(person=person)
    if spells.filter(end_date__isnull=True).exists():
        errors["__all__"] = "This person is already in a cohort: end or move that membership first"
    elif spells.filter(end_date__gt=start_date).exists():
        errors["start_date"] = "Adoption cannot start before the person's last spell ended"
    if lead is not None and not lead.areas.filter(pk=area.pk).exists():
        errors["lead"] = "Choose an offender manager who works in this area"
    if errors:
        raise ValidationError(errors)
    try:
        membership = membership_start(
            actor=actor,
            person=person,
            area=area,
            scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
            strand=strand,
            start_date=start_date,
            basis=reason,
            between_forums=True,
        )
        current = current_leads([person.pk]).get(person.pk)
        if lead is not None and (current is None or current.worker_id != lead.pk):
            lead_allocate(
                actor=actor,
                person=person,
                worker=lead,
                start_date=start_date,
                trigger=AllocationTrigger.ADOPTION,
                note="Allocated on adoption between forums",
            )
    except ValidationError as error:
        raise _renamed(error, {"basis": "reason", "worker": "lead", "person": "__all__"}) from None
    return membership


@transaction.atomic
def cohort_exit_between_forums(
    *, actor: User, membership: Membership, end_date: dt.date, end_reason: str, note: str
) -> Membership:
    """The coordinator ends a membership between forums, with a reason, for the next forum
    to ratify; the person's lead and co-workers' allocations end the same day."""
    errors = _coordinator_errors(actor, membership.area)
    if end_reason == EndReason.SCHEME_CHANGE:
        errors["end_reason"] = "Move the person into the PPO scheme instead"
    if errors:
        raise ValidationError(errors)
    # membership_end locks the row and refuses a membership someone has already ended.
    membership = membership_end(
        actor=actor,
        membership=membership,
        end_date=end_date,
        end_reason=end_reason,
        note=note,
        between_forums=True,
    )
    allocations_end(
        actor=actor, person=membership.person, end_date=end_date, trigger=AllocationTrigger.EXIT
    )
    return membership


@transaction.atomic
def membership_move_scheme(
    *,
    actor: User,
    membership: Membership,
    move_date: dt.date,
    reason: str,
    area: Area | None = None,
    strand: str | None = None,
    between_forums: bool = True,
) -> Membership:
    """Move a current member of an earlier scheme into the PPO scheme on `move_date`.

    The earlier spell ends that day (moved to another scheme) and the PPO spell starts the
    same day, linked to it, in the same area and strand unless they change. Done by the
    coordinator outside a forum, the move is marked for the next forum to ratify.
    """
    old = Membership.objects.select_for_update().select_related("scheme").get(pk=membership.pk)
    area = area or old.area
    strand = strand or old.strand
    errors = _coordinator_errors(actor, old.area)
    if not errors and area.pk != old.area_id:
        errors = _coordinator_errors(actor, area)
    if old.end_date is not None:
        errors["__all__"] = "This membership has already ended: someone changed it meanwhile"
    elif old.scheme.code == PPO_SCHEME_CODE:
        errors["__all__"] = "This person is already in the PPO scheme"
    if move_date < old.start_date:
        errors["move_date"] = "The move cannot be before the earlier spell started"
    elif move_date > today():
        errors["move_date"] = "The move cannot be dated in the future"
    if not reason.strip():
        errors["reason"] = "Say why the person moves into the PPO scheme"
    if strand not in Strand.values:
        errors["strand"] = "Choose a strand"
    if errors:
        raise ValidationError(errors)
    membership_end(
        actor=actor,
        membership=old,
        end_date=move_date,
        end_reason=EndReason.SCHEME_CHANGE,
        note=reason,
    )
    return membership_start(
        actor=actor,
        person=old.person,
        area=area,
        scheme=Scheme.objects.get(code=PPO_SCHEME_CODE),
        strand=strand,
        start_date=move_date,
        basis=reason,
        between_forums=between_forums,
        moved_from=old,
    )


@transaction.atomic
def scheme_create(
    *,
    actor: User,
    code: str,
    name: str,
    description: str = "",
    criteria_set: CriteriaSet | None = None,
    accepts_new_members: bool = False,
) -> Scheme:
    """Hold an earlier local scheme (such as POPPs), so its members can move across."""
    code = code.strip().upper()
    errors: dict[str, str] = {}
    if actor.role != Role.COORDINATOR:
        errors["__all__"] = "Only the PPO coordinator adds schemes"
    if not SCHEME_CODE_PATTERN.match(code):
        errors["code"] = (
            "Enter a code of up to 30 capital letters, digits, hyphens or underscores, like POPPS"
        )
    if not name.strip():
        errors["name"] = "Enter the scheme's name"
    if errors:
        raise ValidationError(errors)
    scheme = Scheme(
        code=code,
        name=name.strip(),
        description=description.strip(),
        criteria_set=criteria_set,
        accepts_new_members=accepts_new_members,
    )
    scheme._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError:
        raise ValidationError({"code": "A scheme with this code already exists"}) from None
    return scheme


@transaction.atomic
def membership_ratify(*, actor: User | None, membership: Membership, exit: bool) -> Membership:
    """Record that a forum ratified the adoption (or, with `exit`, the exit) of a spell
    changed by the coordinator between forums."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if exit:
        if not membership.exit_awaits_ratification:
            raise ValidationError("This exit is not awaiting ratification")
        membership.exit_ratified = True
    else:
        if not membership.adoption_awaits_ratification:
            raise ValidationError("This adoption is not awaiting ratification")
        membership.adoption_ratified = True
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    return membership
