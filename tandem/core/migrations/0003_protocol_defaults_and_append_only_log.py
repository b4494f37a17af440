"""Ship the default sharing protocol, and make the access log append-only in the database."""

from django.db import migrations

TABLE = "core_accessevent"

POSTGRES_SQL = f"""
CREATE OR REPLACE FUNCTION tandem_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION tandem_access_log_append_only();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS access_log_append_only ON {TABLE};
DROP FUNCTION IF EXISTS tandem_access_log_append_only();
"""
SQLITE_SQL = [
    f"CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;",
    f"CREATE TRIGGER access_log_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'The access log is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SQL:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


def install_protocol(apps, schema_editor):
    from tandem.core.protocol_defaults import DEFAULT_PROTOCOL, _CODES

    ProtocolRule = apps.get_model("core", "ProtocolRule")
    categories = [
        "identity", "offending", "intelligence", "risk", "health", "substance_misuse",
        "accommodation", "ete", "finance", "family", "attitudes", "case_notes",
    ]
    rows = []
    for agency_kind, role, rationale, levels in DEFAULT_PROTOCOL:
        for category in categories:
            rows.append(
                ProtocolRule(
                    agency_kind=str(agency_kind),
                    role=str(role),
                    category=category,
                    level=str(_CODES[levels.get(category, "none")]),
                    rationale=rationale,
                )
            )
    ProtocolRule.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial"), ("people", "0001_initial")]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(install_protocol, migrations.RunPython.noop),
    ]
