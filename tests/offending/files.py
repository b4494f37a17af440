"""Builders of small import files, valid unless told otherwise."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection

from tandem.offending.imports.persons import PNC_CHECK_LETTERS

PEOPLE_COLUMNS = [
    "source_system", "person_ref", "first_name", "last_name", "date_of_birth", "sex",
    "ethnicity", "pnc", "address_line1", "town", "postcode", "area_code", "address_from",
]  # fmt: skip
OFFENCE_COLUMNS = [
    "source_system", "offence_ref", "person_ref", "offence_code", "offence_date", "area_code",
    "outcome", "sanction_date", "disposal",
]  # fmt: skip
DRUG_TEST_COLUMNS = [
    "source_system", "test_ref", "person_ref", "test_date", "setting", "opiates", "cocaine",
    "other", "assessment_required", "assessment_followed",
]  # fmt: skip


def pnc(year: int, serial: int) -> str:
    """A well-formed PNC number with the right check letter."""
    letter = PNC_CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % len(PNC_CHECK_LETTERS)]
    return f"{year}/{serial:07d}{letter}"


def csv_bytes(rows: Iterable[dict[str, str]], columns: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode()


def person(i: int, **changes: str) -> dict[str, str]:
    row = {
        "source_system": "NICHE",
        "person_ref": f"P{i:06d}",
        "first_name": "Jordan",
        "last_name": f"Example{i}",
        "date_of_birth": "2001-03-14",
        "sex": "male",
        "ethnicity": "white",
        "pnc": pnc(2004, 100000 + i),
        "address_line1": f"{i} Example Road",
        "town": "Synthetic City",
        "postcode": "sc1 1aa",
        "area_code": "A",
        "address_from": "2025-06-01",
    }
    row.update(changes)
    return row


def offence(i: int, person_ref: str = "P000001", **changes: str) -> dict[str, str]:
    row = {
        "source_system": "NICHE",
        "offence_ref": f"CR/2025/{i:06d}",
        "person_ref": person_ref,
        "offence_code": "SHOPLIFTING",
        "offence_date": "2025-07-02",
        "area_code": "A",
        "outcome": "convicted",
        "sanction_date": "2025-09-15",
        "disposal": "fine",
    }
    row.update(changes)
    return row


def drug_test(i: int, person_ref: str = "P000001", **changes: str) -> dict[str, str]:
    row = {
        "source_system": "NICHE",
        "test_ref": f"T-2025-{i:05d}",
        "person_ref": person_ref,
        "test_date": "2025-07-02",
        "setting": "arrest",
        "opiates": "positive",
        "cocaine": "negative",
        "other": "not_tested",
        "assessment_required": "yes",
        "assessment_followed": "yes",
    }
    row.update(changes)
    return row


def people_file(count: int, **changes: str) -> bytes:
    return csv_bytes((person(i, **changes) for i in range(1, count + 1)), PEOPLE_COLUMNS)


def offences_file(
    rows: Iterable[dict[str, str]], columns: Sequence[str] = OFFENCE_COLUMNS
) -> bytes:
    return csv_bytes(rows, columns)


def table_checksum(table: str) -> tuple[int, str]:
    """Row count and an md5 of every row of a table, in id order: any change shows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "  # noqa: S608
            f"FROM {connection.ops.quote_name(table)} t"
        )
        count, digest = cursor.fetchone()
    return int(count), str(digest)
