"""A person's change history across their records, limited to the categories a user may read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from tandem.core.access import PersonGrants
from tandem.core.categories import Category
from tandem.core.models import Area, User

from .models import Address, Alias, Engagement, Identifier, Person, StatusEpisode

# Which category each kind of record belongs to, and how to name it on the page.
TRACKED: list[tuple[type[models.Model], str, str]] = [
    (Person, Category.IDENTITY, "Identity"),
    (Alias, Category.IDENTITY, "Alias"),
    (Identifier, Category.IDENTITY, "Identifier"),
    (Address, Category.ACCOMMODATION, "Address"),
    (StatusEpisode, Category.OFFENDING, "Status"),
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


def _display(field: models.Field, value: Any, areas: dict[int, str]) -> str:
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey) and field.related_model is Area:
        return areas.get(value, str(value))
    if isinstance(value, dt.date):
        return value.strftime("%-d %b %Y")
    return str(value)


def person_changes(person: Person, grants: PersonGrants) -> list[Change]:
    """Every change to the person's records in readable categories, newest first."""
    areas = dict(Area.objects.values_list("pk", "name"))
    changes: list[Change] = []
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
                            _display(f, old, areas) if before else "–",
                            _display(f, new, areas),
                        )
                    )
            if row.history_type == "-":
                diffs = []
            if diffs or row.history_type in {"+", "-"}:
                changes.append(
                    Change(
                        row.history_date, row.history_user, label, _ACTIONS[row.history_type], diffs
                    )
                )
            previous[row.id] = row
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
