"""One import scenario whose every result is printable, to compare SQLite with PostgreSQL.

Run in the test process on PostgreSQL and in a child process on SQLite by
test_sqlite_parity.py; the two dumps must be identical.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from tandem.core.models import Area, Partnership
from tandem.offending.imports import ImportSource, import_file, import_files

from .files import (
    DRUG_TEST_COLUMNS,
    OFFENCE_COLUMNS,
    PEOPLE_COLUMNS,
    csv_bytes,
    drug_test,
    offence,
    offences_file,
    person,
    pnc,
)

DUMPS = [
    "SELECT source_ref, first_name, last_name, first_name_key, last_name_key, date_of_birth, "
    "sex, ethnicity, synthetic, (SELECT code FROM core_area a WHERE a.id = p.residence_area_id), "
    "no_fixed_abode FROM people_person p WHERE source_ref <> '' ORDER BY source_ref",
    "SELECT p.source_ref, i.kind, i.value, i.value_key FROM people_identifier i "
    "JOIN people_person p ON p.id = i.person_id WHERE p.source_ref <> '' ORDER BY 1, 3",
    "SELECT p.source_ref, a.line1, a.town, a.postcode, a.start_date, a.end_date, "
    "(SELECT code FROM core_area x WHERE x.id = a.area_id) FROM people_address a "
    "JOIN people_person p ON p.id = a.person_id WHERE p.source_ref <> '' ORDER BY 1, 5",
    "SELECT o.source_ref, p.source_ref, t.code, o.offence_date, o.outcome, o.sanction_date, "
    "o.disposal, (SELECT code FROM core_area x WHERE x.id = o.area_id), "
    "(SELECT file_name || '/' || rows || '/' || created FROM offending_importbatch b "
    "WHERE b.id = o.import_batch_id) FROM offending_offence o "
    "JOIN people_person p ON p.id = o.person_id "
    "JOIN offending_offencetype t ON t.id = o.offence_type_id ORDER BY 1",
    "SELECT source_ref, test_date, setting, opiates, cocaine, other, assessment_required, "
    "assessment_followed FROM offending_drugtest ORDER BY 1",
    "SELECT h.history_type, p.source_ref, h.first_name, "
    "(SELECT code FROM core_area x WHERE x.id = h.residence_area_id) "
    "FROM people_historicalperson h JOIN people_person p ON p.id = h.id "
    "WHERE p.source_ref <> '' ORDER BY 2, h.history_id",
    "SELECT h.history_type, h.value FROM people_historicalidentifier h "
    "JOIN people_person p ON p.id = h.person_id WHERE p.source_ref <> '' ORDER BY h.history_id",
    "SELECT h.history_type, h.line1, h.start_date, h.end_date FROM people_historicaladdress h "
    "JOIN people_person p ON p.id = h.person_id WHERE p.source_ref <> '' ORDER BY h.history_id",
    "SELECT kind, rows, created, updated, unchanged, rejected, partial, errors "
    "FROM offending_importbatch ORDER BY id",
]


def _dump(sql: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        # Booleans and dates print differently by database: compare them as numbers and text.
        return [
            [str(int(v)) if isinstance(v, bool) else str(v) for v in row]
            for row in cursor.fetchall()
        ]


def run() -> list[Any]:
    """Import, change, re-import and partially import; return what each step did and left."""
    partnership, _ = Partnership.objects.get_or_create(name="Parity partnership")
    for code in ("A", "B"):
        Area.objects.get_or_create(code=code, defaults={"name": code, "partnership": partnership})
    steps: list[Any] = []

    def step(kind: str, data: bytes, **options: Any) -> None:
        result = import_file(kind, data, file_name=f"{kind}.csv", **options)
        counts = result.counts
        steps.append(
            [kind, result.rows, result.rejected, counts.created, counts.updated, counts.unchanged]
            + [list(row) for row in result.errors.rows()]
        )

    people = [person(i) for i in range(1, 8)]
    step("people", csv_bytes(people, PEOPLE_COLUMNS))
    step("people", csv_bytes(people, PEOPLE_COLUMNS))
    people[1]["first_name"] = "Changed"
    people[2].update(address_line1="New Road", area_code="B", address_from="2025-08-01")
    people[3]["pnc"] = pnc(1990, 5)
    people[4]["address_from"] = "2025-05-01"
    people[5]["pnc"] = ""
    step("people", csv_bytes([*people, person(9, sex="bad")], PEOPLE_COLUMNS), partial=True)
    step("people", csv_bytes(people, PEOPLE_COLUMNS))
    offences = [offence(i, person_ref=f"P{i % 7 + 1:06d}") for i in range(1, 40)]
    offences[3]["offence_date"] = "31/02/2025"
    step("offences", offences_file(offences))
    step("offences", offences_file(offences), partial=True)
    offences[3]["offence_date"] = "2025-02-28"
    offences[5].update(outcome="nfa", sanction_date="")
    step("offences", offences_file(offences))
    step("offences", offences_file(offences))
    offences[6]["disposal"] = "custody"  # the column is left out: nothing changes
    step("offences", offences_file(offences, [c for c in OFFENCE_COLUMNS if c != "disposal"]))
    tests = [drug_test(i, person_ref=f"P{i % 7 + 1:06d}") for i in range(1, 10)]
    step("drug-tests", csv_bytes(tests, DRUG_TEST_COLUMNS))
    tests[2]["assessment_followed"] = ""
    step("drug-tests", csv_bytes(tests, DRUG_TEST_COLUMNS))
    batch = import_files(
        [
            ImportSource("people", csv_bytes([person(50)], PEOPLE_COLUMNS), "p.csv"),
            ImportSource("offences", offences_file([offence(500, person_ref="P000050")]), "o.csv"),
        ]
    )
    steps.append([[r.kind, r.counts.created] for r in batch])
    return [steps, *[_dump(sql) for sql in DUMPS]]
