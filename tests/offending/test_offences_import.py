"""Importing offences: every rule, all errors at once, all or nothing, and upserts."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tandem.core.access import today
from tandem.core.models import Area
from tandem.offending.imports import ImportSource, import_file, import_files
from tandem.offending.models import ImportBatch, Offence
from tandem.people.models import Person

from .files import (
    OFFENCE_COLUMNS,
    PEOPLE_COLUMNS,
    csv_bytes,
    offence,
    offences_file,
    person,
    pnc,
    table_checksum,
)

pytestmark = pytest.mark.usefixtures("people")


def _import(rows, columns=OFFENCE_COLUMNS, **options):
    return import_file(
        "offences", offences_file(rows, columns), file_name="offences.csv", **options
    )


def _errors(result) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in result.errors.iter_rows()]


def test_a_valid_file_is_written_and_recorded():
    result = _import([offence(1), offence(2, outcome="nfa", sanction_date="", disposal="")])
    assert result.errors.height == 0
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (2, 0, 0)
    first = Offence.objects.select_related("offence_type", "area", "person").get(
        source_ref="CR/2025/000001"
    )
    assert first.person.source_ref == "P000001"
    assert first.offence_type.code == "SHOPLIFTING"
    assert first.area is not None and first.area.code == "A"
    assert first.offence_date == dt.date(2025, 7, 2)
    assert first.sanction_date == dt.date(2025, 9, 15)
    assert (first.outcome, first.disposal, first.source_system) == ("convicted", "fine", "NICHE")
    batch = ImportBatch.objects.get(kind="offences")
    assert first.import_batch == batch
    assert (batch.kind, batch.file_name, batch.rows, batch.created) == (
        "offences",
        "offences.csv",
        2,
        2,
    )
    assert batch.finished_at is not None and batch.actor is None
    second = Offence.objects.get(source_ref="CR/2025/000002")
    assert (second.sanction_date, second.disposal) == (None, "")


def _tomorrow() -> str:
    return (today() + dt.timedelta(days=1)).isoformat()


RULES = [
    ({"offence_date": "31/02/2025"}, "offence_date", "must be a real date"),
    ({"offence_date": "2025-02-29"}, "offence_date", "must be a real date"),
    ({"offence_date": "yesterday"}, "offence_date", "must be a real date"),
    ({"offence_date": "1899-12-31"}, "offence_date", "on or after 1 January 1900"),
    ({"offence_date": ""}, "offence_date", "offence_date is blank, but it is required"),
    ({"offence_code": "NOT-A-CODE"}, "offence_code", "is not a Tandem offence code"),
    ({"offence_code": ""}, "offence_code", "offence_code is blank"),
    ({"area_code": "Z"}, "area_code", "is not a Tandem area code"),
    ({"outcome": "guilty"}, "outcome", "outcome must be one of: convicted, cautioned"),
    ({"outcome": ""}, "outcome", "outcome is blank"),
    ({"sanction_date": ""}, "sanction_date", "required when the outcome is convicted"),
    ({"sanction_date": "2025-07-01"}, "sanction_date", "must be on or after offence_date"),
    ({"sanction_date": "2025-13-01"}, "sanction_date", "must be a real date"),
    ({"disposal": "flogging"}, "disposal", "disposal must be one of: custody"),
    ({"person_ref": "P999999"}, "person_ref", "matches no person from this source_system"),
    ({"source_system": "OTHER"}, "person_ref", "matches no person from this source_system"),
    ({"offence_ref": "R" * 101}, "offence_ref", "100 characters or fewer"),
    ({"offence_ref": "bad\x00ref"}, "offence_ref", "NUL character"),
    ({"offence_ref": ""}, "offence_ref", "offence_ref is blank"),
]


@pytest.mark.parametrize(("change", "column", "reason"), RULES)
def test_each_rule_has_a_clear_error(change, column, reason):
    result = _import([offence(1), offence(2, **change), offence(3)])
    errors = _errors(result)
    assert [(row, col) for row, col, _ in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert not Offence.objects.exists()
    assert not result.written


def test_a_too_long_source_system_is_refused_and_so_names_nobody():
    errors = _errors(_import([offence(1, source_system="X" * 51)]))
    assert errors[0] == (2, "source_system", "source_system must be 50 characters or fewer")
    assert errors[1][:2] == (2, "person_ref")


def test_a_future_date_is_refused():
    result = _import([offence(1, offence_date=_tomorrow(), sanction_date="")])
    reasons = {(c, r) for _, c, r in _errors(result)}
    assert ("offence_date", "offence_date must be today or in the past") in reasons


def test_today_is_not_the_future():
    result = _import(
        [offence(1, offence_date=today().isoformat(), sanction_date=today().isoformat())]
    )
    assert result.errors.height == 0


def test_a_row_reports_every_error_it_has():
    bad = offence(1, offence_code="NOPE", offence_date="32/01/2025", area_code="Q", outcome="x")
    assert [(row, column) for row, column, _ in _errors(_import([bad]))] == [
        (2, "offence_code"),
        (2, "offence_date"),
        (2, "area_code"),
        (2, "outcome"),
    ]


def test_three_bad_rows_among_a_thousand_are_exactly_the_errors_and_nothing_is_written():
    rows = [offence(i, person_ref=f"P{i % 5 + 1:06d}") for i in range(1000)]
    rows[10]["offence_date"] = "31/02/2025"  # row 12
    rows[500]["offence_code"] = "UNKNOWN"  # row 502
    rows[998]["person_ref"] = "NOBODY"  # row 1000
    before = table_checksum("offending_offence")
    result = _import(rows)
    assert [(r, c) for r, c, _ in _errors(result)] == [
        (12, "offence_date"),
        (502, "offence_code"),
        (1000, "person_ref"),
    ]
    assert (result.rows, result.rejected) == (1000, 3)
    assert table_checksum("offending_offence") == before
    batch = ImportBatch.objects.get(kind="offences")
    assert (batch.rows, batch.rejected, batch.errors, batch.created) == (1000, 3, 3, 0)
    assert batch.error_file is not None


def test_partial_writes_the_valid_rows_and_reports_the_rest():
    rows = [offence(i) for i in range(1, 11)]
    rows[3]["outcome"] = "maybe"
    result = _import(rows, partial=True)
    assert result.written and result.rejected == 1
    assert result.counts.created == 9
    assert Offence.objects.count() == 9
    assert not Offence.objects.filter(source_ref="CR/2025/000004").exists()
    assert ImportBatch.objects.get(kind="offences").partial


def test_importing_the_same_file_again_changes_nothing():
    rows = [offence(i, person_ref=f"P{i % 5 + 1:06d}") for i in range(1, 201)]
    _import(rows)
    before = table_checksum("offending_offence")
    again = _import(rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 200)
    assert table_checksum("offending_offence") == before  # not even import_batch_id moved
    batch = ImportBatch.objects.get(pk=again.batch.pk)
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 200)


def test_a_changed_row_is_updated_and_only_that_row():
    rows = [offence(i) for i in range(1, 6)]
    first = _import(rows)
    rows[2]["outcome"] = "cautioned"
    rows[2]["disposal"] = "caution"
    second = _import(rows)
    assert (second.counts.created, second.counts.updated, second.counts.unchanged) == (0, 1, 4)
    changed = Offence.objects.get(source_ref="CR/2025/000003")
    assert (changed.outcome, changed.disposal) == ("cautioned", "caution")
    assert changed.import_batch_id == second.batch.pk
    others = Offence.objects.exclude(pk=changed.pk).values_list("import_batch_id", flat=True)
    assert set(others) == {first.batch.pk}


def test_a_new_row_among_old_ones_is_created():
    _import([offence(1), offence(2)])
    result = _import([offence(1), offence(2), offence(3)])
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (1, 0, 2)


def test_a_column_left_out_keeps_what_is_stored():
    _import([offence(1)])
    columns = [c for c in OFFENCE_COLUMNS if c != "area_code"]
    result = _import([offence(1)], columns=columns)
    assert result.counts.unchanged == 1
    assert Offence.objects.get().area == Area.objects.get(code="A")


def test_a_blank_cell_clears_what_is_stored():
    _import([offence(1, outcome="charged", sanction_date="", disposal="fine")])
    result = _import([offence(1, outcome="charged", sanction_date="", disposal="")])
    assert result.counts.updated == 1
    assert Offence.objects.get().disposal == ""


def test_codes_and_values_ignore_case_and_home_office_codes_work():
    result = _import([offence(1, offence_code="shoplifting", outcome="CONVICTED", area_code="a")])
    assert result.errors.height == 0
    result = _import([offence(2, offence_code="34b", disposal="Custody")])
    assert result.errors.height == 0
    assert Offence.objects.get(source_ref="CR/2025/000002").offence_type.code == "ROBBERY-PERSONAL"


def test_a_repeated_reference_rejects_every_copy():
    rows = [offence(1), offence(2), offence(1, outcome="nfa", sanction_date="")]
    errors = _errors(_import(rows))
    assert [(r, c) for r, c, _ in errors] == [(2, "offence_ref"), (4, "offence_ref")]
    assert (
        "appears on more than one row for this source_system in this file (first on row 2)"
        in (errors[1][2])
    )


def test_the_same_reference_in_another_source_system_is_another_offence():
    import_file(
        "people",
        csv_bytes([person(1, source_system="DIP", pnc="")], PEOPLE_COLUMNS),
        file_name="dip-people.csv",
    )
    result = _import([offence(1), offence(1, source_system="dip")])
    assert result.errors.height == 0
    assert set(Offence.objects.values_list("source_system", flat=True)) == {"NICHE", "DIP"}


def test_a_person_can_be_named_by_pnc():
    columns = [c if c != "person_ref" else "pnc" for c in OFFENCE_COLUMNS]
    result = _import([offence(1, pnc=pnc(2004, 100003))], columns=columns)
    assert result.errors.height == 0
    assert Offence.objects.get().person.source_ref == "P000003"


def test_pnc_and_person_ref_must_agree_and_be_known():
    columns = [*OFFENCE_COLUMNS, "pnc"]
    rows = [
        offence(1, pnc=pnc(2004, 100001)),  # agrees
        offence(2, pnc=pnc(2004, 100002)),  # another person
        offence(3, pnc=pnc(2004, 999999)),  # nobody's
        offence(4, pnc="2004/0100001Q"),  # wrong check letter
        offence(5, pnc="not a pnc"),
        offence(6, person_ref="", pnc=""),
    ]
    errors = _errors(_import(rows, columns=columns))
    assert [(r, c) for r, c, _ in errors] == [
        (3, "pnc"),
        (4, "pnc"),
        (5, "pnc"),
        (6, "pnc"),
        (7, "person_ref"),
    ]
    reasons = [reason for _, _, reason in errors]
    assert "belongs to a different person from person_ref" in reasons[0]
    assert "matches no person" in reasons[1]
    assert "wrong check letter" in reasons[2]
    assert "must be a PNC number" in reasons[3]
    assert "both blank" in reasons[4]


def test_people_and_offences_in_one_batch():
    people = csv_bytes([person(i) for i in range(10, 13)], PEOPLE_COLUMNS)
    offences = offences_file([offence(1, person_ref="P000010"), offence(2, person_ref="P000012")])
    results = import_files(
        [ImportSource("offences", offences, "o.csv"), ImportSource("people", people, "p.csv")]
    )
    assert [r.kind for r in results] == ["people", "offences"]
    assert results[1].counts.created == 2
    assert Offence.objects.get(source_ref="CR/2025/000001").person.source_ref == "P000010"


def test_a_new_person_can_be_named_by_pnc_in_the_same_batch():
    people = csv_bytes([person(20)], PEOPLE_COLUMNS)
    columns = [c if c != "person_ref" else "pnc" for c in OFFENCE_COLUMNS]
    offences = offences_file([offence(1, pnc=pnc(2004, 100020))], columns)
    results = import_files(
        [ImportSource("people", people, "p.csv"), ImportSource("offences", offences, "o.csv")]
    )
    assert [r.errors.height for r in results] == [0, 0]
    assert Offence.objects.get().person.source_ref == "P000020"


def test_a_database_refusal_names_no_values(monkeypatch):
    from django.db import DataError

    from tandem.offending.imports import FileProblem
    from tandem.offending.imports.offences import OffencesSpec

    def refuse(*args, **kwargs):
        raise DataError('invalid input syntax for type date: "SECRET"')

    monkeypatch.setattr(OffencesSpec, "write", refuse)
    with pytest.raises(FileProblem) as caught:
        _import([offence(1)])
    assert "SECRET" not in caught.value.message and "DataError" in caught.value.message
    assert not ImportBatch.objects.filter(kind="offences").exists()


def test_a_person_deleted_while_the_import_runs_stops_it(monkeypatch):
    """Offence's keys are checked by the importer, not the database: this is that check."""
    from tandem.offending.imports import FileProblem
    from tandem.offending.imports.offences import OffencesSpec

    prepare = OffencesSpec.prepare

    def prepare_then_delete(self, frame, context):
        prepared = prepare(self, frame, context)
        Person.objects.filter(source_ref="P000002").delete()
        return prepared

    monkeypatch.setattr(OffencesSpec, "prepare", prepare_then_delete)
    with pytest.raises(FileProblem) as caught:
        _import([offence(1), offence(2, person_ref="P000002")])
    assert "The database refused the rows" in caught.value.message
    assert not Offence.objects.exists()


def test_a_bad_people_file_stops_the_whole_batch():
    people = csv_bytes([person(10), person(11, sex="?")], PEOPLE_COLUMNS)
    offences = offences_file([offence(1, person_ref="P000010")])
    results = import_files(
        [ImportSource("people", people, "p.csv"), ImportSource("offences", offences, "o.csv")]
    )
    assert [r.rejected for r in results] == [1, 0]
    assert not any(r.written for r in results)
    assert not Person.objects.filter(source_ref="P000010").exists()
    assert not Offence.objects.exists()


def test_xlsx_works_with_date_cells_and_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.upper() for c in OFFENCE_COLUMNS])
    sheet.append(
        [
            "NICHE",
            1001,
            "P000001",
            "ABH",
            dt.date(2025, 7, 2),
            "A",
            "convicted",
            dt.datetime(2025, 9, 15),
            "custody",
        ]
    )
    sheet.append([None] * len(OFFENCE_COLUMNS))  # a blank row keeps the numbering
    sheet.append(["NICHE", "1002", "P000001", "ABH", "2025-02-31", "A", "nfa", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file("offences", buffer.getvalue(), file_name="offences.xlsx")
    assert _errors(result) == [
        (4, "offence_date", "offence_date must be a real date written as YYYY-MM-DD or DD/MM/YYYY")
    ]
    result = import_file("offences", buffer.getvalue(), file_name="offences.xlsx", partial=True)
    saved = Offence.objects.get()
    assert (saved.source_ref, saved.offence_date) == ("1001", dt.date(2025, 7, 2))
    assert saved.sanction_date == dt.date(2025, 9, 15)


def test_uk_dates_and_a_default_source_system():
    columns = [c for c in OFFENCE_COLUMNS if c != "source_system"]
    rows = [offence(1, offence_date="2/7/2025", sanction_date="15/09/2025")]
    result = _import(rows, columns=columns, default_source_system="niche")
    assert result.errors.height == 0
    assert Offence.objects.get().offence_date == dt.date(2025, 7, 2)
