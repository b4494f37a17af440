"""The people file: identity, PNC number and current address of people from a source system.

Writing a person touches four tables: the person (upserted on source system and
reference), their PNC identifier, their current home address (a move ends the old one),
and their area of residence, which decides who may open the record. Each step is one or
two set-based statements over the staging table, and history rows are written the same
way, so a people file of a hundred thousand rows never saves a row at a time.
"""

# ruff: noqa: S608  (SQL is built from model table and column names, never from a file's
# contents; every value from a file travels as a parameter or through COPY.)
from __future__ import annotations

import datetime as dt

import polars as pl
from django.utils import timezone

from tandem.core.bulk import quote, table_name
from tandem.people.models import Address, Ethnicity, Identifier, IdentifierKind, Person

from ..models import ImportBatch
from .base import Column, Context, Counts, Spec
from .offences import area_check, area_join
from .persons import PNC_KEY, PNC_VALUE, pnc_check, pnc_columns, pnc_key_column
from .progress import Progress
from .validation import (
    Check,
    choice_check,
    choice_value,
    date_check,
    name_key,
    parse_date,
    repeat_check,
    text_check,
    typed,
    when_all,
)
from .writing import (
    STAGE,
    TOUCHED_COLUMNS,
    Upsert,
    adapt_date,
    adapt_datetime,
    analyze,
    column_types,
    create_as,
    differs,
    execute,
    history_insert,
    staged,
    temp_table,
)

SEXES = {"male": "male", "female": "female", "other": "other", "m": "male", "f": "female"}
ETHNICITIES = {e.value: e.value for e in Ethnicity}
ADDRESS_COLUMNS = (
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "area_code",
    "address_from",
)
RESIDENTIAL = (Address.Kind.HOME.value, Address.Kind.HOSTEL.value, Address.Kind.TEMPORARY.value)

PNC_TABLE = "tandem_import_pnc"
ADDRESS_TABLE = "tandem_import_address"
RESIDENCE_TABLE = "tandem_import_residence"
TOUCHED_PEOPLE = "tandem_import_touched_people"
TOUCHED_IDENTIFIERS = "tandem_import_touched_identifiers"
TOUCHED_ADDRESSES = "tandem_import_touched_addresses"

# Staging columns that are not Person columns, with their types.
EXTRA_STAGE_TYPES = {
    "pnc": "varchar(50)",
    "pnc_key": "varchar(50)",
    "line1": "varchar(200)",
    "line2": "varchar(200)",
    "town": "varchar(100)",
    "postcode": "varchar(10)",
    "area_id": "bigint",
    "address_from": "date",
    "address_from_given": "boolean",
    "address_before": "date",
    "person_id": "bigint",
}


class PeopleSpec(Spec):
    kind = ImportBatch.Kind.PEOPLE
    ref_column = "person_ref"
    columns = (
        Column("source_system", required=True),
        Column("person_ref", required=True),
        Column("first_name", required=True),
        Column("middle_names"),
        Column("last_name", required=True),
        Column("date_of_birth", required=True),
        Column("sex", required=True),
        Column("ethnicity"),
        Column("pnc"),
        *[Column(c) for c in ADDRESS_COLUMNS],
    )

    def prepare(self, frame: pl.DataFrame, context: Context) -> pl.DataFrame:
        frame = frame.with_columns(
            parse_date("date_of_birth"),
            parse_date("address_from"),
            choice_value("sex", SEXES),
            choice_value("ethnicity", ETHNICITIES),
            *pnc_columns(),
        ).with_columns(pnc_key_column())
        frame = area_join(frame, context.areas)
        # Who holds each PNC number now, to refuse one that belongs to someone else.
        frame = frame.join(
            context.pncs, left_on=PNC_KEY, right_on="pnc_key", how="left", maintain_order="left"
        )
        return frame

    def checks(self, context: Context) -> list[Check]:
        has_address = pl.any_horizontal([pl.col(c).is_not_null() for c in ADDRESS_COLUMNS])
        held_by_other = pl.col("pnc_person_id").is_not_null() & (
            (pl.col("pnc_source_system") != pl.col("source_system"))
            | (pl.col("pnc_source_ref") != pl.col("person_ref"))
        )

        def with_address(column: str, max_length: int) -> Check:
            rule = (
                has_address & pl.col(column).is_null(),
                f"{column} is blank, but it is required when an address is given",
            )
            length = text_check(column, required=False, max_length=max_length)
            return Check(column, pl.coalesce(when_all([rule]), length.reason))

        return [
            *self.common_checks(),
            text_check("first_name", required=True, max_length=100),
            text_check("middle_names", required=False, max_length=200),
            text_check("last_name", required=True, max_length=100),
            date_check("date_of_birth", required=True, today=context.today),
            choice_check("sex", SEXES, required=True),
            choice_check("ethnicity", ETHNICITIES, required=False),
            pnc_check(),
            repeat_check("pnc", [PNC_KEY], "in this file"),
            Check(
                "pnc",
                when_all(
                    [(held_by_other, "pnc already belongs to another person's record in Tandem")]
                ),
            ),
            with_address("address_line1", 200),
            text_check("address_line2", required=False, max_length=200),
            with_address("town", 100),
            text_check("postcode", required=False, max_length=10),
            Check(
                "area_code",
                pl.coalesce(
                    when_all(
                        [
                            (
                                has_address & pl.col("area_code").is_null(),
                                "area_code is blank, but it is required when an address is given",
                            )
                        ]
                    ),
                    area_check().reason,
                ),
            ),
            date_check("address_from", required=False, today=context.today),
        ]

    def pending(self, valid: pl.DataFrame) -> pl.DataFrame:
        """The people this file will write, for offences and drug tests in the same batch."""
        return valid.select(
            "source_system",
            pl.col("person_ref").alias("source_ref"),
            pl.col(PNC_KEY).alias("pnc_key"),
        )

    def write(
        self,
        valid: pl.DataFrame,
        present: list[str],
        context: Context,
        batch: ImportBatch,
        progress: Progress,
    ) -> Counts:
        stage = self._stage(valid, context.today)
        now = timezone.now()
        compared = ["first_name", "last_name", "first_name_key", "last_name_key"]
        compared += ["date_of_birth", "sex", "synthetic"]
        compared += [c for c in ("middle_names", "ethnicity") if c in present]
        # A new person's area of residence is that of the file's address, their only one.
        person_columns = [*compared, "middle_names", "ethnicity", "no_fixed_abode"]
        person_columns.append("residence_area_id")
        types = {**column_types(Person), **EXTRA_STAGE_TYPES}
        progress.phase("writing", stage.height)
        with (
            staged(stage, types, on_chunk=progress.advance),
            temp_table(TOUCHED_PEOPLE, TOUCHED_COLUMNS),
            temp_table(TOUCHED_IDENTIFIERS, TOUCHED_COLUMNS),
            temp_table(TOUCHED_ADDRESSES, TOUCHED_COLUMNS),
        ):
            progress.note("merging into people")
            created, _ = Upsert(
                model=Person,
                columns=["source_system", "source_ref", *dict.fromkeys(person_columns)],
                compared=compared,
                constants={"created_at": adapt_datetime(now), "updated_at": adapt_datetime(now)},
                also_update=["updated_at"],
                order_by=["source_system", "source_ref"],
            ).run(touched=TOUCHED_PEOPLE)
            analyze(TOUCHED_PEOPLE)
            _fill_person_ids()
            analyze(STAGE)
            progress.note("PNC numbers")
            _write_pnc_numbers()
            progress.note("addresses")
            _write_addresses()
            progress.note("areas of residence")
            _refresh_residence(context.today, now)
            changed = _changed_people()
            progress.note("history")
            user_id = context.actor.pk if context.actor else None
            reason = f"Imported (batch {batch.pk})"
            for model, touched in (
                (Person, TOUCHED_PEOPLE),
                (Identifier, TOUCHED_IDENTIFIERS),
                (Address, TOUCHED_ADDRESSES),
            ):
                analyze(touched)
                history_insert(model, touched, when=now, user_id=user_id, reason=reason)
            for name in (PNC_TABLE, ADDRESS_TABLE, RESIDENCE_TABLE):
                execute(f"DROP TABLE {quote(name)}")
        context.forget()
        updated = changed - created
        return Counts(created=created, updated=updated, unchanged=stage.height - changed)

    def _stage(self, valid: pl.DataFrame, today: dt.date) -> pl.DataFrame:
        given_from = pl.col(typed("address_from", "date"))
        address_from = given_from.fill_null(pl.lit(today))
        return valid.select(
            "source_system",
            pl.col("person_ref").alias("source_ref"),
            "first_name",
            pl.col("middle_names").fill_null(""),
            "last_name",
            name_key("first_name").alias("first_name_key"),
            name_key("last_name").alias("last_name_key"),
            pl.col(typed("date_of_birth", "date")).alias("date_of_birth"),
            pl.col(typed("sex", "value")).alias("sex"),
            pl.col(typed("ethnicity", "value"))
            .fill_null(Ethnicity.NOT_STATED.value)
            .alias("ethnicity"),
            pl.lit(False).alias("synthetic"),
            pl.lit(False).alias("no_fixed_abode"),
            pl.col("area_id").alias("residence_area_id"),
            pl.col(PNC_VALUE).alias("pnc"),
            pl.col(PNC_KEY).alias("pnc_key"),
            pl.col("address_line1").alias("line1"),
            pl.col("address_line2").fill_null("").alias("line2"),
            "town",
            pl.col("postcode").str.to_uppercase().fill_null("").alias("postcode"),
            "area_id",
            address_from.alias("address_from"),
            given_from.is_not_null().alias("address_from_given"),
            address_from.dt.offset_by("-1d").alias("address_before"),
            pl.lit(None, dtype=pl.Int64).alias("person_id"),
        )


def _t(model: type) -> str:
    return quote(table_name(model))


def _fill_person_ids() -> None:
    stage = quote(STAGE)
    execute(
        f"UPDATE {stage} SET person_id = p.id FROM {_t(Person)} p "
        f"WHERE p.source_system = {stage}.source_system AND p.source_ref = {stage}.source_ref"
    )


def _write_pnc_numbers() -> None:
    """Each person's PNC identifier: kept if it matches, corrected if not, added if none."""
    identifiers, pnc = _t(Identifier), IdentifierKind.PNC.value
    create_as(
        PNC_TABLE,
        "SELECT s.person_id, s.pnc AS value, s.pnc_key AS value_key, "
        f"(SELECT min(i.id) FROM {identifiers} i WHERE i.person_id = s.person_id "
        "AND i.kind = %s) AS identifier_id "
        f"FROM {quote(STAGE)} s WHERE s.pnc_key IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {identifiers} i WHERE i.person_id = s.person_id AND i.kind = %s "
        "AND i.value_key = s.pnc_key)",
        [pnc, pnc],
    )
    execute(
        f"UPDATE {identifiers} SET value = c.value, value_key = c.value_key "
        f"FROM {PNC_TABLE} c WHERE {identifiers}.id = c.identifier_id"
    )
    execute(
        f"INSERT INTO {TOUCHED_IDENTIFIERS} (id, inserted) "
        f"SELECT identifier_id, false FROM {PNC_TABLE} WHERE identifier_id IS NOT NULL"
    )
    execute(
        f"INSERT INTO {identifiers} (person_id, kind, value, value_key, issued_by) "
        f"SELECT person_id, %s, value, value_key, '' FROM {PNC_TABLE} WHERE identifier_id IS NULL "
        "ORDER BY person_id",
        [pnc],
    )
    execute(
        f"INSERT INTO {TOUCHED_IDENTIFIERS} (id, inserted) SELECT i.id, true "
        f"FROM {identifiers} i JOIN {PNC_TABLE} c ON c.person_id = i.person_id "
        "AND c.value_key = i.value_key WHERE c.identifier_id IS NULL AND i.kind = %s",
        [pnc],
    )


def _write_addresses() -> None:
    """The file's address becomes the current home address; a different one ends the old."""
    addresses, home = _t(Address), Address.Kind.HOME.value
    same = " AND ".join(f"c.{c} = s.{c}" for c in ("line1", "line2", "town", "postcode", "area_id"))
    create_as(
        ADDRESS_TABLE,
        "SELECT s.person_id, s.line1, s.line2, s.town, s.postcode, s.area_id, s.address_from, "
        "c.id AS current_id, "
        "CASE WHEN c.id IS NULL THEN 'new' "
        f"WHEN {same} THEN CASE WHEN s.address_from_given AND c.start_date <> s.address_from "
        "THEN 'redate' ELSE 'same' END ELSE 'moved' END AS action, "
        # A move ends the old address the day before the new one starts, or on the day it
        # started if the new one is dated earlier still.
        "CASE WHEN s.address_before >= c.start_date THEN s.address_before "
        "ELSE c.start_date END AS current_end "
        f"FROM {quote(STAGE)} s LEFT JOIN ("
        "SELECT a.id, a.person_id, a.line1, a.line2, a.town, a.postcode, a.area_id, a.start_date, "
        "ROW_NUMBER() OVER (PARTITION BY a.person_id ORDER BY a.start_date DESC, a.id DESC) AS n "
        f"FROM {addresses} a WHERE a.kind = %s AND a.end_date IS NULL "
        f"AND a.person_id IN (SELECT person_id FROM {quote(STAGE)} WHERE line1 IS NOT NULL)"
        ") c ON c.person_id = s.person_id AND c.n = 1 WHERE s.line1 IS NOT NULL",
        [home],
    )
    execute(
        f"UPDATE {addresses} SET start_date = x.address_from FROM {ADDRESS_TABLE} x "
        f"WHERE {addresses}.id = x.current_id AND x.action = 'redate'"
    )
    execute(
        f"UPDATE {addresses} SET end_date = x.current_end FROM {ADDRESS_TABLE} x "
        f"WHERE {addresses}.id = x.current_id AND x.action = 'moved'"
    )
    execute(
        f"INSERT INTO {TOUCHED_ADDRESSES} (id, inserted) SELECT current_id, false "
        f"FROM {ADDRESS_TABLE} WHERE action IN ('redate', 'moved')"
    )
    last_id = execute(f"SELECT coalesce(max(id), 0) FROM {addresses}")[0][0]
    execute(
        f"INSERT INTO {addresses} (person_id, kind, line1, line2, town, postcode, area_id, "
        "start_date, end_date) SELECT person_id, %s, line1, line2, town, postcode, area_id, "
        f"address_from, NULL FROM {ADDRESS_TABLE} WHERE action IN ('new', 'moved') "
        "ORDER BY person_id",
        [home],
    )
    execute(
        f"INSERT INTO {TOUCHED_ADDRESSES} (id, inserted) SELECT a.id, true FROM {addresses} a "
        f"JOIN {ADDRESS_TABLE} x ON x.person_id = a.person_id AND x.action IN ('new', 'moved') "
        "AND a.start_date = x.address_from AND a.line1 = x.line1 AND a.area_id = x.area_id "
        "WHERE a.id > %s AND a.end_date IS NULL",
        [last_id],
    )


def _refresh_residence(today: dt.date, now: dt.datetime) -> None:
    """Area of residence from the current address, as people.services keeps it."""
    people, addresses = _t(Person), _t(Address)
    kinds = ", ".join(["%s"] * len(RESIDENTIAL))
    day = adapt_date(today)
    create_as(
        RESIDENCE_TABLE,
        "SELECT x.person_id, "
        f"(SELECT a.area_id FROM {addresses} a WHERE a.person_id = x.person_id "
        f"AND a.kind IN ({kinds}) AND a.start_date <= %s "
        "AND (a.end_date IS NULL OR a.end_date >= %s) "
        "ORDER BY a.start_date DESC, a.id DESC LIMIT 1) AS area_id "
        # People created just now have their residence already; so do unchanged addresses.
        f"FROM (SELECT DISTINCT person_id FROM {ADDRESS_TABLE} WHERE action <> 'same' "
        f"AND person_id NOT IN (SELECT id FROM {TOUCHED_PEOPLE} WHERE inserted)) x",
        [*RESIDENTIAL, day, day],
    )
    moved = f"r.area_id IS NOT NULL AND {differs('p.residence_area_id', 'r.area_id')}"
    execute(
        f"INSERT INTO {TOUCHED_PEOPLE} (id, inserted) SELECT r.person_id, false "
        f"FROM {RESIDENCE_TABLE} r JOIN {people} p ON p.id = r.person_id WHERE {moved} "
        f"AND NOT EXISTS (SELECT 1 FROM {TOUCHED_PEOPLE} t WHERE t.id = r.person_id)"
    )
    execute(
        f"UPDATE {people} SET residence_area_id = r.area_id, no_fixed_abode = false, "
        f"updated_at = %s FROM {RESIDENCE_TABLE} r WHERE {people}.id = r.person_id "
        f"AND r.area_id IS NOT NULL AND "
        f"{differs(f'{people}.residence_area_id', 'r.area_id')}",
        [adapt_datetime(now)],
    )


def _changed_people() -> int:
    """People created or changed in any way: record, PNC number, address or area."""
    rows = execute(
        f"SELECT count(*) FROM (SELECT id FROM {TOUCHED_PEOPLE} "
        f"UNION SELECT person_id FROM {PNC_TABLE} "
        f"UNION SELECT person_id FROM {ADDRESS_TABLE} WHERE action <> 'same') x"
    )
    return int(rows[0][0])
