"""Reading files: formats, headers, blank rows, row numbers, and whole-file problems."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tandem.offending.imports import FileProblem, import_file
from tandem.offending.imports.reading import ImportFileError, read_table

from .files import OFFENCE_COLUMNS, csv_bytes, offence


def test_headers_are_case_insensitive_cells_stripped_and_blanks_null():
    frame = read_table(b"\xef\xbb\xbf Source_System ,NAME\n NICHE ,  \n", "x.csv")
    assert frame.columns == ["_row", "source_system", "name"]
    assert frame.row(0) == (2, "NICHE", None)


def test_blank_rows_are_skipped_but_keep_their_numbers():
    frame = read_table(b"a,b\n1,2\n\n,\n3,4\n", "x.csv")
    assert frame["_row"].to_list() == [2, 5]


def test_quoted_cells_may_hold_commas_and_line_breaks():
    frame = read_table(b'a,b\n"x, y","line\nbreak"\n', "x.csv")
    assert frame.row(0) == (2, "x, y", "line\nbreak")


def test_xlsx_cells_are_text_and_blank_rows_keep_numbering():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["A", "B"])
    sheet.append([7, 1.5])
    sheet.append([None, None])
    sheet.append(["x", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    frame = read_table(buffer.getvalue(), "x.xlsx")
    assert frame.rows() == [(2, "7", "1.5"), (4, "x", None)]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "The file is empty."),
        (b"   \n\n", "x.csv", "The file is empty."),
        (b"a,b\n", "x.csv", "header row but no data rows"),
        (b"a,b\n,\n", "x.csv", "header row but no data rows"),
        (b"a,A \n1,2\n", "x.csv", "appear more than once in the header: a."),
        (b"a,b\n1,2,3\n", "x.csv", "could not be read as CSV"),
        (b"a;b;c\n1;2;3\n", "x.csv", "semicolons or tabs"),
        (b"a\tb\n1\t2\n", "x.csv", "semicolons or tabs"),
        (b"a,b\n\xff\xfe,2\n", "x.csv", "could not be read as CSV"),
        (b"\xd0\xcf\x11\xe0rest", "x.xls", "old Excel format"),
        (b"PK\x03\x04 not really a workbook", "x.xlsx", "could not be read as XLSX"),
    ],
)
def test_whole_file_problems(data, name, message):
    with pytest.raises(ImportFileError) as caught:
        read_table(data, name)
    assert message in str(caught.value)


def test_a_file_problem_never_quotes_the_file():
    with pytest.raises(ImportFileError) as caught:
        read_table(b"a,b\nSECRET NAME,2,3\n", "x.csv")
    assert "SECRET" not in str(caught.value)


def test_missing_required_columns_are_all_listed(db):
    data = csv_bytes([offence(1)], ["source_system", "offence_ref", "offence_date"])
    with pytest.raises(FileProblem) as caught:
        import_file("offences", data, file_name="o.csv")
    assert caught.value.message == (
        "The file is missing required columns: offence_code, outcome, person_ref or pnc."
    )


def test_a_missing_path_is_a_file_problem(db, tmp_path):
    with pytest.raises(FileProblem) as caught:
        import_file("offences", Path(tmp_path / "nope.csv"))
    assert "no file" in caught.value.message


def test_extra_columns_are_ignored(people):
    data = csv_bytes([{**offence(1), "notes": "ignored"}], [*OFFENCE_COLUMNS, "notes"])
    assert import_file("offences", data, file_name="o.csv").errors.height == 0
