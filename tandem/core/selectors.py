"""Reads of partnership reference data: the protocol and the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from .categories import CATEGORY_DESCRIPTIONS, Category, Level
from .models import AccessEvent, AgencyKind, ProtocolRule, Role


@dataclass
class ProtocolTable:
    agency_kind: str
    agency_label: str
    roles: list[tuple[str, str, str]]  # (role, label, rationale)
    rows: list[tuple[str, str, list[str]]]  # (category label, description, level labels)


def protocol_tables() -> list[ProtocolTable]:
    """The whole protocol as one table per agency kind: categories down, roles across."""
    rules = ProtocolRule.objects.all()
    cells: dict[tuple[str, str, str], str] = {}
    rationale: dict[tuple[str, str], str] = {}
    for rule in rules:
        cells[(rule.agency_kind, rule.role, rule.category)] = rule.level
        if rule.rationale:
            rationale.setdefault((rule.agency_kind, rule.role), rule.rationale)
    level_labels = dict(Level.choices)
    role_labels = dict(Role.choices)
    tables = []
    for kind, kind_label in AgencyKind.choices:
        roles = sorted(
            {role for (k, role, _c) in cells if k == kind},
            key=lambda r: list(role_labels).index(r),
        )
        if not roles:
            continue
        rows = [
            (
                category.label,
                CATEGORY_DESCRIPTIONS[category],
                [
                    level_labels[cells.get((kind, role, category.value), Level.NONE)]
                    for role in roles
                ],
            )
            for category in Category
        ]
        tables.append(
            ProtocolTable(
                agency_kind=kind,
                agency_label=kind_label,
                roles=[(r, role_labels[r], rationale.get((kind, r), "")) for r in roles],
                rows=rows,
            )
        )
    return tables


@dataclass
class AccessLogFilter:
    actor_id: int | None = None
    person_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def access_events(filters: AccessLogFilter) -> QuerySet[AccessEvent]:
    """The access log, newest first, with the joins its pages show."""
    events = AccessEvent.objects.select_related("actor", "actor_agency", "person")
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.person_id:
        events = events.filter(person_id=filters.person_id)
    if filters.date_from:
        events = events.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(at__date__lte=filters.date_to)
    return events.order_by("-at", "-id")
