"""A person's change history across their records, limited to the categories a user may read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from tandem.core.access import PersonGrants
from tandem.core.categories import Category
from tandem.core.models import Agency, Area, User

from .models import Address, Alias, Engagement, Identifier, Monitoring, Person, StatusEpisode

# Which category each kind of record belongs to, and how to name it on the page.
TRACKED: list[tuple[type[models.Model], str, str]] = [
    (Person, Category.IDENTITY, "Identity"),
    (Alias, Category.IDENTITY, "Alias"),
    (Identifier, Category.IDENTITY, "Identifier"),
    (Address, Category.ACCOMMODATION, "Address"),
    (StatusEpisode, Category.OFFENDING, "Status"),
    (Monitoring, Category.OFFENDING, "Monitoring level"),
    (Engagement, Category.CASE_NOTES, "Agency engagement"),
]
_SKIP = {"id", "person", "first_name_key", "last_name_key", "value_key", "created_at", "updated_at"}
_ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Change:
    at: dt.datetime
    who: User | None
    record: str
    action: str
    fields: list[FieldChange]


def _display(field: models.Field, value: Any, names: dict[tuple[type, Any], str]) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), str(value))
    if isinstance(value, list):  # an order's requirements
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    return str(value)


def person_changes(person: Person, grants: PersonGrants) -> list[Change]:
    """Every change to the person's records in readable categories, newest first."""
    loaded = []
    for model, category, label in TRACKED:
        if not grants.can_read(category):
            continue
        fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
        historical = model.history.model  # type: ignore[attr-defined]
        lookup = {"id": person.pk} if model is Person else {"person_id": person.pk}
        rows = list(
            historical.objects.filter(**lookup)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        loaded.append((label, fields, rows))
    names = _foreign_key_names(loaded)
    changes: list[Change] = []
    for label, fields, rows in loaded:
        changes.extend(_row_changes(label, fields, rows, names))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


def _foreign_key_names(
    loaded: list[tuple[str, list[Any], list[Any]]],
) -> dict[tuple[type, Any], str]:
    """Names for the ids that history rows hold in foreign keys: one query per model."""
    names: dict[tuple[type, Any], str] = {
        (Area, pk): name for pk, name in Area.objects.values_list("pk", "name")
    }
    names.update({(Agency, pk): name for pk, name in Agency.objects.values_list("pk", "name")})
    user_ids = {
        getattr(row, f.attname)
        for _label, fields, rows in loaded
        for f in fields
        if isinstance(f, models.ForeignKey) and f.related_model is User
        for row in rows
    } - {None}
    for user in User.objects.filter(pk__in=user_ids):
        names[(User, user.pk)] = user.display_name
    return names


def _row_changes(
    label: str, fields: list[Any], rows: list[Any], names: dict[tuple[type, Any], str]
) -> list[Change]:
    """Changes between consecutive history rows of each record of one kind."""
    changes = []
    previous: dict[int, Any] = {}
    for row in rows:
        before = previous.get(row.id)
        diffs = []
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if before is None and row.history_type == "+" and new in (None, ""):
                continue
            if before is None or old != new:
                diffs.append(
                    FieldChange(
                        f.verbose_name.capitalize(),
                        _display(f, old, names) if before else "–",
                        _display(f, new, names),
                    )
                )
        if row.history_type == "-":
            diffs = []
        if diffs or row.history_type in {"+", "-"}:
            changes.append(
                Change(row.history_date, row.history_user, label, _ACTIONS[row.history_type], diffs)
            )
        previous[row.id] = row
    return changes
