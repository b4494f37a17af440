"""What every diary page shares: opening the person, logging the view, errors onto forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils import timezone

from tandem.core.access import PersonGrants, can_open_records, grants_for, person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, User
from tandem.people.models import Person

from ..codes import KIND_CATEGORY, AppointmentKind
from ..rules import LONDON
from ..selectors import BookingCheck

# Service errors name the model's fields; the forms ask for a day and clock times.
FIELD_NAMES = {"starts_at": "starts", "ends_at": "ends"}

# The kind a new booking starts on, by the booking agency's kind.
DEFAULT_KIND = {
    "police": AppointmentKind.SUPERVISION,
    "probation": AppointmentKind.SUPERVISION,
    "prison": AppointmentKind.SUPERVISION,
    "dip": AppointmentKind.DRUG_TEST,
    "drug_treatment": AppointmentKind.DRUG_TREATMENT,
    "housing_authority": AppointmentKind.HOUSING,
    "social_landlord": AppointmentKind.HOUSING,
    "ete": AppointmentKind.ETE,
    "mentoring": AppointmentKind.MENTORING,
}


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def posted(request: HttpRequest) -> Any:
    """The posted data, even when empty (an empty form is bad input, not a first visit)."""
    return request.POST if request.method == "POST" else None


def copy_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it."""
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        name = FIELD_NAMES.get(field, field)
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def open_person(
    request: HttpRequest, person_id: int, roles: Iterable[str] | None = None
) -> tuple[Person, PersonGrants]:
    """The person (404 out of scope) and the reader's grants; 403 for roles that never
    open records, or are not among `roles`."""
    user = user_of(request)
    if not can_open_records(user) or (roles is not None and user.role not in set(roles)):
        raise PermissionDenied
    person = person_for(user, person_id)
    return person, grants_for(user, person)


def log_view(
    request: HttpRequest,
    person: Person,
    categories: Iterable[str],
    detail: str,
    action: AccessAction = AccessAction.VIEW_PERSON,
) -> None:
    access_record(
        actor=user_of(request),
        action=action,
        person=person,
        categories=[Category.IDENTITY, *categories],
        detail=detail,
        request=request,
    )


def kind_categories(kinds: Iterable[str | None]) -> set[str]:
    """The categories the kinds of appointment shown in detail reveal."""
    return {KIND_CATEGORY[k] for k in kinds if k in KIND_CATEGORY}


def person_context(
    person: Person, grants: PersonGrants, title: str, section: str = "", **extra: Any
) -> dict[str, Any]:
    forms = [f for f in extra.values() if isinstance(f, Form)]
    return {
        "title": title,
        "person": person,
        "grants": grants,
        "shows_name": grants.can_read(Category.IDENTITY),
        "section": section,
        "today": today(),
        "has_errors": any(f.errors for f in forms),
        **extra,
    }


def signature(check: BookingCheck) -> str:
    """The warnings shown, as a string the form carries, so that "Book anyway" confirms
    exactly those: if another agency booked something meanwhile, the user sees it first."""
    return ";".join(sorted(f"{w.code}:{w.appointment_id or ''}" for w in check.warnings))


def now() -> dt.datetime:
    return timezone.now()


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def london_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
