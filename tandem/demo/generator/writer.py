"""Write the city's tables in bulk: COPY on PostgreSQL, batched inserts on SQLite.

Nothing here saves rows one at a time. Ids are allocated past each table's highest id and
the PostgreSQL sequences are moved on afterwards. On PostgreSQL, large loads follow the
manual's advice for populating a database: the tables' secondary indexes and foreign keys
are dropped, the rows copied in, then the indexes rebuilt and the keys re-added (checked in
one pass each), which is several times faster than maintaining them row by row. The tables
are locked until the build's transaction ends, which is fine for a demo database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import polars as pl
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from tandem.core.bulk import insert_frame, quote
from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES
from tandem.offending.models import DrugTest, ImportBatch, Offence, OffenceType
from tandem.people.models import (
    Address,
    Alias,
    Consent,
    Engagement,
    Identifier,
    Person,
    StatusEpisode,
)

from .build import CityData
from .careers import AREA_CODES
from .offencemix import CODES
from .organisation import Organisation
from .tables import Keys, history_table, offence_tables, person_tables

HISTORY_REASON = "Synthetic demo data"
# On PostgreSQL, a table taking at least this many rows is loaded without its indexes.
DEFER_INDEXES_FROM = 10_000
PERSON_MODELS: list[type[Model]] = [
    Person, Alias, Identifier, Address, StatusEpisode, Engagement, Consent,
]  # fmt: skip


def catalogue_ensure() -> dict[str, int]:
    """The offence types' ids by code, adding any shipped type the catalogue lacks."""
    found = dict(OffenceType.objects.values_list("code", "id"))
    missing = [row for row in DEFAULT_OFFENCE_TYPES if row[0] not in found]
    if missing:
        OffenceType.objects.bulk_create(
            [
                OffenceType(
                    code=code, name=name, home_office_code=ho_code,
                    display_category=str(category), ogrs3_group=str(group), gravity=gravity,
                    recordable=recordable, drug_related=drug_related,
                )
                for code, name, ho_code, category, group, gravity, recordable, drug_related
                in missing
            ]
        )  # fmt: skip
        found = dict(OffenceType.objects.values_list("code", "id"))
    return found


def _first_free_id(model: type[Model]) -> int:
    top = model._default_manager.aggregate(top=Max("id"))["top"]
    return (top or 0) + 1


def _rows(sql: str, params: list[list[str]]) -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@contextmanager
def _without_indexes(models: list[type[Model]]) -> Iterator[None]:
    """PostgreSQL only: drop these tables' secondary indexes and keys, put them back after."""
    tables = [m._meta.db_table for m in models]
    if connection.vendor != "postgresql" or not tables:
        yield
        return
    with connection.cursor() as cursor:
        # Foreign keys cannot be dropped while checks are queued on a table: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        constraints = _rows(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        indexes = _rows(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND indexrelid NOT IN "
            "(SELECT conindid FROM pg_constraint)",
            [tables],
        )
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for index, _ in indexes:
            cursor.execute(f"DROP INDEX {index}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load(tables: dict[type[Model], pl.DataFrame]) -> dict[type[Model], int]:
    """Insert each frame into its table, in order, deferring indexes of the big ones."""
    big = [m for m, frame in tables.items() if frame.height >= DEFER_INDEXES_FROM]
    with _without_indexes(big):
        return {model: insert_frame(model, frame) for model, frame in tables.items()}


def _sequences_reset(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _batches(city: CityData, created_at: object) -> dict[str, int]:
    """One import batch per kind of police data, so the demo's provenance is recorded."""
    name = f"tandem demo --seed {city.seed} --years {city.window.years} (synthetic)"
    now = timezone.now()
    counts = {
        ImportBatch.Kind.PEOPLE: city.people.height,
        ImportBatch.Kind.OFFENCES: city.offences.height,
        ImportBatch.Kind.DRUG_TESTS: city.drug_tests.height,
    }
    return {
        str(kind): ImportBatch.objects.create(
            kind=kind, file_name=name, finished_at=now, rows=rows, created=rows
        ).pk
        for kind, rows in counts.items()
    }


def city_write(city: CityData, org: Organisation) -> dict[type[Model], int]:
    """Write every generated row; return the rows written per model (history excluded)."""
    type_ids = catalogue_ensure()
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    stamp = str(created_at)
    areas = {code: area.pk for code, area in org.areas.items()}
    models: list[type[Model]] = [*PERSON_MODELS, Offence, DrugTest]
    keys = Keys(
        areas=areas,
        area_by_index=np.array([areas[code] for code in AREA_CODES], dtype=np.int64),
        type_by_index=np.array([type_ids[code] for code in CODES], dtype=np.int64),
        agencies={key: agency.pk for key, agency in org.agencies.items()},
        first_id={model: _first_free_id(model) for model in models},
        batches=_batches(city, created_at),
        created_at=stamp,
    )
    people = person_tables(city, keys)
    written = _load(people)
    # One "created" history row a person, in bulk, so each person's change history starts
    # with their creation. (Their other records get none: at a million offences the extra
    # rows would cost more than the time budget allows.)
    history = history_table(Person, people[Person], stamp, HISTORY_REASON)
    _load({Person.history.model: history})
    written.update(_load(offence_tables(city, keys)))
    _sequences_reset(models)
    return written
