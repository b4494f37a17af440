"""`tandem import`: exit codes, messages, error files, batches of files and the progress bar."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tandem.offending.models import Offence
from tandem.people.models import Person

from .files import PEOPLE_COLUMNS, csv_bytes, offence, offences_file, person


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good(tmp_path, people):
    path = tmp_path / "offences.csv"
    path.write_bytes(offences_file([offence(1), offence(2)]))
    return path


@pytest.fixture
def bad(tmp_path, people):
    path = tmp_path / "bad.csv"
    path.write_bytes(offences_file([offence(1), offence(2, offence_date="31/02/2025")]))
    return path


def test_a_good_file_is_imported_and_reported(good):
    out, err = _run("offences", str(good))
    assert "2 rows; 2 created, 0 updated, 0 unchanged." in out
    assert "reading" in err and "validating" in err and "writing" in err
    assert not (good.parent / "offences.errors.csv").exists()
    out, _ = _run("offences", str(good))
    assert "0 created, 0 updated, 2 unchanged" in out


def test_errors_mean_exit_status_1_an_error_file_and_nothing_written(bad):
    with pytest.raises(CommandError) as caught:
        _run("offences", str(bad))
    assert caught.value.returncode == 1
    assert "Nothing was written" in str(caught.value)
    errors = (bad.parent / "bad.errors.csv").read_text()
    assert errors.splitlines() == [
        "row,column,reason",
        "3,offence_date,offence_date must be a real date written as YYYY-MM-DD or DD/MM/YYYY",
    ]
    assert not Offence.objects.exists()


def test_the_console_shows_the_first_errors(bad, capsys):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "offences", str(bad), stdout=out, stderr=io.StringIO())
    assert "1 with errors, so none written" in out.getvalue()
    assert "  row 3, offence_date: offence_date must be a real date" in out.getvalue()


def test_partial_writes_the_valid_rows_and_exits_0(bad, tmp_path):
    errors = tmp_path / "elsewhere.csv"
    out, _ = _run("offences", str(bad), "--partial", "--errors", str(errors))
    assert "1 rejected and not written; of the others, 1 created" in out
    assert errors.read_text().count("\n") == 2
    assert Offence.objects.count() == 1


def test_a_clean_run_replaces_a_stale_error_file(bad, good):
    stale = good.parent / "offences.errors.csv"
    stale.write_text("row,column,reason\n9,x,old\n")
    _run("offences", str(good))
    assert stale.read_text() == "row,column,reason\n"


def test_people_and_offences_together(tmp_path, areas):
    people = tmp_path / "people.csv"
    people.write_bytes(csv_bytes([person(7)], PEOPLE_COLUMNS))
    offences = tmp_path / "offences.csv"
    offences.write_bytes(offences_file([offence(1, person_ref="P000007")]))
    out, _ = _run("offences", str(offences), "people", str(people))
    assert out.index("people.csv") < out.index("offences.csv")
    assert Offence.objects.get().person == Person.objects.get()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["offences"], "Give a kind and a file for each import"),
        (["crimes", "x.csv"], "Unknown kind 'crimes'; choose people, offences, drug-tests."),
        (["offences", "/no/such/file.csv"], "/no/such/file.csv: there is no file at that path."),
    ],
)
def test_usage_problems_exit_2(db, args, message):
    with pytest.raises(CommandError) as caught:
        _run(*args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_unusable_files_exit_2_with_a_clear_message(tmp_path, db):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    columns = tmp_path / "columns.csv"
    columns.write_bytes(b"source_system,offence_ref\nNICHE,1\n")
    for path, message in [
        (empty, "empty.csv: The file is empty."),
        (
            columns,
            "missing required columns: offence_code, offence_date, outcome, person_ref or pnc",
        ),
    ]:
        with pytest.raises(CommandError) as caught:
            _run("offences", str(path))
        assert caught.value.returncode == 2
        assert message in str(caught.value)


def test_errors_option_needs_one_file(good):
    with pytest.raises(CommandError) as caught:
        _run("offences", str(good), "offences", str(good), "--errors", "x.csv")
    assert caught.value.returncode == 2


def test_source_system_option_fills_the_column(tmp_path, people):
    path = tmp_path / "o.csv"
    rows = [{k: v for k, v in offence(1).items() if k != "source_system"}]
    path.write_bytes(csv_bytes(rows, [c for c in rows[0]]))
    _run("offences", str(path), "--source-system", "NICHE", "-v", "0")
    assert Offence.objects.get().source_system == "NICHE"
