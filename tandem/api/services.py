"""Writes for the custody check: the check itself (one access event each), the coordinator's
instructions, and custody systems' API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Area, Partnership, Role, User

from .models import INSTRUCTION_MAX_LENGTH, ApiToken, CheckPurpose, CustodyInstruction
from .selectors import (
    CheckAnswer,
    CheckQuery,
    answer_for,
    candidate_person,
    candidates_answer,
    no_match_answer,
    person_match,
)

TOKEN_PREFIX = "tdm_"  # noqa: S105 - marks Tandem tokens (for secret scanners); not a secret
# Writing the last-used time on every request would cost a write per check; to the minute
# is plenty for an administrator deciding whether a token is still in use.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _check_actor(actor: User, purpose: str) -> None:
    if not (actor.is_active and actor.role == Role.CUSTODY_OFFICER):
        raise PermissionDenied
    if purpose not in CheckPurpose.values:
        raise ValidationError({"purpose": "Choose why you are checking"})


def _how(query: CheckQuery) -> str:
    parts = []
    if query.pnc_key:
        parts.append(f"PNC number {query.pnc.strip()}")
    if query.has_name and query.date_of_birth is not None:
        parts.append(
            f"name and date of birth {query.first_name.strip()} {query.last_name.strip()} "
            f"{query.date_of_birth:%d/%m/%Y}"
        )
    return " or ".join(parts)


def custody_check(
    *, actor: User, purpose: str, query: CheckQuery, request: HttpRequest | None = None
) -> CheckAnswer:
    """Check whether the person described is a PPO; one access event records who asked why.

    The event keeps what was searched for (as a people search does), so an auditor can see
    who was looked for even when nobody was found.
    """
    _check_actor(actor, purpose)
    if not (query.pnc_key or query.has_name):
        raise ValidationError("Enter a PNC number, or a first name, last name and date of birth")
    checked_at = timezone.now()
    match = person_match(query)
    if match.person is not None:
        answer = answer_for(match.person, purpose=purpose, checked_at=checked_at)
    elif match.candidates:
        answer = candidates_answer(actor, match.candidates, purpose=purpose, checked_at=checked_at)
    else:
        answer = no_match_answer(query, purpose=purpose, checked_at=checked_at)
    access_record(
        actor=actor,
        action=AccessAction.CUSTODY_CHECK,
        person=match.person,
        categories=[Category.IDENTITY],
        detail=(
            f"{CheckPurpose(purpose).label}; by {_how(query)}; "
            f"answer: {answer.status.replace('_', ' ')}"
        ),
        result_count=1 if match.person is not None else len(match.candidates),
        request=request,
    )
    return answer


def custody_check_candidate(
    *, actor: User, purpose: str, reference: str, request: HttpRequest | None = None
) -> CheckAnswer:
    """Check the candidate the officer chose from a list of near matches."""
    _check_actor(actor, purpose)
    person = candidate_person(actor, reference)
    if person is None:
        raise ValidationError(
            {"candidate": "That choice has expired or is not valid: check the person again"}
        )
    answer = answer_for(person, purpose=purpose, checked_at=timezone.now())
    access_record(
        actor=actor,
        action=AccessAction.CUSTODY_CHECK,
        person=person,
        categories=[Category.IDENTITY],
        detail=(
            f"{CheckPurpose(purpose).label}; chosen from possible matches; "
            f"answer: {answer.status.replace('_', ' ')}"
        ),
        result_count=1,
        request=request,
    )
    return answer


@transaction.atomic
def custody_instruction_set(
    *, actor: User, partnership: Partnership, area: Area | None, text: str
) -> CustodyInstruction | None:
    """Set what custody suites should do with a PPO, for one area or partnership-wide.

    An area's instruction left empty falls back to the partnership-wide default (its row
    goes; the history keeps it); the default itself cannot be empty.
    """
    if actor.role != Role.COORDINATOR:
        raise PermissionDenied
    if area is not None and not actor.areas.filter(pk=area.pk).exists():
        raise PermissionDenied
    if area is not None and area.partnership_id != partnership.pk:
        raise ValidationError({"area": "That area is in another partnership"})
    text = " ".join(text.split())
    if len(text) > INSTRUCTION_MAX_LENGTH:
        raise ValidationError(
            {"text": f"Keep the instruction to {INSTRUCTION_MAX_LENGTH} characters or fewer"}
        )
    existing = (
        CustodyInstruction.objects.select_for_update()
        .filter(partnership=partnership, area=area)
        .order_by("pk")  # not the default ordering by area name: no outer join to lock
        .first()
    )
    if not text:
        if area is None:
            raise ValidationError({"text": "Enter the instruction for custody suites"})
        if existing is not None:
            existing._history_user = actor  # type: ignore[attr-defined]
            existing.delete()
        return None
    instruction = existing or CustodyInstruction(partnership=partnership, area=area)
    instruction.text = text
    instruction.updated_by = actor
    instruction._history_user = actor  # type: ignore[attr-defined]
    instruction.save()
    return instruction


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a custody system acting as `user`; the token is returned only here."""
    errors = {}
    if user.role != Role.CUSTODY_OFFICER or not user.is_active:
        errors["user"] = "Tokens are for active custody-officer service accounts only"
    if not name.strip():
        errors["name"] = "Name the system that will use the token"
    if errors:
        raise ValidationError(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name.strip()[:200],
        prefix=token[:12],
        key_hash=_hash(token),
        created_by=actor,
    )
    return record, token


def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Stop a token working from now on; the record stays, to show when and by whom."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_use(raw: str) -> ApiToken | None:
    """The live token matching `raw`, with its user, noting when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
