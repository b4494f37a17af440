"""What the referral pages share: who may read them, the reader, access logging, putting a
service's refusal on a form, the name a referral shared and the referrer's contact lines.

A referral is read through selectors.referral_for (404 when the reader may not see it);
roles that never see referrals get 403. The receiving agency reads the person only through
what was shared with it until it accepts; everyone else sees the shared details only in the
categories the protocol grants them. Every page showing personal data writes an access
event with the categories it showed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest

from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role, User
from tandem.people.models import Person

from . import services, sharing
from .models import Referral

# Roles that see referral pages at all; the rest (custody, analysts, auditors,
# administrators) get 403 before any record is looked up.
READING_ROLES = services.REFERRING_ROLES | services.RECEIVING_ROLES | {Role.VIEWER}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in READING_ROLES or not user.agency_id:
        raise PermissionDenied
    return user


def _receives(user: User, referral: Referral) -> bool:
    # The services' own rule for the receiving side, so pages and writes agree.
    return services.receives(user, referral)


def _log(request: HttpRequest, person: Person, categories: Iterable[str], detail: str) -> None:
    access_record(
        actor=_user(request),
        action=AccessAction.VIEW_PERSON,
        person=person,
        categories=categories,
        detail=detail,
        request=request,
    )


def _copy_errors(form: Form, error: ValidationError, visible: Iterable[str] = ()) -> None:
    """Put a service's refusal on the form: field errors on shown fields, the rest on top."""
    shown = set(visible) if visible else set(form.fields)
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in shown else None, text)


def _with_version(form: Form, version: int) -> None:
    """After a refusal, carry the current version: sending again means "I have looked"."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when posted
    data["version"] = str(version)
    form.data = data


def shared_name(referral: Referral) -> str:
    """The person's name as the referral shared it (empty when identity was not shared)."""
    for section in sharing.sections_from(referral.shared):
        if section.category == Category.IDENTITY:
            for line in section.lines:
                if line.startswith("Name: "):
                    return line.removeprefix("Name: ")
    return ""


def _referrer_contact(referral: Referral) -> list[str]:
    referrer = referral.referrer
    lines = [referrer.display_name]
    if referrer.job_title:
        lines.append(referrer.job_title)
    lines.append(referral.from_agency.name)
    lines += [v for v in (referrer.phone, referrer.email) if v]
    return lines
