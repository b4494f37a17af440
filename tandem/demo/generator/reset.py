"""Empty a non-production database, the append-only access log included, for a fresh demo."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from tandem.core.reference_data import reference_data_install

# The migration that made the access log append-only owns the trigger SQL; reuse it verbatim.
_APPEND_ONLY_MIGRATION = "tandem.core.migrations.0003_protocol_defaults_and_append_only_log"


def _statements(migration: ModuleType, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return [migration.POSTGRES_SQL if install else migration.POSTGRES_REVERSE]
    if connection.vendor == "sqlite":
        return list(migration.SQLITE_SQL if install else migration.SQLITE_REVERSE)
    return []


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def reset_database() -> None:
    """Delete every row in the database and reinstall the default sharing protocol."""
    if settings.TANDEM_MODE == "production":
        raise ImproperlyConfigured("Refusing to empty the database in production mode")
    migration = importlib.import_module(_APPEND_ONLY_MIGRATION)
    # One transaction: if anything fails the triggers come back with the data. The triggers
    # must go first because flush on SQLite deletes row by row, which they forbid.
    with transaction.atomic():
        _execute(_statements(migration, install=False))
        # PostgreSQL will not TRUNCATE a table with deferred foreign-key checks pending, as
        # there are when rows were written earlier in an enclosing transaction: run them now.
        connection.check_constraints()
        call_command("flush", interactive=False, verbosity=0)
        _execute(_statements(migration, install=True))
        # flush also empties the tables that migrations filled with reference data.
        reference_data_install()
